"""Choosing a backend from the command line or the ini file, and what each backend refuses or skips."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from emulator import Emulator

pytest_plugins = ["pytester"]


@pytest.fixture
def cluster_url() -> Iterator[str]:
    with Emulator().serve() as server:
        yield server.url


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ml-backend=url"], "ERROR: --ml-backend=url needs --ml-url (or ml_url in the ini file)"),
    (["--ml-backend=url", "--ml-url=http://127.0.0.1:9", "--ml-security"],
     "ERROR: --ml-security configures a node the plugin starts; for --ml-backend=url give the cluster's credentials "
     "with --ml-user and --ml-password"),
    (["--ml-name-prefix=Bad Prefix"], "ERROR: --ml-name-prefix must be 1-32 lowercase letters, digits, '-' or '_' "
                                      "starting with a letter or digit, not 'Bad Prefix'"),
    (["--ml-transport=http", "--ml-backend=emulator"], "ERROR: --ml-transport=http contradicts --ml-backend=emulator"),
    (["--ml-backend=url", "--ml-url=http://127.0.0.1:9", "--vendor-record"],
     "ERROR: --vendor-record records the emulator's vendor calls: use --ml-backend=emulator (a real node's traffic "
     "is recorded by `python -m emulator.vendors serve --record`)"),
])
def test_contradictory_or_incomplete_options_are_usage_errors(pytester: pytest.Pytester, arguments: list[str],
                                                              message: str) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest_subprocess(*arguments, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str().splitlines()


def test_a_cluster_that_does_not_answer_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    with Emulator().serve() as server:
        url = server.url
    result = pytester.runpytest_subprocess("--ml-backend=url", f"--ml-url={url}", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: --ml-url {url} cannot be reached (NewConnectionError)" in result.stderr.str().splitlines()


REAL_NODE_TESTS = '''
import pytest

def test_emulator_internals(ml_emulator):
    pass

@pytest.mark.emulator_only
def test_marked_emulator_only(ml_client):
    pass

def test_vendor_mock(ml_vendor):
    pass

@pytest.mark.conformance
def test_on_every_backend(ml_client, ml_names):
    group = ml_client.plugins.ml.register_model_group(body={"name": ml_names("g")})
    assert group["status"] == "CREATED"
'''


def test_on_a_real_node_emulator_handles_are_skipped_with_a_reason(pytester: pytest.Pytester,
                                                                   cluster_url: str) -> None:
    pytester.makepyfile(test_real=REAL_NODE_TESTS)
    result = pytester.runpytest_subprocess("--ml-backend=url", f"--ml-url={cluster_url}", "-rs",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines_random([
        "SKIPPED [[]1[]] *: ml_emulator is the emulator's own handle; this run uses --ml-backend=url",
        "SKIPPED [[]1[]] *: emulator_only: this test needs the emulator's internals (backend is url)",
        "SKIPPED [[]1[]] *: ml_vendor is the emulator's own handle; this run uses --ml-backend=url",
        "ML conformance on url (OpenSearch 3.8.0): 1 passed",
    ])


def test_the_backend_can_be_chosen_in_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nml_backend = http\n")
    pytester.makepyfile(test_ini='''
def test_backend(ml_backend, ml_client):
    assert ml_backend.name == "http"
    assert ml_client.transport.hosts[0]["host"] == "127.0.0.1"
''')
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


NAMES_TEST = '''
import json, os, pathlib, pytest

@pytest.mark.parametrize("n", range(6))
def test_name(ml_names, ml_client, n):
    name = ml_names(f"group-{n}")
    ml_client.plugins.ml.register_model_group(body={"name": name})
    out = pathlib.Path(os.environ["NAMES_OUT"]) / f"{n}.json"
    out.write_text(json.dumps({"name": name, "worker": os.environ.get("PYTEST_XDIST_WORKER")}))
'''


def test_xdist_workers_share_the_run_id_and_name_resources_apart(pytester: pytest.Pytester,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = pytester.path / "names"
    out.mkdir()
    monkeypatch.setenv("NAMES_OUT", str(out))
    pytester.makepyfile(test_names=NAMES_TEST)
    result = pytester.runpytest_subprocess("-n", "2", "--ml-backend=http", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    seen = [json.loads(path.read_text()) for path in sorted(out.iterdir())]
    runs = {entry["name"].split("-")[1] for entry in seen}
    assert len(runs) == 1 and len(runs.pop()) == 6
    assert {entry["worker"] for entry in seen} == {"gw0", "gw1"}
    for entry in seen:
        assert entry["name"].startswith("mlconf-") and f"-{entry['worker']}-group-" in entry["name"]


SECURED_TEST = '''
import requests

def test_clients_are_the_admin(ml_client, ml_backend):
    assert ml_client.transport.perform_request("GET", "/_plugins/_security/authinfo")["user_name"] == "admin"

def test_raw_http_needs_credentials(ml_url):
    assert requests.get(ml_url).status_code == 401
    assert requests.get(ml_url, auth=("admin", "Adm1n-Passw0rd!")).status_code == 200
'''


def test_the_emulator_with_security_on_is_used_as_its_admin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_secured=SECURED_TEST)
    result = pytester.runpytest_subprocess("--ml-backend=http", "--ml-security", "--ml-admin-password",
                                           "Adm1n-Passw0rd!", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
