"""``python -m emulator.vendors``: tools for vendor fixtures.

``serve --fixtures DIR [--cassette NAME ...] [--host H] [--port N]`` serves the cassettes over
HTTP for clients that cannot be patched (a real OpenSearch node); the first line on stdout
is ``Vendor stub listening on http://HOST:PORT``. With ``--record NAME --upstream URL`` it is
a recording proxy in front of the real vendor instead, writing cassette NAME (scrubbed).
``scan DIR [--secret VALUE ...]`` exits 1 and lists the findings when the folder holds a
known secret shape or one of the given credential values (values are never printed).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from ..http.server import ServerHandle
from .cassette import CassetteError, cassette_path
from .recorder import VendorRecorder
from .scanner import scan
from .stub import RecordingStubApp, StubApp, replay_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.vendors", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    scan_parser = commands.add_parser("scan", help="look for secrets in a fixtures folder")
    scan_parser.add_argument("folder", type=Path)
    scan_parser.add_argument("--secret", action="append", default=[], metavar="VALUE",
                             help="a credential value that must not appear (repeatable)")
    scan_parser.add_argument("--secret-env", action="append", default=[], metavar="NAME",
                             help="an environment variable holding such a value (repeatable)")
    serve_parser = commands.add_parser("serve", help="serve cassettes over HTTP (network replay)")
    serve_parser.add_argument("--fixtures", type=Path, required=True, metavar="DIR")
    serve_parser.add_argument("--cassette", action="append", default=[], metavar="NAME",
                              help="serve only these cassettes (repeatable; default: all under DIR)")
    serve_parser.add_argument("--record", metavar="NAME", default=None,
                              help="record instead of replaying: forward to --upstream and write cassette NAME")
    serve_parser.add_argument("--upstream", metavar="URL", default=None,
                              help="with --record: the vendor's base URL (https://api.openai.com)")
    serve_parser.add_argument("--secret-env", action="append", default=[], metavar="NAME",
                              help="with --record: an environment variable whose value is scrubbed (repeatable)")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(parser, args)
    if not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    secrets = [*args.secret, *(os.environ.get(name, "") for name in args.secret_env)]
    findings = scan(args.folder, secrets)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s) in {args.folder}", file=sys.stderr)
    return 1 if findings else 0


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.record is not None:
        if not args.upstream:
            parser.error("--record needs --upstream URL")
        names = list(args.secret_env)
        try:
            destination = cassette_path(args.fixtures, args.record)
        except CassetteError as error:
            parser.error(str(error))
        recorder = VendorRecorder(args.record, destination,
                                  secrets=lambda: [os.environ.get(name, "") for name in names])
        app: Any = RecordingStubApp(recorder, args.upstream)
    else:
        if not args.fixtures.is_dir():
            parser.error(f"not a folder: {args.fixtures}")
        try:
            replay = replay_for(args.fixtures, args.cassette)
        except CassetteError as error:
            parser.error(str(error))
        if not replay.cassettes:
            parser.error(f"no cassettes under {args.fixtures}")
        app = StubApp(replay)
    try:
        server = ServerHandle(app, host=args.host, port=args.port)
    except (OSError, OverflowError, ValueError) as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    print(f"Vendor stub listening on {server.url}", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
