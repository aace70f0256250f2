"""The HTTP layer as OpenSearch's REST layer behaves: routing errors, bodies, parameters, rendering."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import requests
from opensearchpy import OpenSearch

from emulator.http.render import to_json
from tests import builders
from tests.builders import error
from tests.conftest import Api


def test_wrong_method_is_405_with_allowed_methods(ml_url: str) -> None:
    response = requests.post(f"{ml_url}/_plugins/_ml/tasks/abc")
    assert response.status_code == 405
    assert response.json() == {
        "error": "Incorrect HTTP method for uri [/_plugins/_ml/tasks/abc] and method [POST], allowed: [GET, DELETE]",
        "status": 405}
    assert response.headers["Allow"] == "GET,DELETE"


def test_responses_are_json_with_charset(ml_url: str) -> None:
    for response in (requests.get(ml_url), requests.get(f"{ml_url}/_plugins/_ml/models/x")):
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_gzip_request_bodies_are_accepted(ml_url: str) -> None:
    client = OpenSearch(hosts=[ml_url], http_compress=True)
    answer = client.plugins.ml.register_model_group(body={"name": "zipped"})
    assert client.plugins.ml.get_model_group(model_group_id=answer["model_group_id"])["name"] == "zipped"
    raw = requests.post(f"{ml_url}/_plugins/_ml/model_groups/_register",
                        data=gzip.compress(json.dumps({"name": "raw-zip"}).encode()),
                        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert raw.status_code == 200


def test_get_with_body_and_trailing_slash(ml_url: str, openai: object) -> None:
    http = requests.Session()
    http.post(f"{ml_url}/_plugins/_ml/model_groups/_register", json={"name": "g"})
    found = http.get(f"{ml_url}/_plugins/_ml/model_groups/_search",
                     json={"query": {"match": {"name": "g"}}, "size": 1}).json()
    assert found["hits"]["hits"][0]["_source"]["name"] == "g"
    conn = http.post(f"{ml_url}/_plugins/_ml/connectors/_create", json=builders.SEED_CONNECTOR).json()
    model = http.post(f"{ml_url}/_plugins/_ml/models/_register", json={
        "name": "m", "function_name": "remote", "connector_id": conn["connector_id"]}).json()
    predicted = http.post(f"{ml_url}/_plugins/_ml/models/{model['model_id']}/_predict/",
                          json={"parameters": {"messages": builders.SEED_MESSAGES}})
    assert predicted.status_code == 200


def test_body_without_a_supported_content_type_is_406(ml_url: str) -> None:
    missing = requests.post(f"{ml_url}/_plugins/_ml/model_groups/_register", data=b'{"name": "g"}')
    assert (missing.status_code, missing.json()) == (406, {"error": "Content-Type header [] is not supported",
                                                           "status": 406})
    unknown_path = requests.post(f"{ml_url}/_plugins/_ml/nothing", data=b"{}")
    assert unknown_path.status_code == 400  # routing is checked before the content type
    malformed = requests.get(f"{ml_url}/", headers={"Content-Type": "json"})
    assert malformed.status_code == 400
    assert malformed.json()["error"]["type"] == "content_type_header_exception"
    form = requests.post(f"{ml_url}/_plugins/_ml/model_groups/_register", data={"name": "g"})
    assert (form.status_code, form.json()) == (406, {
        "error": "Content-Type header [application/x-www-form-urlencoded] is not supported", "status": 406})


def test_body_on_a_route_without_one_is_ignored(ml_url: str) -> None:
    """OpenSearch 3.x marks every body consumed (the old "does not support having a body" check is gone)."""
    response = requests.get(f"{ml_url}/_plugins/_ml/tasks/abc", json={"x": 1})
    assert response.status_code == 404
    assert response.json() == error("status_exception", "Failed to find task", 404)


def test_filter_path_and_pretty(api: Api, ml_url: str) -> None:
    status, body = api("GET", "/", None, filter_path="version.number,tagline")
    assert status == 200 and set(body) == {"version", "tagline"} and list(body["version"]) == ["number"]
    pretty = requests.get(f"{ml_url}/?pretty").text
    assert pretty.startswith("{\n  ")


def test_head_returns_no_body_but_the_length_of_one(ml_url: str) -> None:
    response = requests.head(ml_url)
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["Content-Length"]) == len(requests.get(ml_url).content)


def test_head_is_not_a_get_on_other_routes(ml_url: str) -> None:
    response = requests.head(f"{ml_url}/_cluster/health")
    assert (response.status_code, response.headers["Allow"]) == (405, "GET")


def test_options_lists_the_methods_of_a_path(ml_url: str) -> None:
    response = requests.options(f"{ml_url}/_plugins/_ml/tasks/abc")
    assert (response.status_code, response.content, response.headers["Allow"]) == (200, b"", "GET,DELETE")
    assert "Allow" not in requests.options(f"{ml_url}/nothing/here").headers


def test_root_is_pretty_by_default_and_flags_must_be_booleans(ml_url: str, api: Api) -> None:
    assert requests.get(ml_url).text.startswith('{\n  "name" : ')
    assert requests.get(f"{ml_url}/?pretty=false").text.startswith('{"name":')
    assert api("GET", "/_cluster/health", None, pretty="1") == (400, error(
        "illegal_argument_exception", "Failed to parse value [1] as only [true] or [false] are allowed.", 400))
    assert api("GET", "/_cluster/health", None, format="json")[0] == 200


def test_keep_alive_reuses_the_connection(ml_url: str) -> None:
    """Three requests on one TCP connection: a server that closed it after the first would fail the second."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(ml_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.connect()
        sock = connection.sock
        for _ in range(3):
            connection.request("GET", "/_cluster/health")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
            assert connection.sock is sock and not response.will_close
    finally:
        connection.close()


def test_doubles_are_written_as_jackson_writes_them() -> None:
    body = {"data": [0.0001, 1e-05, 12345678.0, 0.5, 3.0, 100, 0.001, -0.00099, 1e16], "s": "0.0001 1e-05",
            "nested": {"x": [[2.5e-7]]}}
    assert to_json(body) == (b'{"data":[1.0E-4,1.0E-5,1.2345678E7,0.5,3.0,100,0.001,-9.9E-4,1.0E16],'
                             b'"s":"0.0001 1e-05","nested":{"x":[[2.5E-7]]}}')
    assert to_json({"a": [1e-4]}, pretty=True) == b'{\n  "a" : [\n    1.0E-4\n  ]\n}\n'


def test_a_server_nobody_stopped_does_not_keep_python_from_exiting() -> None:
    script = "import requests; from emulator import Emulator; s = Emulator().serve(); requests.get(s.url); print('ok')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "ok\n")
