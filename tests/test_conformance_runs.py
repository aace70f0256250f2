"""The conformance suite, unchanged, on the other backends this machine can run: the emulator over HTTP
under xdist, and a cluster URL (a second emulator standing in for a shared cluster).

The in-process run is the main test run itself (``tests/conformance`` is part of it).
Each run here is a separate pytest process, as CI or a user would start it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from emulator import Emulator

ROOT = Path(__file__).parent.parent
ML = "/_plugins/_ml"


def run_suite(*arguments: str, report: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    command = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "-p", "no:cacheprovider",
               "--ml-conformance-report", str(report), *arguments]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return done, json.loads(report.read_text())


def assert_all_passed(done: subprocess.CompletedProcess[str], document: dict[str, Any], backend: str) -> None:
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    tests = document["tests"]
    assert len(tests) >= 50
    assert {entry["outcome"] for entry in tests} == {"passed"}
    assert {entry["backend"] for entry in tests} == {backend} and document["versions"] == ["3.8.0"]
    assert all(entry["conformance"] for entry in tests)
    assert f"ML conformance on {backend} (OpenSearch 3.8.0): {len(tests)} passed" in done.stdout


def test_the_suite_passes_on_the_emulator_over_http_under_xdist(tmp_path: Path) -> None:
    done, document = run_suite("--ml-backend=http", "-n", "2", report=tmp_path / "report.json")
    assert_all_passed(done, document, "http")


def inventory(url: str) -> dict[str, list[str]]:
    found = {}
    for kind in ("model_groups", "connectors", "models", "tasks"):
        answer = requests.post(f"{url}{ML}/{kind}/_search", json={"query": {"match_all": {}}, "size": 1000},
                               timeout=10).json()
        found[kind] = sorted(hit["_id"] for hit in answer["hits"]["hits"])
    found["settings"] = requests.get(f"{url}/_cluster/settings", timeout=10).json()
    return found


def test_the_suite_passes_on_a_shared_cluster_and_leaves_only_what_was_there(tmp_path: Path) -> None:
    cluster = Emulator()
    with cluster.serve() as server:
        url = server.url
        group = requests.post(f"{url}{ML}/model_groups/_register", json={"name": "team-models"}, timeout=10).json()
        connector = requests.post(f"{url}{ML}/connectors/_create", timeout=10, json={
            "name": "team-openai", "version": 1, "protocol": "http", "credential": {"key": "team-secret"},
            "actions": [{"action_type": "predict", "method": "POST", "url": "https://api.openai.com/v1/embeddings",
                         "request_body": "{}"}]}).json()
        requests.post(f"{url}{ML}/models/_register?deploy=true", timeout=10, json={
            "name": "team-embeddings", "function_name": "remote", "model_group_id": group["model_group_id"],
            "connector_id": connector["connector_id"]})
        requests.put(f"{url}/_cluster/settings", timeout=10,
                     json={"persistent": {"plugins.ml_commons.max_model_on_node": 12}})
        before = inventory(url)

        done, document = run_suite("--ml-backend=url", f"--ml-url={url}", "-n", "2", report=tmp_path / "r.json")
        assert_all_passed(done, document, "url")
        assert "CleanupWarning" not in done.stdout
        assert inventory(url) == before
