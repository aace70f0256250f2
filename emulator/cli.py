"""The command line: ``python -m emulator --host 127.0.0.1 --port 9200``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from typing import Any

from . import DEFAULT_VERSION, Emulator
from .domain.security import DEFAULT_ADMIN_PASSWORD


def _setting(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Serve the ML Commons emulator over HTTP.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9200, help="port to bind; 0 picks a free one (default 9200)")
    parser.add_argument("--opensearch-version", default=DEFAULT_VERSION,
                        help=f"OpenSearch version to emulate (default {DEFAULT_VERSION})")
    parser.add_argument("--setting", action="append", type=_setting, default=[], metavar="KEY=VALUE",
                        help="node setting, repeatable; VALUE is JSON or a plain string")
    parser.add_argument("--security", action="store_true",
                        help="turn the Security plugin on: HTTP basic auth, users, roles (off by default)")
    parser.add_argument("--admin-password", default=None,
                        help="password of the built-in admin user with --security (default admin; "
                             "or $ML_ADMIN_PASSWORD)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    parser.add_argument("--log-level", default="WARNING", help="Python log level (default WARNING)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    password = args.admin_password or os.environ.get("ML_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
    emulator = Emulator(version=args.opensearch_version, settings=dict(args.setting), security=args.security,
                        admin_password=password)
    try:
        server = emulator.serve(args.host, args.port, threads=args.threads)
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"ML Commons emulator listening on {server.url}", flush=True)
    stop = threading.Event()

    def _request_stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    while not stop.wait(0.2):
        pass
    server.stop()
    return 0
