"""Regression tests for the review of the vendor fixtures: names, encoded secrets, matching and stub edge cases."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from emulator.vendors import scanner
from emulator.vendors.__main__ import main as vendors_cli
from emulator.vendors.cassette import Cassette, CassetteError, Interaction, Request, Response, cassette_path, from_json
from emulator.vendors.matching import LiveRequest
from emulator.vendors.replay import CassetteMiss, VendorReplay
from emulator.vendors.scrub import REDACTED, scrub
from emulator.vendors.stub import serve

SECRET = 'abc/DEF+ghi=jkl&"xyz'


def one(request: dict[str, Any], response: dict[str, Any] | None = None, **match: Any) -> Cassette:
    return from_json({"format_version": 1, "name": "t/one", "provenance": {"kind": "authored", "source": "t"},
                      "match": match, "interactions": [{"request": request,
                                                        "response": response or {"status": 200, "json": {"ok": 1}}}]})


@pytest.mark.parametrize("name", ["../escaped", "/tmp/absolute", "a/../b", "a//b", "", "a/./b"])
def test_cassette_names_cannot_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(CassetteError, match="invalid cassette name"):
        cassette_path(tmp_path, name)


def test_encoded_spellings_of_a_secret_are_scrubbed() -> None:
    body = '{"a": 1.50, "echo": ' + json.dumps(SECRET) + ', "apache": "abc\\/DEF+ghi=jkl&\\"xyz"}'
    interaction = Interaction(
        Request(method="POST", url="https://bob:pw12345678@x.example.com/p/abc%2FDEF%2Bghi%3Djkl%26%22xyz?q="
                                   "abc%2FDEF%2Bghi%3Djkl%26%22xyz", text=body),
        Response(status=200, text='{"x": 1.0E-4, "api_key": "unlisted", "organization": "org-AbCdEfGhIjKlMnOpQr"}'))
    clean = scrub(interaction, [SECRET])
    dumped = json.dumps(clean.to_json())
    assert "DEF" not in dumped and "pw12345678" not in dumped
    assert clean.request.url.startswith("https://REDACTED@x.example.com/p/REDACTED?q=REDACTED")
    assert clean.response.text == '{"x": 1.0E-4, "api_key": "REDACTED", "organization": "org-REDACTED"}'
    assert scanner.scan_text(dumped, Path("c.json"), [SECRET]) == []
    assert {f.what for f in scanner.scan_text(body, Path("c.json"), [SECRET])} == {"a configured credential value"}


def test_scrubbed_userinfo_still_replays() -> None:
    replay = VendorReplay()
    replay.use(one({"method": "GET", "url": f"https://{REDACTED}@x.example.com/v1/models"}))
    assert replay.session().get("https://user:pass@x.example.com/v1/models", timeout=5).json() == {"ok": 1}


# Built at run time so that this file never holds a string shaped like a real token.
@pytest.mark.parametrize(("planted", "what"), [
    ("eyJ" + "hbGciOiJIUzI1" + ".eyJ" + "zdWIiOiIxMjM0" + "." + "SflKxwRJSMeKKF2QT4", "JSON web token"),
    ("hf_" + "a1B2c3D4e5" * 4, "Hugging Face token"),
    ("ya29." + "a0AfH6SMC" * 4, "Google OAuth token"),
    ("github_pat_" + "11ABCDEFG0" * 4, "GitHub token"),
    ("Authorization: Token " + "0123456789abcdef" * 2, "bearer token"),
    ("x-api-key: " + "0123456789abcdef" * 2, "API key assignment"),
    ("AIza" + "Sy" + "0123456789" * 3 + "ab-", "Google API key"),
    ("Signature=" + "ABCDEF0123456789" * 4, "AWS SigV4 signature"),
])
def test_scanner_knows_more_key_shapes_also_outside_json(tmp_path: Path, planted: str, what: str) -> None:
    (tmp_path / "conf.yaml").write_text(f"headers:\n  {planted}\n")
    assert what in {f.what for f in scanner.scan(tmp_path)}


def test_an_exhausted_ordered_cassette_says_so() -> None:
    replay = VendorReplay()
    replay.use(one({"method": "GET", "url": "https://x.example.com/a"}, ordered=True))
    session = replay.session()
    assert session.get("https://x.example.com/a", timeout=5).status_code == 200
    with pytest.raises(CassetteMiss, match="all 1 matching interactions of an ordered cassette were already served"):
        session.get("https://x.example.com/a", timeout=5)
    replay.rewind()
    assert session.get("https://x.example.com/a", timeout=5).status_code == 200


def test_match_flags_must_be_booleans_and_json_types_are_exact() -> None:
    with pytest.raises(CassetteError, match="match.any_body must be true or false"):
        one({"method": "GET", "url": "https://x.example.com/a"}, any_body="false")
    replay = VendorReplay()
    replay.use(one({"method": "POST", "url": "https://x.example.com/a", "json": {"flag": True}}))
    with pytest.raises(CassetteMiss):
        replay.answer(LiveRequest("POST", "https://x.example.com/a", b'{"flag": 1}'))
    assert replay.answer(LiveRequest("POST", "https://x.example.com/a", b'{"flag":true}'))[1].response.status == 200


def test_a_miss_on_a_huge_body_is_quick_and_bounded() -> None:
    replay = VendorReplay()
    replay.use(one({"method": "POST", "url": "https://x.example.com/a", "json": {"text": "short"}}))
    huge = json.dumps({"text": "y" * 2_000_000}).encode()
    with pytest.raises(CassetteMiss) as miss:
        replay.answer(LiveRequest("POST", "https://x.example.com/a", huge))
    assert len(str(miss.value)) < 10_000


def test_the_stub_matches_percent_encoded_paths_and_chunked_bodies() -> None:
    path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/invoke"
    replay = VendorReplay()
    replay.use(one({"method": "POST", "url": f"https://bedrock-runtime.us-east-1.amazonaws.com{path}", "body": "abc"}))
    with serve(replay) as stub:
        assert requests.post(stub.url + path, data=b"abc", timeout=5).status_code == 200
        assert requests.post(stub.url + path, data=(part for part in [b"a", b"bc"]), timeout=5).status_code == 200


def test_concurrent_saves_leave_a_whole_file(tmp_path: Path) -> None:
    cassette = one({"method": "GET", "url": "https://x.example.com/a"})
    target = tmp_path / "t" / "one.json"
    threads = [threading.Thread(target=cassette.save, args=(target,)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert json.loads(target.read_text())["name"] == "t/one"
    assert sorted(p.name for p in target.parent.iterdir()) == ["one.json"]


def test_serve_refuses_an_impossible_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one({"method": "GET", "url": "https://x.example.com/a"}).save(tmp_path / "t" / "one.json")
    assert vendors_cli(["serve", "--fixtures", str(tmp_path), "--port", "99999"]) == 1
    assert "cannot listen on 127.0.0.1:99999" in capsys.readouterr().err
