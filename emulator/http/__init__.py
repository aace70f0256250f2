"""The HTTP layer: routing, request parsing, rendering and the error envelope."""
