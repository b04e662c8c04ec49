"""Work done inside other processes or threads by the concurrency tests."""

from __future__ import annotations

import threading
import time
from typing import Any

from hall import create_app

# Building apps one at a time: CPython 3.11's ast.parse, which Werkzeug uses to compile URL
# rules, can fail with "AST constructor recursion depth mismatch" when two threads parse at
# once. Serving requests from those apps in parallel is what the tests exercise, and does.
_BUILDING = threading.Lock()


def app_for(database_url: str) -> Any:
    with _BUILDING:
        return create_app({"TESTING": True, "DATABASE_URL": database_url,
                           "ASYNC_MODE": "threading"})


def issue_many(database_url: str, token: str, fields: list[str], count: int, start: Any,
               results: Any) -> None:
    """Issue `count` tickets as fast as possible once `start` is set."""
    client = app_for(database_url).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    start.wait()
    for index in range(count):
        response = client.post("/api/v1/tickets", json={"field": fields[index % len(fields)]},
                               headers=headers)
        results.put(("issued", response.status_code, response.get_json()))


def serve_until_empty(database_url: str, token: str, number: int, start: Any,
                      issuing_done: Any, results: Any) -> None:
    """Call and finish at one counter until issuing is over and nobody waits."""
    client = app_for(database_url).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    opened = client.post(f"/api/v1/counters/{number}/open", headers=headers)
    results.put(("opened", opened.status_code, number))
    start.wait()
    while True:
        done_issuing = issuing_done.is_set()
        called = client.post(f"/api/v1/counters/{number}/call-next", headers=headers)
        if called.status_code == 204:
            if done_issuing:
                return
            time.sleep(0.01)
            continue
        results.put(("called", called.status_code, {"counter": number, **(called.get_json() or {})}))
        finished = client.post(f"/api/v1/counters/{number}/finish", headers=headers)
        results.put(("finished", finished.status_code, finished.get_json()))
