"""``python -m emulator.vendors``: tools for vendor fixtures.

``scan DIR [--secret VALUE ...]`` exits 1 and lists the findings when the folder holds a
known secret shape or one of the given credential values (values are never printed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .scanner import scan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.vendors", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    scan_parser = commands.add_parser("scan", help="look for secrets in a fixtures folder")
    scan_parser.add_argument("folder", type=Path)
    scan_parser.add_argument("--secret", action="append", default=[], metavar="VALUE",
                             help="a credential value that must not appear (repeatable)")
    scan_parser.add_argument("--secret-env", action="append", default=[], metavar="NAME",
                             help="an environment variable holding such a value (repeatable)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    secrets = [*args.secret, *(os.environ.get(name, "") for name in args.secret_env)]
    findings = scan(args.folder, secrets)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s) in {args.folder}", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
