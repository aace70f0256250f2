"""Normalised snapshots: what differs between nodes becomes a placeholder, what matters is still compared.

The round trip runs as a downstream project would: ``--ml-snapshot-update``
records, a plain run verifies, an edited snapshot fails with a diff, and the
conformance report carries that diff.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.harness.normalise import Normaliser, diff
from emulator.harness.snapshots import Snapshot, SnapshotError, SnapshotMismatch, load, snapshot_path

pytest_plugins = ["pytester"]

TASK = {"model_id": "cjU2ZJoBnJ2R9gA3vC5T", "task_type": "REGISTER_MODEL", "function_name": "REMOTE",
        "state": "COMPLETED", "worker_node": ["XPcXLV7RQoi5m8NI_jEOVQ"], "create_time": 1764620000123,
        "last_update_time": 1764620000456, "is_async": False}


def test_ids_become_numbered_placeholders_that_keep_their_identity() -> None:
    answer = {"_id": "T1a2b3c4d5e6f7g8h9i0", "_source": {**TASK, "error": "model cjU2ZJoBnJ2R9gA3vC5T failed"},
              "same_model_again": {"model_id": "cjU2ZJoBnJ2R9gA3vC5T"}, "other": {"model_id": "zzzzzzzzzzzzzzzzzzzz"}}
    assert Normaliser().normalise(answer) == {
        "_id": "<id:1>",
        "_source": {"model_id": "<model_id:1>", "task_type": "REGISTER_MODEL", "function_name": "REMOTE",
                    "state": "COMPLETED", "worker_node": ["<node_id:1>"], "create_time": "<time>",
                    "last_update_time": "<time>", "is_async": False, "error": "model <model_id:1> failed"},
        "same_model_again": {"model_id": "<model_id:1>"}, "other": {"model_id": "<model_id:2>"}}


def test_node_ids_as_keys_scores_took_and_build_details_are_placeholders() -> None:
    undeploy = {"XPcXLV7RQoi5m8NI_jEOVQ": {"stats": {"cjU2ZJoBnJ2R9gA3vC5T": "undeployed"}}}
    assert Normaliser().normalise(undeploy) == {"<node_id:1>": {"stats": {"cjU2ZJoBnJ2R9gA3vC5T": "undeployed"}}}
    hits = {"took": 3, "hits": {"max_score": 1.2, "hits": [{"_score": 0.7, "_seq_no": 4, "_primary_term": 1}]}}
    assert Normaliser().normalise(hits) == {"took": "<took>", "hits": {"max_score": "<score>", "hits": [
        {"_score": "<score>", "_seq_no": "<seq_no>", "_primary_term": "<primary_term>"}]}}
    info = {"cluster_name": "docker-cluster", "cluster_uuid": "u", "version": {
        "number": "3.8.0", "build_hash": "abc", "build_date": "2026", "lucene_version": "10.5.0"}}
    assert Normaliser({"3.8.0": "<version>"}).normalise(info) == {
        "cluster_name": "<cluster_name>", "cluster_uuid": "<cluster_uuid>", "version": {
            "number": "<version>", "build_hash": "<build_hash>", "build_date": "<build_date>",
            "lucene_version": "<lucene_version>"}}


def test_the_run_prefix_and_stub_urls_are_replaced_longest_first() -> None:
    normaliser = Normaliser({"mlconf-1a2b3c-gw0-": "<prefix>", "mlconf-": "<other>",
                             "http://127.0.0.1:4242/v1/chat": "https://api.openai.com/v1/chat"})
    assert normaliser.normalise({"name": "mlconf-1a2b3c-gw0-chat", "actions": [
        {"url": "http://127.0.0.1:4242/v1/chat"}]}) == {"name": "<prefix>chat", "actions": [
            {"url": "https://api.openai.com/v1/chat"}]}


def test_values_that_matter_are_still_compared() -> None:
    ours = Normaliser().normalise({**TASK, "state": "COMPLETED"})
    theirs = Normaliser().normalise({**TASK, "model_id": "differentid000000000", "state": "FAILED"})
    text = diff(ours, theirs, ("emulator", "node"))
    assert text.splitlines()[:2] == ["--- emulator", "+++ node"]
    changed = [line for line in text.splitlines()[2:] if line.startswith(("-", "+"))]
    assert changed == ['-  "state": "COMPLETED",', '+  "state": "FAILED",']
    assert diff(ours, Normaliser().normalise(dict(reversed(list(TASK.items()))))) == ""


ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=20, max_size=20)


@given(ids, ids, st.integers(min_value=0, max_value=2**50))
def test_two_runs_that_differ_only_in_ids_and_times_normalise_equal(first: str, second: str, when: int) -> None:
    run_a = {"model_id": "A" * 20, "task_id": "B" * 20, "create_time": 1, "note": f"model {'A' * 20}"}
    run_b = {"model_id": first, "task_id": second + "x", "create_time": when, "note": f"model {first}"}
    assert Normaliser().normalise(run_a) == Normaliser().normalise(run_b)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.sampled_from(["model_id", "name", "_id", "created_time", "x", "hits"]),
                                      children, max_size=4), max_leaves=20))
def test_normalising_is_idempotent(value: Any) -> None:
    once = Normaliser().normalise(value)
    assert Normaliser().normalise(once) == once


def test_a_snapshot_lives_beside_its_module_one_file_per_test(tmp_path: Any) -> None:
    assert snapshot_path(tmp_path / "test_models.py", "test_register[openai/chat]") == \
        tmp_path / "snapshots" / "test_models" / "test_register_openai_chat.json"


def test_snapshot_misuse_is_reported_clearly(tmp_path: Any) -> None:
    path = tmp_path / "snapshots" / "m" / "t.json"
    recording = Snapshot(path, "m.py::t", Normaliser, True, {"backend": "url"})
    recording.match("first", {"a": 1})
    with pytest.raises(SnapshotError, match=r"snapshot key 'first' used twice in m.py::t"):
        recording.match("first", {"a": 1})
    with pytest.raises(SnapshotError, match=r"snapshot 'bytes' in m.py::t is not a JSON value"):
        recording.match("bytes", {"a": b"raw"})
    assert recording.save() == path
    assert load(path)["values"] == {"first": {"a": 1}}
    assert load(path)["recorded_from"] == {"backend": "url"}
    verifying = Snapshot(path, "m.py::t", Normaliser, False, {})
    with pytest.raises(SnapshotError, match=r"no snapshot 'second' is recorded in"):
        verifying.match("second", {})
    with pytest.raises(SnapshotMismatch) as mismatch:
        verifying.match("first", {"a": 2})
    assert mismatch.value.diff.splitlines()[-3:-1] == ['-  "a": 1', '+  "a": 2']
    path.write_text("[]")
    with pytest.raises(SnapshotError, match=r"not a snapshot file of format 1"):
        Snapshot(path, "m.py::t", Normaliser, False, {}).match("first", {})


DOWNSTREAM = '''
import pytest

pytestmark = pytest.mark.conformance


def test_group(ml_client, ml_names, ml_snapshot):
    ml = ml_client.plugins.ml
    group = ml.register_model_group(body={"name": ml_names("catalogue")})
    ml_snapshot.match("register", group)
    ml_snapshot.match("get", ml.get_model_group(model_group_id=group["model_group_id"]))
'''


def test_record_then_verify_then_a_changed_snapshot_fails_with_a_diff_in_the_report(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream=DOWNSTREAM)
    recorded = pytester.runpytest_subprocess("--ml-snapshot-update", "-p", "no:cacheprovider")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["ml snapshots were recorded from the emulator, not a real node*"])
    path = pytester.path / "snapshots" / "test_downstream" / "test_group.json"
    document = json.loads(path.read_text())
    assert document["values"] == {
        "register": {"model_group_id": "<model_group_id:1>", "status": "CREATED"},
        "get": {"name": "<prefix>catalogue", "latest_version": 0, "access": "public",
                "created_time": "<time>", "last_updated_time": "<time>"}}
    assert document["recorded_from"] == {"backend": "emulator", "version": "3.8.0", "distribution": "opensearch"}
    pytester.runpytest_subprocess("--ml-backend=http", "-p", "no:cacheprovider").assert_outcomes(passed=1)

    document["values"]["get"]["access"] = "private"
    path.write_text(json.dumps(document, indent=2))
    report = pytester.path / "report.json"
    failed = pytester.runpytest_subprocess("--ml-conformance-report", str(report), "-p", "no:cacheprovider")
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(["ML conformance on emulator (OpenSearch 3.8.0): 1 failed; 1 with snapshot "
                                 "mismatches; report: *report.json"])
    entry = json.loads(report.read_text())["tests"][0]
    assert entry["outcome"] == "failed" and entry["backend"] == "emulator" and entry["version"] == "3.8.0"
    assert entry["mismatches"][0]["key"] == "get"
    assert '-  "access": "private",\n+  "access": "public",' in entry["mismatches"][0]["diff"]


def test_a_test_without_a_recorded_snapshot_says_how_to_record_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream=DOWNSTREAM)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no snapshot is recorded for test_downstream.py::test_group*record it with "
                                 "--ml-snapshot-update*"])


def test_a_report_that_cannot_be_written_is_said_so_after_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    (pytester.path / "taken").write_text("a file, not a folder")
    result = pytester.runpytest_subprocess("--ml-conformance-report", "taken/report.json", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["ML conformance on emulator (OpenSearch version unknown): no conformance tests",
                                 "ML conformance report not written: *taken*"])
