"""Socket.IO: rooms come from the connecting token; events go out after each commit."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import current_app
from flask import request
from flask_socketio import ConnectionRefusedError
from flask_socketio import emit
from flask_socketio import join_room
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from hall.engine import auth
from hall.engine import ratings
from hall.engine import text
from hall.engine.clock import app_now
from hall.engine.clock import service_day
from hall.engine.tickets import by_tracking_token
from hall.models import ApiToken
from hall.models import Centre
from hall.models import Counter
from hall.models import Device
from hall.models import User
from hall.read import serialize
from hall.store.db import end
from hall.store.db import session_scope
from hall.web import fanout
from hall.web import metrics
from hall.web import pairing
from hall.web import print_worker
from hall.web import snapshots
from hall.web import socket_gate
from hall.web.sockets import CENTRE_EVENTS
from hall.web.sockets import centre_rooms
from hall.web.sockets import chosen_room
from hall.web.sockets import counter_room
from hall.web.sockets import emit_now
from hall.web.sockets import kiosk_room
from hall.web.sockets import socketio
from hall.web.sockets import tablet_room
from hall.web.sockets import ticket_room
from hall.web.sockets import to_centre

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Bind Socket.IO; with HALL_REDIS_URL every process shares events through Redis."""
    mode = app.config["ASYNC_MODE"] or _detect_mode()
    # Flask-SocketIO keeps the Redis client manager of an earlier init_app in its options even
    # when this app has no message queue; drop it so each app gets what its config says.
    for stale in ("client_manager", "message_queue", "channel"):
        socketio.server_options.pop(stale, None)
    fanout.install()
    redis_url, channel = app.config["REDIS_URL"] or None, app.config["SOCKETIO_CHANNEL"]
    manager = (snapshots.WatchingRedisManager(redis_url, channel=channel)
               if redis_url else snapshots.WatchingManager())
    socketio.init_app(
        app,
        async_mode=mode,
        client_manager=manager,
        cors_allowed_origins=_origin_check(app),
        json=app.json,
    )
    socket_gate.init_app(app, lambda: len(socketio.server.eio.sockets))


def _origin_check(app: Flask) -> Any:
    """Which browser pages may open a socket: this server's own pages (the address the
    browser used, or the one a proxy forwarded), HALL_PUBLIC_URL's, and HALL_CORS_ORIGINS.
    A page of another site is refused, whatever token it holds; clients that send no Origin
    (screens' own programs, integrations) are not browsers and pass on their token alone."""
    extra = app.config.get("CORS_ORIGINS") or []
    if isinstance(extra, str):  # HALL_CORS_ORIGINS="https://a.example https://b.example"
        extra = extra.replace(",", " ").split()
    configured = {_origin(url) for url in (app.config.get("PUBLIC_URL") or "", *extra)} - {""}

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        if not origin or origin in configured:
            return True
        scheme, host = environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST", "")
        own = {f"{scheme}://{host}"}
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        own.add(f"{forwarded_scheme}://{forwarded_host}")
        return origin in own

    return allowed


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _detect_mode() -> str:
    """gevent when the process is patched (hall run, gunicorn -k gevent), else threading."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def rooms_for(session: Session, principal: auth.Principal,
              chosen: frozenset[str] | None = None) -> list[str]:
    """The rooms a user or device token joins (`chosen`: the centre events it named)."""
    if principal.device is not None:
        device = principal.device
        if device.kind == "tablet" and device.counter_id is not None:
            return [tablet_room(device.counter_id)]  # public tickets: a device, not staff
        if device.kind == "kiosk":
            return [*centre_rooms(device.centre_id, chosen), kiosk_room(device.id)]
        return centre_rooms(device.centre_id, chosen)  # a hall or door screen: public tickets only
    assert principal.user is not None
    held = session.scalars(select(Counter.id).where(Counter.officer_id == principal.user.id))
    return centre_rooms(principal.centre.id, chosen) + [counter_room(c) for c in held]


def chosen_events(auth_payload: Any) -> frozenset[str] | None:
    """The centre events a connection names in `auth.events` (None: all of them)."""
    named = auth_payload.get("events") if isinstance(auth_payload, dict) else None
    if named is None:
        return None
    if not isinstance(named, list) or not all(isinstance(n, str) for n in named) \
            or not set(named) <= CENTRE_EVENTS:
        raise ConnectionRefusedError("invalid_events", {"error": {"code": "invalid_events", "message": (
            "auth.events phải là danh sách tên sự kiện của trung tâm / auth.events must list "
            "centre events: " + ", ".join(sorted(CENTRE_EVENTS)))}})
    return frozenset(named)


@socketio.on("connect")  # type: ignore[untyped-decorator]
def on_connect(auth_payload: Any = None) -> None:
    """Refuse without a valid token; else join rooms and send the `state` snapshot (built
    first, then sent with no transaction open)."""
    token = auth_payload.get("token") if isinstance(auth_payload, dict) else None
    if not token and isinstance(auth_payload, dict) and "device" in auth_payload:
        token = pairing.cookie_token(auth_payload["device"])  # a paired page: its cookie
    if isinstance(auth_payload, dict) and "csrf" in auth_payload and not token:
        _console_connected(auth_payload["csrf"], chosen_events(auth_payload))
        return
    if not isinstance(token, str) or not token:
        raise ConnectionRefusedError("unauthorized")
    chosen = chosen_events(auth_payload)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with session_scope(app) as session:
        principal = auth.principal_for(session, token)
        if principal is not None and principal.device is not None and bool(
                auth_payload.get("agent")) and principal.device.kind == "kiosk":  # fmt: skip
            jobs = print_worker.agent_jobs(session, principal.device, app_now(app.config))
            device_id = principal.device.id
        else:
            jobs = None
            if principal is not None:
                rooms, centre = rooms_for(session, principal, chosen), principal.centre
            else:
                ticket = by_tracking_token(session, token) if text.is_tracking_token(token) else None
                if ticket is None:
                    raise ConnectionRefusedError("unauthorized")
                rooms, centre = [ticket_room(ticket)], session.get_one(Centre, ticket.centre_id)
                if ticket.service_day != service_day(app_now(app.config), centre.timezone):
                    raise ConnectionRefusedError("unauthorized")  # only today's ticket
            # Staff see whole tickets; screens, kiosks, tablets and citizens the public ones,
            # one copy shared by the centre's screens (hall.web.snapshots), made once joined.
            public = principal is None or principal.user is None
            tablet = principal is not None and principal.device is not None \
                and principal.device.kind == "tablet"
            state, centre_id = None, centre.id
            if not public or tablet:
                state = serialize.queue_json(session, centre, app_now(app.config), public)
            if tablet:
                assert principal is not None and principal.device is not None and state is not None
                state["rating_request"] = _pending_rating(session, centre, principal.device)
    sid = request.sid  # type: ignore[attr-defined]
    if not _alive(sid):
        return
    if jobs is not None:
        _sweeper.watch(app, sid, ("device", device_id))
        _counted(sid, "agent")
        print_worker.agent_joined(device_id, jobs)
        return
    _counted(sid, "citizen" if principal is None else
             principal.device.kind if principal.device is not None else "staff")
    if principal is not None:
        _sweeper.watch(app, sid, ("device", principal.device.id) if principal.device is not None
                       else ("token", auth.hash_token(token)))
    for room in rooms:
        join_room(room)
    if state is None:
        state = snapshots.public_state(centre_id, lambda: _public_state(app, centre_id))
    _emit_state(state)


def _public_state(app: Flask, centre_id: int) -> dict[str, Any]:
    with session_scope(app) as session:
        centre = session.get_one(Centre, centre_id)
        return serialize.queue_json(session, centre, app_now(app.config), True)


def _pending_rating(session: Session, centre: Centre, tablet: Device) -> dict[str, Any] | None:
    """What a tablet that (re)connects should be asking: the `rating.requested` payload of its
    counter's newest ticket finished within ratings.REQUEST_FRESH_S and not rated yet, else
    None; so a reconnected tablet never asks about an old or already rated ticket."""
    from hall.web.announce import rating_request  # announce sends through this module

    if tablet.counter_id is None:
        return None
    ticket = ratings.pending_request(session, centre.id, tablet.counter_id,
                                     app_now(current_app.config))
    return rating_request(session, centre, ticket) if ticket is not None else None


def _emit_state(state: dict[str, Any]) -> None:
    """The snapshot, stamped with the server's clock (ms) as it leaves: screens keep the
    centre's date and time by it, whatever their own PC's clock says."""
    state["now_ms"] = int(app_now(current_app.config).timestamp() * 1000)
    emit("state", state)


def _console_connected(csrf: Any, chosen: frozenset[str] | None) -> None:
    """An officer's console, by its login session (Flask-SocketIO hands us the cookie session)."""
    from hall.web import logins
    from hall.web.database import get_session

    principal = logins.principal(csrf)
    if principal is None:
        raise ConnectionRefusedError("unauthorized")
    assert principal.user is not None
    _sweeper.watch(current_app._get_current_object(), request.sid,  # type: ignore[attr-defined]
                   ("session", principal.user.id, principal.user.session_epoch))
    session = get_session()
    rooms = rooms_for(session, principal, chosen)
    state = serialize.queue_json(session, principal.centre, app_now(current_app.config),
                                 public=False)
    end(session)
    _counted(request.sid, "staff")  # type: ignore[attr-defined]
    for room in rooms:
        join_room(room)
    _emit_state(state)


def announce_queue(session: Session, centre_id: int, now: datetime | None = None,
                   calls_only: bool = False) -> None:
    """Emit `queue.changed` with the counts as they are now (`calls_only`: every change since
    the last one was a call whose `ticket.called` carried the counts)."""
    centre = session.get_one(Centre, centre_id)
    payload = serialize.waiting_json(session, centre, now or app_now(current_app.config))
    end(session)
    emit_now("queue.changed", payload, to_centre(centre_id, "queue.changed", calls_only))


class _Coalescer:
    """At most one `queue.changed` per centre every COALESCE_S, always with fresh counts:
    a burst of kiosk taps costs one count query and one broadcast, not one per ticket."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.dirty: dict[int, tuple[Flask, bool]] = {}
        self.running = False

    def mark(self, app: Flask, centre_id: int, calls_only: bool) -> None:
        with self.lock:
            _, before = self.dirty.get(centre_id, (app, True))
            self.dirty[centre_id] = (app, before and calls_only)
            if not self.running:
                self.running = True
                socketio.start_background_task(self.loop)

    def loop(self) -> None:
        while True:
            socketio.sleep(COALESCE_S)
            with self.lock:
                due, self.dirty = self.dirty, {}
            for centre_id, (app, calls_only) in due.items():
                try:
                    with session_scope(app) as session:
                        announce_queue(session, centre_id, app_now(app.config), calls_only)
                except Exception:  # a failed broadcast must not stop later ones
                    app.logger.exception("queue.changed for centre %s failed", centre_id)


COALESCE_S = 0.25
_coalescer = _Coalescer()


def queue_changed(app: Flask, centre_id: int, calls_only: bool = False) -> None:
    """Schedule `queue.changed` for the centre (coalesced, see _Coalescer)."""
    _coalescer.mark(app, centre_id, calls_only)


class _Held:
    """The lean `ticket.updated` of a ticket that left its counter, held HOLD_S: a call to
    the same counter in that time replaces the ticket on every screen, so the update is
    dropped (one message per call and finish, not two). A lean screen shows a counter free
    HOLD_S later than a whole-room one does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: dict[tuple[int, int | None], tuple[float, list[dict[str, Any]]]] = {}
        self.running = False

    def hold(self, centre_id: int, counter_id: int | None, update: dict[str, Any]) -> None:
        with self.lock:
            _, earlier = self.held.get((centre_id, counter_id), (0.0, []))
            self.held[(centre_id, counter_id)] = (time.monotonic() + HOLD_S, [*earlier, update])
            if not self.running:
                self.running = True
                socketio.start_background_task(self.loop)

    def drop(self, centre_id: int, counter_id: int | None) -> None:
        if counter_id is not None:
            with self.lock:
                self.held.pop((centre_id, counter_id), None)

    def loop(self) -> None:
        while True:
            socketio.sleep(HOLD_S / 6)
            now = time.monotonic()
            with self.lock:
                due = [(key, updates) for key, (at, updates) in self.held.items() if at <= now]
                for key, _ in due:
                    del self.held[key]
            for (centre_id, _), updates in due:
                for payload in updates:
                    emit_now("ticket.updated", payload, chosen_room(centre_id, "ticket.updated"))


HOLD_S = 3.0
_held = _Held()


def left_counter(centre_id: int, counter_id: int | None, update: dict[str, Any]) -> None:
    """A ticket left its counter (finished, no-show, transferred, cancelled): lean screens
    hear it in HOLD_S unless a call to that counter comes first."""
    _held.hold(centre_id, counter_id, update)


def called_at(centre_id: int, counter_id: int | None) -> None:
    """A call to this counter: what it held for lean screens is replaced by the call."""
    _held.drop(centre_id, counter_id)


@socketio.on("print.ack")  # type: ignore[untyped-decorator]
def on_print_ack(data: Any) -> None:
    """A kiosk's print agent reports a job printed or failed."""
    device_id = print_worker.agent_of(request.sid)  # type: ignore[attr-defined]
    if device_id is not None and isinstance(data, dict):
        print_worker.acknowledged(current_app._get_current_object(),  # type: ignore[attr-defined]
                                  device_id, data)


@socketio.on("disconnect")  # type: ignore[untyped-decorator]
def on_disconnect(*_: Any) -> None:
    print_worker.agent_left(request.sid)  # type: ignore[attr-defined]
    _sweeper.forget(request.sid)  # type: ignore[attr-defined]
    kind = _socket_kinds.pop(request.sid, None)  # type: ignore[attr-defined]
    if kind is not None:
        metrics.socket_closed(kind)


_socket_kinds: dict[str, str] = {}  # sid -> kind, for hall_sockets_connected


def _alive(sid: str) -> bool:
    """A socket that went away while its connect handler ran gets no disconnect handler call
    (python-socketio skips sockets still connecting): nothing is registered for it."""
    server = socketio.server  # python-socketio forgets a connection's environ when it goes
    return server.manager.eio_sid_from_sid(sid, "/") in server.environ


def _counted(sid: str, kind: str) -> None:
    if sid not in _socket_kinds:
        _socket_kinds[sid] = kind
        metrics.socket_opened(kind)


class _Sweeper:
    """Drops the sockets of revoked credentials within SWEEP_S seconds, in every process (each
    sweeps its own connections): a revoked device or user token, a deactivated user, a
    console whose user logged out (the session's epoch moved on). One small query per kind
    of credential and app each round, whatever the number of connections."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.watched: dict[str, tuple[Flask, tuple[Any, ...]]] = {}
        self.running = False
        self.left: dict[Flask, set[int]] = {}  # devices gone since the last "seen" write
        self.seen_written: dict[Flask, float] = {}

    def watch(self, app: Flask, sid: str, key: tuple[Any, ...]) -> None:
        with self.lock:
            self.watched[sid] = (app, key)
            if not self.running:
                self.running = True
                socketio.start_background_task(self.loop)

    def forget(self, sid: str) -> None:
        with self.lock:
            app, key = self.watched.pop(sid, (None, ()))
            if app is not None and key[0] == "device":
                self.left.setdefault(app, set()).add(key[1])

    def loop(self) -> None:
        while True:
            socketio.sleep(SWEEP_S)
            with self.lock:
                by_app: dict[Flask, dict[str, tuple[Any, ...]]] = {}
                for sid, (app, key) in self.watched.items():
                    by_app.setdefault(app, {})[sid] = key
                for app in self.left:
                    by_app.setdefault(app, {})
            for app, keys in by_app.items():
                self._note_seen(app, keys)
            for app, keys in by_app.items():
                try:
                    with session_scope(app) as session:
                        gone = _revoked(session, keys)
                except Exception:  # a failed round must not stop later ones
                    app.logger.exception("the revoked-token sweep failed")
                    continue
                for sid in gone:
                    self.forget(sid)
                    socketio.server.disconnect(sid, namespace="/")


    def _note_seen(self, app: Flask, keys: dict[str, tuple[Any, ...]]) -> None:
        """Every DEVICE_SEEN_S, one write: the devices connected now, and those that left
        since, were last seen now (the administration's device list shows it)."""
        moment = time.monotonic()
        if moment - self.seen_written.get(app, 0.0) < float(app.config.get("DEVICE_SEEN_S", 30)):
            return
        self.seen_written[app] = moment
        with self.lock:
            ids = {key[1] for key in keys.values() if key[0] == "device"} | self.left.pop(app, set())
        if not ids:
            return
        try:
            with session_scope(app, writing=True) as session:
                session.execute(update(Device).where(Device.id.in_(sorted(ids)))
                                .values(last_seen_at=app_now(app.config))
                                .execution_options(synchronize_session=False))
                session.commit()
        except Exception:
            app.logger.exception("could not note when devices were last seen")


def _revoked(session: Session, keys: dict[str, tuple[Any, ...]]) -> list[str]:
    """The sids whose credential no longer holds."""
    revoked_devices = set(session.scalars(select(Device.id).where(Device.revoked_at.is_not(None))))
    hashes = {key[1] for key in keys.values() if key[0] == "token"}
    dead_tokens = set(session.scalars(
        select(ApiToken.token_hash).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash.in_(hashes),
               or_(ApiToken.revoked_at.is_not(None), User.active.is_(False))))) if hashes else set()
    user_ids = {key[1] for key in keys.values() if key[0] == "session"}
    users = {row.id: row for row in session.execute(
        select(User.id, User.session_epoch, User.active).where(User.id.in_(user_ids)))
    } if user_ids else {}
    end(session)
    gone = []
    for sid, key in keys.items():
        match key:
            case ("device", device_id) if device_id in revoked_devices:
                gone.append(sid)
            case ("token", digest) if digest in dead_tokens:
                gone.append(sid)
            case ("session", user_id, epoch):
                user = users.get(user_id)
                if user is None or not user.active or user.session_epoch != epoch:
                    gone.append(sid)
    return gone


SWEEP_S = 1.0
_sweeper = _Sweeper()
