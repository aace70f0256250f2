"""Latency of the remote-model lifecycle ("Connecting to remote models"), in-process and over HTTP, against floors.

Run ``python bench/lifecycle.py [--rounds N] [--warmup N] [--chunks N]``. One lifecycle round is the seed
sequence of the OpenSearch documentation page: trust the endpoint, register a model group, create an OpenAI chat
connector, register a remote model, get its task, deploy, get, predict (the OpenAI call is answered by a
``responses`` mock, nothing leaves the machine), undeploy, then delete the model, the connector and the group.

Every call goes through opensearch-py (``client.cluster.put_settings`` and ``client.plugins.ml.*``):

* in-process: ``Emulator.client()`` (``InProcessConnection``, no socket);
* over HTTP: ``OpenSearch(hosts=[server.url])`` against ``Emulator.serve()`` (cheroot in a background thread).

Floors replay the very same client calls against a WSGI app that answers a fixed ``{"ok":true}``: through the same
``InProcessConnection`` (in-process floor) and through the same cheroot ``ServerHandle`` (HTTP floor). The difference
between an operation and its floor is what the emulator itself costs. ``handle`` is the emulator's own
``wsgi_app.handle(environ)`` time for the operation, measured inside the in-process call (no opensearch-py).

The phases take turns in chunks so that the drift of a shared machine (steal time, CPU frequency) hits them alike.
The benchmark prints figures and never fails: an error answer is timed like any other and counted in the footer.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch, TransportError

try:
    import responses
except ImportError:  # pragma: no cover - responses is a test extra
    sys.exit("bench/lifecycle.py needs the 'responses' package (pip install -e '.[test]')")

from emulator import Emulator
from emulator.http.inprocess import InProcessConnection
from emulator.http.server import ServerHandle
from emulator.vendors.responses_adapter import session_for

IN_PROCESS_TARGET_US = 50.0
HTTP_TARGET_RATIO = 1.3
OPENAI_URL = "https://api.openai.com/v1/chat/completions"

Headers = list[tuple[str, str]]
HandleResult = tuple[int, Headers, bytes]

# -- the lifecycle ------------------------------------------------------------------------------------------------

SETTINGS_BODY: dict[str, Any] = {
    "persistent": {
        "plugins.ml_commons.trusted_connector_endpoints_regex": [
            "^https://runtime\\.sagemaker\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
            "^https://api\\.openai\\.com/.*$",
            "^https://api\\.cohere\\.ai/.*$",
            "^https://bedrock-runtime\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        ]
    }
}
CONNECTOR_BODY: dict[str, Any] = {
    "name": "OpenAI Chat Connector",
    "description": "The connector to public OpenAI model service for GPT 3.5",
    "version": 1,
    "protocol": "http",
    "parameters": {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo"},
    "credential": {"openAI_key": "sk-bench-not-a-real-key"},
    "actions": [
        {
            "action_type": "predict",
            "method": "POST",
            "url": "https://${parameters.endpoint}/v1/chat/completions",
            "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
            "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }',
        }
    ],
}
PREDICT_BODY: dict[str, Any] = {
    "parameters": {
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Hello!"},
        ]
    }
}
OPENAI_ANSWER: dict[str, Any] = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-3.5-turbo-0613",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 19, "completion_tokens": 9, "total_tokens": 28},
}


@dataclass
class Ids:
    """Ids carried from one lifecycle step to the next (fixed placeholders when a floor app answers)."""

    round: int = 0
    group: str = "bench-group"
    connector: str = "bench-connector"
    model: str = "bench-model"
    task: str = "bench-task"


def _put_settings(client: OpenSearch, ids: Ids) -> None:
    client.cluster.put_settings(body=SETTINGS_BODY)


def _register_group(client: OpenSearch, ids: Ids) -> None:
    body = {"name": f"remote_model_group_{ids.round}", "description": "A model group for external models"}
    ids.group = client.plugins.ml.register_model_group(body=body).get("model_group_id", ids.group)


def _create_connector(client: OpenSearch, ids: Ids) -> None:
    ids.connector = client.plugins.ml.create_connector(body=CONNECTOR_BODY).get("connector_id", ids.connector)


def _register_model(client: OpenSearch, ids: Ids) -> None:
    body = {
        "name": "openAI-gpt-3.5-turbo",
        "function_name": "remote",
        "model_group_id": ids.group,
        "description": "test model",
        "connector_id": ids.connector,
    }
    answer = client.plugins.ml.register_model(body=body)
    ids.model = answer.get("model_id", ids.model)
    ids.task = answer.get("task_id", ids.task)


def _get_task(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.get_task(task_id=ids.task)


def _deploy(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.deploy_model(model_id=ids.model)


def _get_model(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.get_model(model_id=ids.model)


def _predict(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.predict_model(model_id=ids.model, body=PREDICT_BODY)


def _undeploy(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.undeploy_model(model_id=ids.model)


def _delete_model(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.delete_model(model_id=ids.model)


def _delete_connector(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.delete_connector(connector_id=ids.connector)


def _delete_group(client: OpenSearch, ids: Ids) -> None:
    client.plugins.ml.delete_model_group(model_group_id=ids.group)


@dataclass(frozen=True)
class Step:
    name: str
    call: Callable[[OpenSearch, Ids], None]
    crud: bool = True


STEPS: tuple[Step, ...] = (
    Step("PUT _cluster/settings", _put_settings),
    Step("POST model_groups/_register", _register_group),
    Step("POST connectors/_create", _create_connector),
    Step("POST models/_register", _register_model),
    Step("GET tasks/{id}", _get_task),
    Step("POST models/{id}/_deploy", _deploy),
    Step("GET models/{id}", _get_model),
    Step("POST models/{id}/_predict", _predict, crud=False),
    Step("POST models/{id}/_undeploy", _undeploy),
    Step("DELETE models/{id}", _delete_model),
    Step("DELETE connectors/{id}", _delete_connector),
    Step("DELETE model_groups/{id}", _delete_group),
)

# -- apps and clients ---------------------------------------------------------------------------------------------


class FixedApp:
    """The floor: a WSGI app that reads the request body and answers a fixed JSON document."""

    BODY = b'{"ok":true}'
    HEADERS: Headers = [("content-type", "application/json; charset=UTF-8")]

    def handle(self, environ: dict[str, Any]) -> HandleResult:
        length = environ.get("CONTENT_LENGTH")
        if length:
            environ["wsgi.input"].read(int(length))
        return 200, self.HEADERS, self.BODY

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        status, headers, body = self.handle(environ)
        start_response("200 OK", [*headers, ("content-length", str(len(body)))])
        return [body]


class TimedApp:
    """Wraps an app's ``handle`` and records how long each call took (the emulator's share of a call)."""

    def __init__(self, app: Any) -> None:
        self._handle: Callable[[dict[str, Any]], HandleResult] = app.handle
        self.last_ns = 0

    def handle(self, environ: dict[str, Any]) -> HandleResult:
        start = time.perf_counter_ns()
        result = self._handle(environ)
        self.last_ns = time.perf_counter_ns() - start
        return result


def in_process_client(app: Any) -> OpenSearch:
    return OpenSearch(
        hosts=[{"host": "localhost", "port": 9200}], connection_class=InProcessConnection, wsgi_app=app
    )


def http_client(url: str) -> OpenSearch:
    return OpenSearch(hosts=[url], timeout=30)


def mocked_vendor(emu: Emulator) -> responses.RequestsMock:
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(responses.POST, OPENAI_URL, json=OPENAI_ANSWER)
    emu.session = session_for(mock)
    return mock


# -- measuring ----------------------------------------------------------------------------------------------------

Samples = dict[str, list[int]]


@contextmanager
def quiet_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Phase:
    """One way of running the lifecycle; its samples accumulate over the interleaved chunks."""

    client: OpenSearch
    mock: responses.RequestsMock | None = None
    timed_app: TimedApp | None = None

    def __post_init__(self) -> None:
        self.samples: Samples = {step.name: [] for step in STEPS}
        self.errors: dict[str, list[str]] = {}


def run_lifecycle(phase: Phase, first_round: int, rounds: int, *, record: bool = True) -> None:
    """Run ``rounds`` lifecycles; per step, the client-call ns (or the app's own ns with ``timed_app``)."""
    clock = time.perf_counter_ns
    timed_app = phase.timed_app
    with quiet_gc():
        for number in range(first_round, first_round + rounds):
            ids = Ids(round=number)
            for step in STEPS:
                start = clock()
                try:
                    step.call(phase.client, ids)
                except TransportError as error:  # timed all the same; reported, never raised
                    phase.errors.setdefault(step.name, []).append(f"{error.status_code} {error.error}")
                elapsed = clock() - start
                if record:
                    phase.samples[step.name].append(timed_app.last_ns if timed_app is not None else elapsed)
            if phase.mock is not None:
                phase.mock.calls.reset()  # responses keeps every call; do not let it grow


class BareHandle:
    """``emu.wsgi_app.handle(environ)`` for GET model, no opensearch-py; each environ is built outside the clock."""

    def __init__(self, emu: Emulator) -> None:
        self.handle = emu.wsgi_app.handle
        self.samples: list[int] = []
        self.model: str | None = None
        ml = emu.client().plugins.ml
        try:
            group = ml.register_model_group(body={"name": "bench_bare_handle"})["model_group_id"]
            connector = ml.create_connector(body=CONNECTOR_BODY)["connector_id"]
            body = {"name": "bare", "function_name": "remote", "model_group_id": group, "connector_id": connector}
            self.model = ml.register_model(body=body)["model_id"]
        except TransportError as error:  # reported as "-" in the table, never raised
            print(f"warning: bare handle setup failed: {error}", file=sys.stderr)

    def run(self, calls: int, *, record: bool = True) -> None:
        if self.model is None:
            return
        path = f"/_plugins/_ml/models/{self.model}"
        clock = time.perf_counter_ns
        with quiet_gc():
            for _ in range(calls):
                environ = {
                    "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
                    "SERVER_PORT": "9200", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(b""),
                    "wsgi.url_scheme": "http", "CONTENT_LENGTH": "0", "CONTENT_TYPE": "application/json",
                    "HTTP_USER_AGENT": "opensearch-py", "HTTP_ACCEPT_ENCODING": "identity",
                }
                start = clock()
                status, _, _ = self.handle(environ)
                elapsed = clock() - start
                if record:
                    self.samples.append(elapsed)
                if status != 200:
                    print(f"warning: bare handle answered {status}", file=sys.stderr)
                    return


# -- reporting ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    median: float
    p90: float

    @classmethod
    def of(cls, ns: list[int]) -> Stat:
        ordered = sorted(ns)
        p90 = ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))]  # nearest rank
        return cls(statistics.median(ordered) / 1000, p90 / 1000)


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def print_table(rows: list[dict[str, Any]], title: str, footer: list[str]) -> None:
    columns = [
        ("operation", "name", "<"),
        ("in-proc med", "ip_med", ">"), ("in-proc p90", "ip_p90", ">"), ("handle med", "handle", ">"),
        ("in-proc floor", "ip_floor", ">"), ("above floor", "ip_share", ">"),
        (f"≤{IN_PROCESS_TARGET_US:g}µs", "ip_ok", "^"),
        ("HTTP med", "http_med", ">"), ("HTTP p90", "http_p90", ">"), ("HTTP floor", "http_floor", ">"),
        ("ratio", "ratio", ">"), (f"≤{HTTP_TARGET_RATIO:g}×", "http_ok", "^"),
    ]
    cells = [[str(row.get(key, "")) for _, key, _ in columns] for row in rows]
    widths = [max(len(head), *(len(c[i]) for c in cells)) for i, (head, _, _) in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(f"{v:{align}{w}}" for v, w, (_, _, align) in zip(values, widths, columns, strict=True))

    header = line([head for head, _, _ in columns])
    rule = "-" * len(header)
    print(title)
    print(rule)
    print(header)
    print(rule)
    for index, row_cells in enumerate(cells):
        if rows[index].get("separator"):
            print(rule)
        print(line(row_cells))
    print(rule)
    for text in footer:
        print(text)


def errors_line(phases: dict[str, Phase]) -> str:
    found = [(label, step, messages) for label, phase in phases.items() for step, messages in phase.errors.items()]
    if not found:
        return "errors: none (every call answered 2xx)."
    parts = [f"{label}/{step}: {len(messages)}× (first: {messages[0]})" for label, step, messages in found]
    return "ERRORS (timed anyway): " + "; ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=300, help="timed lifecycle rounds per phase (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed lifecycle rounds first (default 20)")
    parser.add_argument("--chunks", type=int, default=10, help="interleaved chunks (default 10)")
    args = parser.parse_args(argv)
    rounds, warmup = max(1, args.rounds), max(0, args.warmup)
    chunks = max(1, min(args.chunks, rounds))
    began = time.perf_counter()

    emu = Emulator()
    mock = mocked_vendor(emu)
    with ExitStack() as stack:
        server = stack.enter_context(emu.serve(host="127.0.0.1", port=0))
        floor_server = stack.enter_context(ServerHandle(FixedApp(), host="127.0.0.1", port=0))
        timed = TimedApp(emu.wsgi_app)
        phases = {
            "in_proc": Phase(emu.client(), mock),  # the client the emulator hands out
            "handle": Phase(in_process_client(timed), mock, timed),  # same calls, the app's own time
            "in_proc_floor": Phase(in_process_client(FixedApp())),
            "http": Phase(http_client(server.url), mock),
            "http_floor": Phase(http_client(floor_server.url)),
        }
        bare = BareHandle(emu)
        # The phases take turns in chunks, so that drift of the machine (steal time, frequency) hits them alike.
        for phase in phases.values():
            run_lifecycle(phase, 0, warmup, record=False)
        bare.run(warmup * 4, record=False)
        done = 0
        for chunk in range(chunks):
            size = rounds // chunks + (1 if chunk < rounds % chunks else 0)
            for phase in phases.values():
                run_lifecycle(phase, warmup + done, size)
            bare.run(size * 4)
            done += size
    in_proc, handle, in_proc_floor = (phases[k].samples for k in ("in_proc", "handle", "in_proc_floor"))
    over_http, http_floor = phases["http"].samples, phases["http_floor"].samples

    rows: list[dict[str, Any]] = []
    crud_ip_met = crud_share_met = crud_total = http_met = 0
    for step in STEPS:
        ip, ip_fl = Stat.of(in_proc[step.name]), Stat.of(in_proc_floor[step.name])
        ht, ht_fl = Stat.of(over_http[step.name]), Stat.of(http_floor[step.name])
        ratio = ht.median / ht_fl.median
        ip_ok = ip.median <= IN_PROCESS_TARGET_US
        http_ok = ratio <= HTTP_TARGET_RATIO
        if step.crud:
            crud_total += 1
            crud_ip_met += ip_ok
            crud_share_met += ip.median - ip_fl.median <= IN_PROCESS_TARGET_US
            http_met += http_ok
        rows.append({
            "name": step.name if step.crud else f"{step.name} *",
            "ip_med": _us(ip.median), "ip_p90": _us(ip.p90), "handle": _us(Stat.of(handle[step.name]).median),
            "ip_floor": _us(ip_fl.median), "ip_share": _us(ip.median - ip_fl.median),
            "ip_ok": ("yes" if ip_ok else "NO") if step.crud else "n/a",
            "http_med": _us(ht.median), "http_p90": _us(ht.p90), "http_floor": _us(ht_fl.median),
            "ratio": f"{ratio:.2f}×", "http_ok": ("yes" if http_ok else "NO") if step.crud else "n/a",
        })
    fl_get = Stat.of(in_proc_floor["GET models/{id}"])
    bare_stat = Stat.of(bare.samples) if bare.samples else None
    bare_med, bare_p90 = (bare_stat.median, bare_stat.p90) if bare_stat else (None, None)
    http_fl_get = Stat.of(http_floor["GET models/{id}"])
    rows.append({"separator": True, "name": "floor: fixed app, InProcessConnection (GET)",
                 "ip_med": _us(fl_get.median), "ip_p90": _us(fl_get.p90)})
    rows.append({"name": "floor: emu.wsgi_app.handle, no client (GET)",
                 "ip_med": _us(bare_med), "ip_p90": _us(bare_p90), "handle": _us(bare_med)})
    rows.append({"name": "floor: fixed app, cheroot HTTP (GET)",
                 "http_med": _us(http_fl_get.median), "http_p90": _us(http_fl_get.p90)})

    crud_ip = [Stat.of(in_proc[s.name]).median for s in STEPS if s.crud]
    footer = [
        "µs per call; med = median, p90 = 90th percentile (nearest rank); floors = the same opensearch-py call "
        "answered by a fixed-JSON WSGI app.",
        "'handle' = the emulator's wsgi_app.handle() alone; 'above floor' = in-proc med - in-proc floor; "
        "ratio = HTTP med / HTTP floor. * predict includes a mocked OpenAI call: no target.",
        f"targets: in-process ≤ {IN_PROCESS_TARGET_US:g} µs per CRUD call: {crud_ip_met}/{crud_total} met "
        f"(median CRUD call {statistics.median(crud_ip):.1f} µs; judged on 'above floor' instead: "
        f"{crud_share_met}/{crud_total}); HTTP ≤ {HTTP_TARGET_RATIO:g}× floor: {http_met}/{crud_total} CRUD calls met.",
        errors_line(phases),
        f"{rounds} timed rounds + {warmup} warm-up per phase, phases interleaved in {chunks} chunks, gc disabled "
        f"while timing; Python {sys.version.split()[0]}; total {time.perf_counter() - began:.1f} s.",
    ]
    title = f"ML Commons emulator {emu.version}: remote-model lifecycle latency (µs)"
    print_table(rows, title, footer)


if __name__ == "__main__":
    main()
