"""One emulator serves concurrent requests safely: check-then-write rules hold under threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from opensearchpy import OpenSearch, RequestError

from tests import builders


def test_concurrent_registrations_of_one_name_create_one_group(ml_url: str) -> None:
    def register(_: int) -> str:
        client = OpenSearch(hosts=[ml_url])
        try:
            return client.plugins.ml.register_model_group(body={"name": "contended"})["model_group_id"]
        except RequestError as error:
            assert "already being used by a model group" in error.info["error"]["reason"]
            return "refused"
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(register, range(32)))
    assert len([o for o in outcomes if o != "refused"]) == 1


def test_concurrent_model_registrations_get_distinct_versions(ml_url: str) -> None:
    setup = OpenSearch(hosts=[ml_url])
    group = setup.plugins.ml.register_model_group(body={"name": "versions"})["model_group_id"]
    connector = setup.plugins.ml.create_connector(body=builders.SEED_CONNECTOR)["connector_id"]

    def register(i: int) -> Any:
        client = OpenSearch(hosts=[ml_url])
        try:
            model = client.plugins.ml.register_model(body={"name": f"m{i}", "function_name": "remote",
                                                           "model_group_id": group, "connector_id": connector})
            return client.plugins.ml.get_model(model_id=model["model_id"])["model_version"]
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(register, range(24)))
    assert sorted(versions, key=int) == [str(v) for v in range(1, 25)]
    assert setup.plugins.ml.get_model_group(model_group_id=group)["latest_version"] == 24
