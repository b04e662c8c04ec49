"""Ratings from the counter's tablet and from the citizen's phone (the ticket's tracking
token): who may rate which ticket, once; levels, reasons and the comment; the tablet's page,
its pairing cookie and its live connection (`rating.requested`, and on reconnect only a
request that is still fresh and unrated)."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hall.engine import ratings
from hall.engine.errors import Forbidden
from hall.models import Centre
from hall.models import Rating
from hall.store.db import session_scope
from hall.web.sockets import socketio
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_api import check_error


def served(client: FlaskClient, world: World, counter: int = 1, field: str = "HT",
           start: bool = True) -> dict[str, Any]:
    """A ticket issued, called to `counter` and finished there (from serving, or straight
    from called); its tracking token under "token"."""
    ticket = issue(client, world, field)
    officer = f"officer{counter}"
    post(client, world, officer, f"/counters/{counter}/open")
    called = post(client, world, officer, f"/counters/{counter}/call-next").get_json()
    assert called["id"] == ticket["id"], called
    if start:
        post(client, world, officer, f"/counters/{counter}/start")
    done = post(client, world, officer, f"/counters/{counter}/finish").get_json()
    assert done["status"] == "done", done
    return {**done, "token": ticket["track_url"].rsplit("/", 1)[1]}


def rate(client: FlaskClient, credential: str, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/ratings", json=body,
                       headers={"Authorization": f"Bearer {credential}"})


def stored(app: Flask) -> list[Rating]:
    with session_scope(app) as session:
        rows = list(session.scalars(select(Rating).order_by(Rating.id)))
        session.expunge_all()
        return rows


def test_a_tablet_of_another_counter_is_refused(app: Flask, client: FlaskClient, world: World) -> None:
    ticket = served(client, world)
    check_error(rate(client, world.tokens["tablet2"], {"ticket": ticket["id"], "level": "satisfied"}),
                403, "forbidden")
    answer = rate(client, world.tokens["tablet1"], {"ticket": ticket["id"], "level": "satisfied"})
    assert answer.status_code == 201
    [rating] = stored(app)
    assert rating.device_id is not None and rating.counter_id == 1


def test_the_phone_rates_its_own_ticket_and_the_tablet_then_hears_409(
        app: Flask, client: FlaskClient, world: World) -> None:
    ticket = served(client, world, start=False)  # finished straight from called
    answer = rate(client, ticket["token"], {"ticket": ticket["id"], "level": "very_satisfied"})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["level"] == "very_satisfied"
    [rating] = stored(app)
    # tied to the counter and officer that served it; no device
    assert rating.device_id is None and rating.counter_id == 1 and rating.officer_id is not None
    check_error(rate(client, world.tokens["tablet1"], {"ticket": ticket["id"], "level": "satisfied"}),
                409, "already_rated")
    check_error(rate(client, ticket["token"], {"ticket": ticket["id"], "level": "satisfied"}),
                409, "already_rated")
    assert len(stored(app)) == 1
    stats = client.get("/api/v1/stats?from=2026-03-02&to=2026-03-02&by=counter",
                       headers=world.headers("manager")).get_json()
    assert stats["rows"][0]["ratings"]["by_level"]["very_satisfied"] == 1


def test_the_tablet_first_then_the_phone_hears_409(app: Flask, client: FlaskClient, world: World) -> None:
    ticket = served(client, world)
    first = rate(client, world.tokens["tablet1"], {"ticket": ticket["id"], "level": "satisfied"})
    assert first.status_code == 201
    check_error(rate(client, ticket["token"], {"ticket": ticket["id"], "level": "dissatisfied"}),
                409, "already_rated")
    assert [r.level for r in stored(app)] == ["satisfied"]


def test_a_tracking_token_rates_only_its_own_ticket(app: Flask, client: FlaskClient, world: World) -> None:
    mine = served(client, world)
    theirs = served(client, world)
    # another ticket does not exist for a tracking token (as for GET /tickets/{id}): 404
    check_error(rate(client, mine["token"], {"ticket": theirs["id"], "level": "satisfied"}),
                404, "unknown_ticket")
    check_error(rate(client, mine["token"], {"ticket": 999, "level": "satisfied"}), 404, "unknown_ticket")
    assert stored(app) == []
    # and it still may do nothing else
    check_error(client.get("/api/v1/queue", headers={"Authorization": f"Bearer {mine['token']}"}),
                403, "forbidden")


def test_only_a_done_ticket_is_rated(client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "HT")
    token = ticket["track_url"].rsplit("/", 1)[1]
    check_error(rate(client, token, {"ticket": ticket["id"], "level": "satisfied"}), 409, "wrong_state")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    check_error(rate(client, token, {"ticket": ticket["id"], "level": "satisfied"}), 409, "wrong_state")
    check_error(rate(client, world.tokens["tablet1"], {"ticket": ticket["id"], "level": "satisfied"}),
                409, "wrong_state")


def test_levels_and_reasons_are_checked(app: Flask, client: FlaskClient, world: World) -> None:
    ticket = served(client, world)
    for credential in (world.tokens["tablet1"], ticket["token"]):
        check_error(rate(client, credential, {"ticket": ticket["id"], "level": "neutral"}),
                    400, "unknown_level")  # three levels by default
        check_error(rate(client, credential, {"ticket": ticket["id"], "level": "happy"}),
                    400, "unknown_level")
        check_error(rate(client, credential, {"ticket": ticket["id"], "level": "dissatisfied",
                                              "reasons": ["attitude", "rude"]}), 400, "unknown_reason")
        check_error(rate(client, credential, {"ticket": ticket["id"], "level": "dissatisfied",
                                              "reasons": "attitude"}), 400, "invalid_body")
    with session_scope(app, writing=True) as session:
        session.scalars(select(Centre)).one().rating_scale = 4
        session.commit()
    answer = rate(client, ticket["token"], {"ticket": ticket["id"], "level": "neutral",
                                            "reasons": ["waiting_time", "other", "waiting_time"]})
    assert answer.status_code == 201
    assert answer.get_json()["reasons"] == ["waiting_time", "other"]  # each once


def test_the_comment_is_nfc_trimmed_and_short(app: Flask, client: FlaskClient, world: World) -> None:
    first = served(client, world)
    tablet = world.tokens["tablet1"]
    decomposed = unicodedata.normalize("NFD", "Chờ hơi lâu, cần hướng dẫn rõ hơn về hồ sơ")
    long_nfd = unicodedata.normalize("NFD", "ề" * 200)  # 200 letters, 600 code points
    assert len(long_nfd) == 600
    check_error(rate(client, tablet, {"ticket": first["id"], "level": "dissatisfied",
                                      "comment": "x" * 201}), 400, "invalid_body")
    check_error(rate(client, tablet, {"ticket": first["id"], "level": "dissatisfied",
                                      "comment": "ổn\x00"}), 400, "invalid_body")
    check_error(rate(client, tablet, {"ticket": first["id"], "level": "dissatisfied",
                                      "comment": unicodedata.normalize("NFD", "ề" * 201)}),
                400, "invalid_body")
    answer = rate(client, tablet, {"ticket": first["id"], "level": "dissatisfied",
                                   "reasons": ["attitude"], "comment": f"  {decomposed}\n "})
    assert answer.status_code == 201
    assert answer.get_json()["comment"] == "Chờ hơi lâu, cần hướng dẫn rõ hơn về hồ sơ"
    second = served(client, world)
    assert rate(client, second["token"], {"ticket": second["id"], "level": "dissatisfied",
                                          "comment": long_nfd}).get_json()["comment"] == "ề" * 200
    third = served(client, world)
    assert rate(client, tablet, {"ticket": third["id"], "level": "satisfied",
                                 "comment": "   "}).get_json()["comment"] == ""
    comments = [r.comment for r in stored(app)]
    assert comments[0] == unicodedata.normalize("NFC", comments[0])


def test_the_engine_needs_exactly_one_rater(app: Flask, client: FlaskClient, world: World,
                                            clock: Clock) -> None:
    ticket = served(client, world)
    with session_scope(app, writing=True) as session:
        centre = session.scalars(select(Centre)).one()
        with pytest.raises(Forbidden):
            ratings.rate(session, centre, ticket["id"], "satisfied", [], "", clock.now)
    assert ratings.comment_text("  a\u0300  ") == "à"


# ---- the tablet's page and live connection ----

def paired(app: Flask, token: str) -> FlaskClient:
    browser = app.test_client()
    answer = browser.get(f"/tablet?token={token}")
    assert answer.status_code == 302 and "token=" not in answer.headers["Location"]
    return browser


def test_the_tablet_page_pairs_once_and_holds_no_token(app: Flask, world: World) -> None:
    token = world.tokens["tablet1"]
    assert app.test_client().get("/tablet").status_code == 401  # the pairing page
    assert app.test_client().get("/tablet?token=d_nope").status_code == 403
    assert app.test_client().get(f"/tablet?token={world.tokens['kiosk']}").status_code == 403
    browser = paired(app, token)
    page = browser.get("/tablet")
    assert page.status_code == 200
    set_cookie = page.headers["Set-Cookie"]
    assert set_cookie.startswith(f"hall_tablet={token};") and "HttpOnly" in set_cookie
    html = page.get_data(as_text=True)
    assert token not in html and token[2:12] not in html
    assert "Quầy 1" in html and '"levels": ["very_satisfied", "satisfied", "dissatisfied"]' in html
    # the page's API calls are its cookie plus the header naming its kind
    ticket = served(app.test_client(), world)
    answer = browser.post("/api/v1/ratings", json={"ticket": ticket["id"], "level": "satisfied"},
                          headers={"X-Hall-Device": "tablet"})
    assert answer.status_code == 201


def connect(app: Flask, browser: FlaskClient) -> Any:
    tablet = socketio.test_client(app, flask_test_client=browser, auth={"device": "tablet"})
    assert tablet.is_connected()
    return tablet


def events(tablet: Any, name: str) -> list[dict[str, Any]]:
    return [event["args"][0] for event in tablet.get_received() if event["name"] == name]


def test_the_tablet_hears_rating_requested_by_its_cookie(app: Flask, client: FlaskClient,
                                                        world: World, clock: Clock) -> None:
    browser = paired(app, world.tokens["tablet1"])
    other = paired(app, world.tokens["tablet2"])
    tablet, elsewhere = connect(app, browser), connect(app, other)
    try:
        [state] = events(tablet, "state")
        assert state["rating_request"] is None
        events(elsewhere, "state")
        ticket = served(client, world)
        received = tablet.get_received()
        [request] = [e["args"][0] for e in received if e["name"] == "rating.requested"]
        assert request["ticket"]["id"] == ticket["id"] and "track_url" not in request["ticket"]
        assert request["levels"] == ["very_satisfied", "satisfied", "dissatisfied"]
        assert request["counter"] == {"number": 1, "name": "Quầy 1"}
        assert request["officer"]["username"] == "officer1"
        assert request["at"] == ticket["finished_at"]
        # the officer's changes at the counter reach the tablet too (its idle screen follows)
        assert any(e["name"] == "counter.updated" and e["args"][0]["counter"]["officer"]["username"]
                   == "officer1" for e in received)
        assert events(elsewhere, "rating.requested") == []
    finally:
        tablet.disconnect()
        elsewhere.disconnect()
    # A reconnect within the minute asks again; once rated, or a minute later, never.
    clock.advance(30)
    again = connect(app, browser)
    try:
        [state] = events(again, "state")
        assert state["rating_request"]["ticket"]["id"] == ticket["id"]
    finally:
        again.disconnect()
    clock.advance(31)
    late = connect(app, browser)
    try:
        assert events(late, "state")[0]["rating_request"] is None
    finally:
        late.disconnect()
    newer = served(client, world)
    assert rate(client, newer["token"], {"ticket": newer["id"], "level": "satisfied"}).status_code == 201
    rated = connect(app, browser)
    try:
        assert events(rated, "state")[0]["rating_request"] is None
    finally:
        rated.disconnect()


def test_the_tablet_follows_its_counters_officer(app: Flask, client: FlaskClient, world: World) -> None:
    tablet = connect(app, paired(app, world.tokens["tablet2"]))
    try:
        events(tablet, "state")
        post(client, world, "officer2", "/counters/2/open")
        [changed] = events(tablet, "counter.updated")
        assert changed["counter"]["number"] == 2 and changed["counter"]["state"] == "open"
        assert changed["counter"]["officer"]["username"] == "officer2"
        assert changed["counter"]["ticket"] is None or "track_url" not in changed["counter"]["ticket"]
        post(client, world, "officer2", "/counters/2/close")
        # closed: the tablet says "Quầy chưa mở" by the state (the event still names the
        # officer who left, since the counter's officer relationship is not refreshed)
        assert events(tablet, "counter.updated")[0]["counter"]["state"] == "closed"
    finally:
        tablet.disconnect()


def test_a_tablet_rates_only_what_its_counter_has_just_served(client: FlaskClient, world: World,
                                                               clock: Clock) -> None:
    tablet = world.tokens["tablet1"]
    earlier, latest = served(client, world), served(client, world)
    body = {"ticket": earlier["id"], "level": "very_satisfied"}
    check_error(rate(client, tablet, body), 409, "rating_expired")  # not the newest any more
    assert rate(client, earlier["token"], body).status_code == 201  # its citizen's phone may
    clock.advance(11 * 60)  # ten minutes is time enough to answer at the counter
    check_error(rate(client, tablet, {"ticket": latest["id"], "level": "very_satisfied"}),
                409, "rating_expired")
    assert rate(client, latest["token"], {"ticket": latest["id"], "level": "satisfied"}).status_code == 201
