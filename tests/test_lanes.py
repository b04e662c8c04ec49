"""Officers stay in their lane: record codes only on tickets of their own counter (called or
served there, or by them), cancel only tickets their counter would call; managers and admins
keep the wider rights; nothing changes on a refusal."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_api import check_error

CODE = {"codes": ["000.00.12.H12-261201-0007"]}


def test_record_codes_stay_with_the_counter(client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "HT")
    for number in (1, 2):
        assert post(client, world, f"officer{number}", f"/counters/{number}/open").status_code == 200
    called = post(client, world, "officer1", "/counters/1/call-next").get_json()
    assert called["id"] == ticket["id"]
    path = f"/tickets/{ticket['id']}/records"
    check_error(post(client, world, "officer2", path, CODE), 403, "forbidden")
    check_error(client.delete(f"{'/api/v1'}{path}/X", headers=world.headers("officer2")), 403)
    assert post(client, world, "officer1", path, CODE).get_json()["records"] == CODE["codes"]
    code = CODE["codes"][0]
    check_error(client.delete(f"/api/v1{path}/{code}", headers=world.headers("officer2")), 403)
    for who in ("manager", "admin"):  # wider rights
        assert post(client, world, who, path, {"codes": [f"HS-{who}"]}).status_code == 200
    shown = client.get(f"/api/v1/tickets/{ticket['id']}", headers=world.headers("officer1"))
    assert shown.get_json()["records"] == [code, "HS-manager", "HS-admin"]
    # finished, the officer who served it may still correct its codes
    post(client, world, "officer1", "/counters/1/finish")
    post(client, world, "officer1", "/counters/1/close")
    removed = client.delete(f"/api/v1{path}/HS-admin", headers=world.headers("officer1"))
    assert removed.status_code == 200 and removed.get_json()["records"] == [code, "HS-manager"]


def test_cancel_only_what_the_counter_would_call(client: FlaskClient, world: World) -> None:
    land = issue(client, world, "DD")  # counter 3's field only
    civil = issue(client, world, "HT")  # counters 1 and 3
    check_error(post(client, world, "officer1", f"/tickets/{civil['id']}/cancel"), 403)  # no counter
    post(client, world, "officer1", "/counters/1/open")
    check_error(post(client, world, "officer1", f"/tickets/{land['id']}/cancel"), 403)
    shown = client.get(f"/api/v1/tickets/{land['id']}", headers=world.headers("admin"))
    assert shown.get_json()["status"] == "waiting"  # unchanged
    done = post(client, world, "officer1", f"/tickets/{civil['id']}/cancel")
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert post(client, world, "manager", f"/tickets/{land['id']}/cancel").status_code == 200
