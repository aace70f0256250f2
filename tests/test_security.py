"""The Security plugin subset: basic auth, cluster permissions per action, and the Security REST API."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opensearchpy import TransportError

from emulator import Emulator

ADMIN = ("admin", "admin")
USERS = "/_plugins/_security/api/internalusers"
MAPPINGS = "/_plugins/_security/api/rolesmapping"
GROUPS = "/_plugins/_ml/model_groups"
SHARED = Emulator(security=True)


def raw(emulator: Emulator, method: str, path: str, auth: tuple[str, str] | None = None,
        authorization: str | None = None) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
                               "wsgi.input": io.BytesIO(b"")}
    if auth:
        authorization = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    status, headers, body = emulator.wsgi_app.handle(environ)
    return status, dict(headers), body


def call(emulator: Emulator, auth: tuple[str, str], method: str, path: str, body: Any = None) -> tuple[int, Any]:
    client = emulator.client(http_auth=auth)
    try:
        return 200, client.transport.perform_request(method, path, body=body)
    except TransportError as error:
        return int(error.status_code), error.info


@pytest.fixture
def secured() -> Emulator:
    emulator = Emulator(security=True)
    for name, roles, role in (("alice", ["IT", "HR"], "ml_full_access"), ("rita", ["IT"], "ml_read_access"),
                              ("nora", [], None)):
        assert call(emulator, ADMIN, "PUT", f"{USERS}/{name}", {"password": f"{name}-Passw0rd!",
                                                                "backend_roles": roles})[0] == 200
        if role:
            call(emulator, ADMIN, "PUT", f"{MAPPINGS}/{role}", {"users": [name]})
    return emulator


def login(name: str) -> tuple[str, str]:
    return name, f"{name}-Passw0rd!"


@pytest.mark.parametrize("authorization", [None, "Basic " + base64.b64encode(b"admin:wrong").decode(),
                                           "Basic " + base64.b64encode(b"nobody:admin").decode(),
                                           "Basic not-base64!", "Bearer abc"])
def test_without_valid_credentials_every_request_is_401_unauthorized(authorization: str | None) -> None:
    status, headers, body = raw(Emulator(security=True), "GET", "/_plugins/_ml/models/x", authorization=authorization)
    assert (status, body) == (401, b"Unauthorized")
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["WWW-Authenticate"] == 'Basic realm="OpenSearch Security"'


def test_the_admin_password_is_configurable_and_admin_may_do_everything() -> None:
    emulator = Emulator(security=True, admin_password="Sup3r-Secret!")
    assert raw(emulator, "GET", "/", ADMIN)[0] == 401
    assert call(emulator, ("admin", "Sup3r-Secret!"), "POST", f"{GROUPS}/_register", {"name": "g"})[0] == 200


def test_a_user_without_the_permission_gets_the_plugins_403(secured: Emulator) -> None:
    assert call(secured, login("rita"), "POST", f"{GROUPS}/_register", {"name": "g"}) == (403, {
        "error": {"root_cause": [{"type": "security_exception", "reason":
                                  "no permissions for [cluster:admin/opensearch/ml/register_model_group] and User "
                                  "[name=rita, backend_roles=[IT], requestedTenant=null]"}],
                  "type": "security_exception",
                  "reason": "no permissions for [cluster:admin/opensearch/ml/register_model_group] and User "
                            "[name=rita, backend_roles=[IT], requestedTenant=null]"},
        "status": 403})
    status, body = call(secured, login("nora"), "GET", f"{GROUPS}/_search", {"query": {"match_all": {}}})
    assert status == 403 and body["error"]["reason"] == (
        "no permissions for [cluster:admin/opensearch/ml/model_groups/search] and User [name=nora, backend_roles=[], "
        "requestedTenant=null]")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/_plugins/_ml/model_groups/_search", True),
    ("GET", "/_plugins/_ml/connectors/_search", True),
    ("GET", "/_plugins/_ml/models/_search", True),
    ("GET", "/_plugins/_ml/tasks/_search", True),
    ("POST", "/_plugins/_ml/model_groups/_register", False),
    ("POST", "/_plugins/_ml/connectors/_create", False),
    ("POST", "/_plugins/_ml/models/_register", False),
    ("POST", "/_plugins/_ml/models/m/_deploy", False),
    ("POST", "/_plugins/_ml/models/m/_predict", False),
    ("DELETE", "/_plugins/_ml/models/m", False),
])
def test_ml_read_access_reads_and_ml_full_access_does_everything(secured: Emulator, method: str, path: str,
                                                                 allowed: bool) -> None:
    body = {"query": {"match_all": {}}} if path.endswith("_search") else {}
    status, answer = call(secured, login("rita"), method, path, body)
    if allowed:
        assert status == 200
    else:
        assert status == 403 and answer["error"]["type"] == "security_exception"
    status, answer = call(secured, login("alice"), method, path, body)
    assert status != 403 and status != 401


def test_without_security_the_security_api_does_not_exist() -> None:
    status, _, body = raw(Emulator(), "GET", "/_plugins/_security/authinfo")
    assert (status, body) == (400, b'{"error":"no handler found for uri [/_plugins/_security/authinfo] and method '
                                   b'[GET]"}')


def test_users_are_created_replaced_read_without_their_hash_and_deleted() -> None:
    emulator = Emulator(security=True)
    body = {"password": "Fir5t-Passw0rd!", "backend_roles": ["IT"], "attributes": {"team": "search"}}
    assert call(emulator, ADMIN, "PUT", f"{USERS}/carol", body) == (200, {"status": "CREATED",
                                                                          "message": "'carol' created."})
    assert call(emulator, ADMIN, "PUT", f"{USERS}/carol", {**body, "password": "Sec0nd-Passw0rd!"}) == (
        200, {"status": "OK", "message": "'carol' updated."})
    assert call(emulator, ADMIN, "GET", f"{USERS}/carol") == (200, {"carol": {
        "hash": "", "reserved": False, "hidden": False, "backend_roles": ["IT"], "attributes": {"team": "search"},
        "opendistro_security_roles": [], "static": False}})
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("carol", "Fir5t-Passw0rd!"))[0] == 401
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("carol", "Sec0nd-Passw0rd!"))[0] == 200
    assert sorted(call(emulator, ADMIN, "GET", "/_opendistro/_security/api/internalusers")[1]) == ["admin", "carol"]
    assert call(emulator, ADMIN, "DELETE", f"{USERS}/carol") == (200, {"status": "OK", "message": "'carol' deleted."})
    assert call(emulator, ADMIN, "GET", f"{USERS}/carol") == (404, {"status": "NOT_FOUND",
                                                                    "message": "user 'carol' not found."})
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("carol", "Sec0nd-Passw0rd!"))[0] == 401


@pytest.mark.parametrize(("path", "body", "status", "answer"), [
    (f"{USERS}/dave", {"backend_roles": []}, 400, {
        "status": "BAD_REQUEST", "message": "Please specify either 'hash' or 'password' when creating a new internal "
                                            "user."}),
    (f"{USERS}/dave", {"password": "password123"}, 400, {"status": "error", "reason": "Weak password"}),
    (f"{USERS}/dave", {"password": "Fir5t-Passw0rd!", "roles": ["x"]}, 400,
     {"status": "error", "reason": "Invalid configuration", "invalid_keys": {"keys": "roles"}}),
    (f"{USERS}/dave", {"password": "Fir5t-Passw0rd!", "backend_roles": "IT"}, 400,
     {"status": "error", "reason": "Wrong datatype", "backend_roles": "Array expected"}),
    ("/_plugins/_security/api/roles/all_access", {"cluster_permissions": ["*"]}, 403,
     {"status": "FORBIDDEN", "message": "Resource 'all_access' is static."}),
    (f"{USERS}/admin", {"password": "An0ther-Passw0rd!"}, 403,
     {"status": "FORBIDDEN", "message": "Resource 'admin' is reserved."}),
    (f"{MAPPINGS}/no_such_role", {"users": ["x"]}, 404,
     {"status": "NOT_FOUND", "message": "role 'no_such_role' not found."}),
])
def test_security_api_refusals(path: str, body: Any, status: int, answer: Any) -> None:
    assert call(Emulator(security=True), ADMIN, "PUT", path, body) == (status, answer)


def test_only_callers_with_rest_api_access_may_configure_security(secured: Emulator) -> None:
    assert call(secured, login("alice"), "GET", USERS) == (403, {
        "status": "FORBIDDEN", "message": "No permission to access REST API: User alice with Security roles "
        "[ml_full_access] does not have any access to endpoint INTERNALUSERS and method GET"})


def test_authinfo_and_account_describe_the_caller(secured: Emulator) -> None:
    status, info = call(secured, login("alice"), "GET", "/_plugins/_security/authinfo")
    assert status == 200
    assert (info["user_name"], info["backend_roles"], info["roles"]) == ("alice", ["IT", "HR"], ["ml_full_access"])
    status, mine = call(secured, login("alice"), "GET", "/_plugins/_security/api/account")
    assert status == 200 and mine["user_name"] == "alice" and mine["is_internal_user"] is True


def test_reset_returns_to_the_admin_alone(secured: Emulator) -> None:
    secured.reset()
    assert list(call(secured, ADMIN, "GET", USERS)[1]) == ["admin"]


@given(st.one_of(st.text(max_size=60), st.binary(max_size=40).map(
    lambda raw: "Basic " + base64.b64encode(raw).decode())))
@settings(max_examples=150, deadline=None)
def test_any_authorization_header_is_either_the_admin_or_401(authorization: str) -> None:
    status, headers, body = raw(SHARED, "GET", "/", authorization=authorization)
    if authorization.strip() in ("Basic YWRtaW46YWRtaW4=", "basic YWRtaW46YWRtaW4="):
        assert status == 200
    else:
        assert (status, body, headers["WWW-Authenticate"]) == (401, b"Unauthorized",
                                                               'Basic realm="OpenSearch Security"')


def test_remembered_credentials_stop_working_when_the_password_changes_or_the_user_goes() -> None:
    emulator = Emulator(security=True)
    call(emulator, ADMIN, "PUT", f"{USERS}/erin", {"password": "Fir5t-Passw0rd!"})
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("erin", "Fir5t-Passw0rd!"))[0] == 200
    call(emulator, ADMIN, "PUT", f"{USERS}/erin", {"password": "Sec0nd-Passw0rd!"})
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("erin", "Fir5t-Passw0rd!"))[0] == 401
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("erin", "Sec0nd-Passw0rd!"))[0] == 200
    call(emulator, ADMIN, "DELETE", f"{USERS}/erin")
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("erin", "Sec0nd-Passw0rd!"))[0] == 401


def test_a_json_patch_changes_one_user_and_is_validated_like_a_put() -> None:
    emulator = Emulator(security=True)
    call(emulator, ADMIN, "PUT", f"{USERS}/gina", {"password": "Fir5t-Passw0rd!", "backend_roles": ["IT"]})
    assert call(emulator, ADMIN, "PATCH", f"{USERS}/gina", [
        {"op": "replace", "path": "/backend_roles", "value": ["IT", "HR"]},
        {"op": "add", "path": "/password", "value": "Sec0nd-Passw0rd!"}]) == (
        200, {"status": "OK", "message": "'gina' updated."})
    assert call(emulator, ADMIN, "GET", f"{USERS}/gina")[1]["gina"]["backend_roles"] == ["IT", "HR"]
    assert raw(emulator, "GET", "/_plugins/_security/authinfo", ("gina", "Sec0nd-Passw0rd!"))[0] == 200
    assert call(emulator, ADMIN, "PATCH", f"{USERS}/gina", [
        {"op": "add", "path": "/password", "value": "password"}]) == (400, {"status": "error",
                                                                         "reason": "Weak password"})
    assert call(emulator, ADMIN, "PATCH", f"{USERS}/nobody", []) == (404, {"status": "NOT_FOUND",
                                                                          "message": "user 'nobody' not found."})


def test_a_json_patch_on_the_whole_endpoint_adds_and_removes_entries_all_or_nothing() -> None:
    emulator = Emulator(security=True)
    call(emulator, ADMIN, "PUT", f"{USERS}/hank", {"password": "Fir5t-Passw0rd!"})
    assert call(emulator, ADMIN, "PATCH", "/_plugins/_security/api/rolesmapping", [
        {"op": "add", "path": "/ml_read_access", "value": {"users": ["hank"]}}]) == (
        200, {"status": "OK", "message": "Resource updated."})
    assert call(emulator, ADMIN, "GET", "/_plugins/_security/authinfo")[1]["user_name"] == "admin"
    assert sorted(call(emulator, ADMIN, "GET", MAPPINGS)[1]) == ["all_access", "ml_read_access"]
    refused = call(emulator, ADMIN, "PATCH", USERS, [{"op": "remove", "path": "/hank"},
                                                    {"op": "remove", "path": "/admin"}])
    assert refused == (403, {"status": "FORBIDDEN", "message": "Resource 'admin' is reserved."})
    assert sorted(call(emulator, ADMIN, "GET", USERS)[1]) == ["admin", "hank"]
    status, answer = call(emulator, ADMIN, "PATCH", USERS, [{"op": "replace", "path": "/nobody/x", "value": 1}])
    assert status == 400 and answer["status"] == "BAD_REQUEST"


@pytest.mark.parametrize(("version", "user_keys", "mapping_keys"), [
    ("3.8.0", ["attributes", "backend_roles", "hash", "hidden", "opendistro_security_roles", "reserved", "static"],
     ["and_backend_roles", "backend_roles", "description", "hidden", "hosts", "reserved", "users"]),
    ("3.6.0", ["hash", "reserved", "hidden", "backend_roles", "attributes", "opendistro_security_roles", "static"],
     ["hosts", "users", "reserved", "hidden", "backend_roles", "and_backend_roles", "description"]),
])
def test_entries_are_written_sorted_from_3_7_and_in_declaration_order_before(
        version: str, user_keys: list[str], mapping_keys: list[str]) -> None:
    emulator = Emulator(version=version, security=True)
    call(emulator, ADMIN, "PUT", f"{USERS}/ivan", {"password": "Fir5t-Passw0rd!"})
    assert list(call(emulator, ADMIN, "GET", f"{USERS}/ivan")[1]["ivan"]) == user_keys
    assert list(call(emulator, ADMIN, "GET", f"{MAPPINGS}/all_access")[1]["all_access"]) == mapping_keys
    role = call(emulator, ADMIN, "GET", "/_plugins/_security/api/roles/ml_full_access")[1]["ml_full_access"]
    assert "dls" not in role["index_permissions"][0] and "description" in role
