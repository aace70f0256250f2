"""What the Security plugin subset costs per request, in-process through opensearch-py.

Run ``python bench/security.py [--rounds N]``. It prints the median latency of ``GET /`` and of a model-group
search on an emulator without security, with security on (basic auth, the admin), and with model access control
on for a non-admin (whose search is narrowed to the groups it may see), plus the cost of the first request of a
user (the PBKDF2 check before the credentials are remembered). The benchmark prints figures and never fails.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from emulator import Emulator

SEARCH = {"query": {"match_all": {}}, "size": 50}


def median_us(call: Callable[[], object], rounds: int) -> float:
    call()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds

    plain = Emulator().client()
    secured_emulator = Emulator(security=True)
    admin = secured_emulator.client(http_auth=("admin", "admin"))
    admin.transport.perform_request("PUT", "/_plugins/_security/api/internalusers/alice",
                                    body={"password": "Blue-Harbour-42!", "backend_roles": ["IT"]})
    admin.transport.perform_request("PUT", "/_plugins/_security/api/rolesmapping/ml_full_access",
                                    body={"users": ["alice"]})
    admin.cluster.put_settings(body={"persistent": {"plugins.ml_commons.model_access_control_enabled": True}})
    for number in range(30):
        admin.plugins.ml.register_model_group(body={"name": f"group-{number}", "access_mode": "public"})
        plain.plugins.ml.register_model_group(body={"name": f"group-{number}"})
    alice = secured_emulator.client(http_auth=("alice", "Blue-Harbour-42!"))

    start = time.perf_counter()
    secured_emulator.client(http_auth=("admin", "admin")).transport.perform_request(
        "GET", "/", headers={"authorization": "Basic YWRtaW46YWRtaW4= "})  # a header not seen before
    first = (time.perf_counter() - start) * 1e6

    rows = [
        ("GET /, security off", median_us(plain.info, rounds)),
        ("GET /, security on (admin)", median_us(admin.info, rounds)),
        ("model-group search, security off", median_us(lambda: plain.plugins.ml.search_model_group(body=SEARCH),
                                                        rounds)),
        ("model-group search, admin", median_us(lambda: admin.plugins.ml.search_model_group(body=SEARCH), rounds)),
        ("model-group search, non-admin (narrowed)",
         median_us(lambda: alice.plugins.ml.search_model_group(body=SEARCH), rounds)),
    ]
    print(f"{'operation':45} {'median':>10}")
    for name, value in rows:
        print(f"{name:45} {value:8.0f} us")
    print(f"{'first request of new credentials (PBKDF2)':45} {first:8.0f} us")


if __name__ == "__main__":
    main()
