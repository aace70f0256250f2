"""Secrets never reach disk: the scrubber cleans recorded traffic, the scanner checks any fixtures folder."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from emulator.vendors import scanner
from emulator.vendors.__main__ import main as vendors_cli
from emulator.vendors.cassette import Cassette, Interaction, Request, Response
from emulator.vendors.replay import SHIPPED_FIXTURES
from emulator.vendors.scrub import REDACTED, message_from_wire, scrub

FAKE_KEY = "fake-credential-value-31337"
FAKE_TOKEN = "fake-session-token-0451"


def recorded() -> Interaction:
    return Interaction(
        Request(method="POST", url=f"https://generativelanguage.googleapis.com/v1/models/x:generate?key={FAKE_KEY}"
                                   "&alt=json",
                headers={"Authorization": f"Bearer {FAKE_KEY}", "x-api-key": FAKE_KEY, "Cookie": "session=abc",
                         "X-Amz-Security-Token": FAKE_TOKEN, "X-Amz-Date": "20261201T000000Z",
                         "Content-Type": "application/json", "anthropic-version": "2023-06-01"},
                json_body={"prompt": f"my key is {FAKE_KEY}", "nested": [{"token": FAKE_TOKEN}]}, has_json=True),
        Response(status=200, headers={"Content-Type": "application/json", "openai-organization": "org-123",
                                      "openai-project": "proj_9", "x-request-id": "req_1", "set-cookie": "__cf_bm=x",
                                      "x-amzn-ErrorType": "ThrottlingException", "Retry-After": "2"},
                 text=f"echo {FAKE_KEY}"),
    )


def test_scrubbing_removes_every_secret_from_request_and_response() -> None:
    clean = scrub(recorded(), [FAKE_KEY, FAKE_TOKEN])
    text = json.dumps(clean.to_json())
    assert FAKE_KEY not in text and FAKE_TOKEN not in text
    assert clean.request.headers == {"Content-Type": "application/json", "anthropic-version": "2023-06-01"}
    assert clean.request.url == ("https://generativelanguage.googleapis.com/v1/models/x:generate?key=REDACTED"
                                 "&alt=json")
    assert clean.request.json_body == {"prompt": f"my key is {REDACTED}", "nested": [{"token": REDACTED}]}
    assert clean.response.headers == {"Content-Type": "application/json", "x-amzn-ErrorType": "ThrottlingException",
                                      "Retry-After": "2"}
    assert clean.response.text == f"echo {REDACTED}"


def test_secret_named_body_fields_go_even_when_not_configured() -> None:
    interaction = Interaction(Request(method="POST", url="https://x.example.com/", has_json=True,
                                      json_body={"api_key": "unknown-value", "text": "kept", "n": {"password": "p"}}),
                              Response(status=200))
    assert scrub(interaction).request.json_body == {"api_key": REDACTED, "text": "kept", "n": {"password": REDACTED}}


def test_secret_query_parameters_go_even_when_not_configured() -> None:
    interaction = Interaction(Request(method="GET", url="https://x.example.com/a?api_key=abc&X-Amz-Signature=f00&q=1"),
                              Response(status=200))
    assert scrub(interaction).request.url == "https://x.example.com/a?api_key=REDACTED&X-Amz-Signature=REDACTED&q=1"


def test_binary_bodies_are_scrubbed_too() -> None:
    raw = b"\x00\x01" + FAKE_KEY.encode() + b"\xff" + base64.b64encode(FAKE_KEY.encode())
    interaction = Interaction(Request(method="POST", url="https://x.example.com/"), Response(status=200, raw=raw))
    cleaned = scrub(interaction, [FAKE_KEY]).response.raw
    assert cleaned is not None and FAKE_KEY.encode() not in cleaned
    assert base64.b64encode(FAKE_KEY.encode()) not in cleaned


def test_wire_bodies_keep_their_exact_numbers() -> None:
    assert message_from_wire({}, b'{"a": [0.5, 1]}')["json_body"] == {"a": [0.5, 1]}
    # A decimal Python would respell stays text, so replay sends the very digits the vendor sent.
    assert message_from_wire({}, b'{"a": -0.0069292834959924221}')["text"] == '{"a": -0.0069292834959924221}'
    assert message_from_wire({}, b"\xff\xfe")["raw"] == b"\xff\xfe"


def test_shipped_fixtures_hold_no_secrets() -> None:
    assert scanner.scan(SHIPPED_FIXTURES) == []


# Built at run time so that the test file itself never holds a string shaped like a real key.
@pytest.mark.parametrize(("planted", "what"), [
    ('"Authorization": "Bearer ' + "abcdefghij" * 3 + '"', "bearer token"),
    ('"key": "sk-' + "proj-" + "abcdefghij" * 3 + '"', "OpenAI API key"),
    ('"access_key": "' + "AKIA" + "ABCDEFGHIJKLMNOP" + '"', "AWS access key id"),
    ('"url": "https://x?key=' + "AIza" + "Sy" + "0123456789" * 3 + "abc" + '"', "Google API key"),
    ('"Authorization": "AWS4-HMAC-SHA256 Credential=x, Signature=' + "a" * 64 + '"', "AWS SigV4 signature"),
    ('"api-key": "' + "0123456789abcdef" * 2 + '"', "API key header"),
    ('"Authorization": "Basic ' + "dXNlcjpwYXNzd29yZA==" + '"', "basic credentials"),
    ('"secret_key": "' + "not-redacted-value" + '"', "named secret field"),
])
def test_scanner_finds_planted_secrets(tmp_path: Path, planted: str, what: str) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "c.json").write_text('{\n  "ok": true,\n  ' + planted + "\n}\n")
    findings = scanner.scan(tmp_path)
    assert {(f.path.name, f.line) for f in findings} == {("c.json", 3)}
    assert what in {f.what for f in findings}


def test_scanner_finds_configured_values_also_inside_base64(tmp_path: Path) -> None:
    encoded = base64.b64encode(f"token={FAKE_TOKEN}".encode()).decode()
    (tmp_path / "c.json").write_text(f'{{"body_base64": "{encoded}"}}\n')
    assert [f.what for f in scanner.scan(tmp_path, [FAKE_TOKEN])] == ["a configured credential value"]


def test_scan_command_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Cassette("v/clean", {"kind": "authored", "source": "tests"},
             (scrub(recorded(), [FAKE_KEY, FAKE_TOKEN]),)).save(tmp_path / "v" / "clean.json")
    assert vendors_cli(["scan", str(tmp_path), "--secret", FAKE_KEY]) == 0
    Cassette("v/dirty", {"kind": "authored", "source": "tests"}, (recorded(),)).save(tmp_path / "v" / "dirty.json")
    assert vendors_cli(["scan", str(tmp_path), "--secret", FAKE_KEY]) == 1
    out = capsys.readouterr().out
    assert "dirty.json" in out and FAKE_KEY not in out
