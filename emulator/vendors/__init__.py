"""Vendor traffic for the emulator: intercepting, replaying and (later) recording remote model calls."""
