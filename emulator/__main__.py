"""``python -m emulator``: serve the emulator over HTTP until SIGINT or SIGTERM."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
