"""The container backend's exact configuration, its readiness wait and its skip without Docker.

This machine has no Docker engine, so the container itself never starts here:
what is handed to testcontainers is checked instead, with a recording stand-in
for ``OpenSearchContainer``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from docker.errors import DockerException

from emulator.harness import container as containers
from emulator.harness.container import (
    ContainerSpec,
    ContainerStartError,
    DockerUnavailable,
    build_container,
    container_spec,
    wait_until_ready,
)

pytest_plugins = ["pytester"]


def test_the_default_container_is_the_emulated_release_with_replay_settings_and_no_security() -> None:
    spec = container_spec("3.8.0")
    assert spec == ContainerSpec(
        image="opensearchproject/opensearch:3.8.0", security=False, admin_password="",
        env={"discovery.type": "single-node", "OPENSEARCH_JAVA_OPTS": "-Xms1g -Xmx1g",
             "DISABLE_INSTALL_DEMO_CONFIG": "true", "DISABLE_SECURITY_PLUGIN": "true",
             "plugins.ml_commons.only_run_on_ml_node": "false",
             "plugins.ml_commons.connector.private_ip_enabled": "true",
             "plugins.ml_commons.native_memory_threshold": "100",
             "plugins.ml_commons.jvm_heap_memory_threshold": "100"},
        extra_hosts={"host.docker.internal": "host-gateway"}, ryuk_disabled=False, start_timeout=240.0)
    assert spec.scheme == "http"


def test_security_on_gets_a_strong_generated_password_and_the_demo_certificates() -> None:
    spec = container_spec("3.8.0", security=True)
    password = spec.admin_password
    assert len(password) >= 16 and re.search(r"[A-Z]", password) and re.search(r"[a-z]", password)
    assert re.search(r"[0-9]", password) and re.search(r"[^A-Za-z0-9]", password)
    assert spec.env["OPENSEARCH_INITIAL_ADMIN_PASSWORD"] == password
    assert spec.env["DISABLE_SECURITY_PLUGIN"] == "false"
    assert spec.env["DISABLE_INSTALL_DEMO_CONFIG"] == "false"
    assert spec.env["plugins.security.allow_default_init_securityindex"] == "true"
    assert spec.scheme == "https"
    assert container_spec("3.8.0", security=True).admin_password != password


def test_image_java_options_timeout_and_extra_settings_can_be_chosen() -> None:
    spec = container_spec("3.8.0", "registry.example/opensearch:3.7.0", java_opts="-Xmx2g", start_timeout=600,
                          settings={"plugins.ml_commons.max_model_on_node": "20"})
    assert spec.image == "registry.example/opensearch:3.7.0"
    assert spec.env["OPENSEARCH_JAVA_OPTS"] == "-Xmx2g"
    assert spec.env["plugins.ml_commons.max_model_on_node"] == "20"
    assert spec.start_timeout == 600


class RecordingContainer:
    """Stands in for ``OpenSearchContainer``: records what it is configured with."""

    def __init__(self, **kwargs: Any) -> None:
        self.init = kwargs
        self.env: dict[str, str] = {}
        self.kwargs: dict[str, Any] = {}

    def with_env(self, key: str, value: str) -> RecordingContainer:
        self.env[key] = value
        return self

    def with_kwargs(self, **kwargs: Any) -> RecordingContainer:
        self.kwargs.update(kwargs)
        return self


def test_testcontainers_gets_the_image_the_env_and_the_host_gateway() -> None:
    spec = container_spec("3.8.0", security=True)
    built = build_container(spec, RecordingContainer)
    assert built.init == {"image": "opensearchproject/opensearch:3.8.0", "security_enabled": True,
                          "initial_admin_password": spec.admin_password}
    assert built.env == spec.env
    assert built.kwargs == {"extra_hosts": {"host.docker.internal": "host-gateway"}}


def test_ryuk_can_be_turned_off_for_offline_ci() -> None:
    from testcontainers.core.config import testcontainers_config

    before = testcontainers_config._ryuk_disabled
    try:
        testcontainers_config.ryuk_disabled = False
        build_container(container_spec("3.8.0", ryuk_disabled=True), RecordingContainer)
        assert testcontainers_config.ryuk_disabled is True
    finally:
        testcontainers_config._ryuk_disabled = before


def test_no_docker_daemon_is_a_one_line_reason() -> None:
    def no_daemon(**kwargs: Any) -> Any:
        raise DockerException("Error while fetching server API version: ('Connection aborted.', "
                              "FileNotFoundError(2, 'No such file or directory'))\nmore detail")

    with pytest.raises(DockerUnavailable) as unavailable:
        build_container(container_spec("3.8.0"), no_daemon)
    assert str(unavailable.value) == (
        "no Docker daemon for the container backend (Error while fetching server API version: ('Connection "
        "aborted.', FileNotFoundError(2, 'No such file or directory')))")


class Answer:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self._body = body

    def json(self) -> Any:
        return self._body


class BootingNode:
    """A node that refuses connections twice, then is yellow, then has its plugins loaded."""

    def __init__(self, plugins: list[str]) -> None:
        self.plugins = plugins
        self.calls: list[str] = []

    def get(self, url: str, **kwargs: Any) -> Answer:
        import requests

        self.calls.append(url)
        if len(self.calls) <= 2:
            raise requests.ConnectionError("Connection refused")
        if url.endswith("/_cluster/health"):
            return Answer(200, {"status": "yellow"})
        return Answer(200, [{"name": "node", "component": name} for name in self.plugins])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_readiness_waits_for_the_node_and_its_ml_plugin() -> None:
    node = BootingNode(["opensearch-ml", "opensearch-job-scheduler"])
    clock = Clock()
    wait_until_ready("http://localhost:9200", container_spec("3.8.0"), session=node,  # type: ignore[arg-type]
                     clock=clock.time, sleep=clock.sleep)
    assert node.calls == ["http://localhost:9200/_cluster/health"] * 3 + ["http://localhost:9200/_cat/plugins"]
    assert clock.now == 2.0


def test_a_node_that_never_gets_ready_fails_with_the_reason_and_its_last_log_lines() -> None:
    node = BootingNode(["opensearch-job-scheduler"])
    clock = Clock()
    spec = container_spec("3.8.0", start_timeout=5)
    logs = "\n".join(f"log line {n}" for n in range(30))
    with pytest.raises(ContainerStartError) as failed:
        wait_until_ready("http://localhost:9200", spec, lambda: logs, session=node,  # type: ignore[arg-type]
                         clock=clock.time, sleep=clock.sleep)
    tail = "\n".join(f"log line {n}" for n in range(10, 30))
    assert str(failed.value) == (
        "OpenSearch container opensearchproject/opensearch:3.8.0 was not ready within 5 s (--ml-start-timeout); "
        "last check: plugins loaded: ['opensearch-job-scheduler'] (no opensearch-ml)\nlast log lines:\n" + tail)


def test_a_started_container_answers_at_its_mapped_port(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []

    class Started(RecordingContainer):
        def get_container_host_ip(self) -> str:
            return "localhost"

        def get_exposed_port(self, port: int) -> int:
            assert port == 9200
            return 32768

    monkeypatch.setattr("testcontainers.core.container.DockerContainer.start", lambda self: started.append(self))
    ready: list[str] = []
    monkeypatch.setattr(containers, "wait_until_ready", lambda url, spec, logs: ready.append(url))
    container, url = containers.start_container(container_spec("3.8.0", security=True), Started)
    assert started == [container] and url == ready[0] == "https://localhost:32768"


@pytest.mark.skipif(os.path.exists("/var/run/docker.sock") or bool(os.environ.get("DOCKER_HOST")),
                    reason="a Docker daemon may be reachable here: the container would really start")
def test_without_docker_every_test_of_the_container_backend_is_skipped_with_the_reason(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream='''
def test_uses_the_node(ml_client):
    ml_client.info()

def test_needs_no_node():
    assert 1 + 1 == 2
''')
    result = pytester.runpytest_subprocess("--ml-backend=container", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] test_downstream.py:1: no Docker daemon for the container "
                                 "backend (*)"])
