"""``python -m emulator``: the first line names the URL, the server answers, SIGTERM and SIGINT stop it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
import requests

LINE = re.compile(r"^ML Commons emulator listening on (http://127\.0\.0\.1:(\d+))\n$")


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = LINE.match(line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return process, match.group(1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_and_stops_cleanly_on_signal(sig: signal.Signals) -> None:
    process, url = start("--opensearch-version", "3.1.0")
    try:
        info = requests.get(url, timeout=5).json()
        assert info["version"]["number"] == "3.1.0"
        started = time.monotonic()
        process.send_signal(sig)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()


def test_settings_flag_sets_node_settings() -> None:
    process, url = start("--setting", "plugins.ml_commons.connector.private_ip_enabled=true")
    try:
        defaults = requests.get(f"{url}/_cluster/settings?include_defaults=true&flat_settings=true", timeout=5).json()
        assert defaults["defaults"]["plugins.ml_commons.connector.private_ip_enabled"] == "true"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_port_in_use_is_a_clear_error() -> None:
    process, url = start()
    port = url.rsplit(":", 1)[1]
    try:
        taken = subprocess.run([sys.executable, "-m", "emulator", "--port", port], capture_output=True, text=True,
                               timeout=20)
        assert taken.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in taken.stderr
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_security_flag_starts_a_node_with_basic_auth_and_the_given_admin_password() -> None:
    process, url = start("--security", "--admin-password", "Adm1n-Passw0rd!")
    try:
        assert requests.get(url, timeout=5).status_code == 401
        assert requests.get(url, auth=("admin", "admin"), timeout=5).status_code == 401
        admin = ("admin", "Adm1n-Passw0rd!")
        assert requests.put(f"{url}/_plugins/_security/api/internalusers/ana", auth=admin, timeout=5,
                            json={"password": "Ana-Passw0rd!", "backend_roles": ["IT"]}).status_code == 201
        requests.put(f"{url}/_plugins/_security/api/rolesmapping/ml_read_access", auth=admin, timeout=5,
                     json={"users": ["ana"]})
        ana = ("ana", "Ana-Passw0rd!")
        assert requests.get(f"{url}/_plugins/_security/authinfo", auth=ana, timeout=5).json()["roles"] == [
            "ml_read_access"]
        refused = requests.post(f"{url}/_plugins/_ml/model_groups/_register", auth=ana, json={"name": "g"}, timeout=5)
        assert refused.status_code == 403
        assert refused.json()["error"]["type"] == "security_exception"
    finally:
        process.terminate()
        process.wait(timeout=10)
