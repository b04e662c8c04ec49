"""Configuration endpoints: fields, counters, devices, users and their tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask import jsonify
from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall.api import schemas as s
from hall.api.common import now
from hall.api.spec import bp
from hall.api.spec import endpoint
from hall.engine import admin
from hall.engine import audit
from hall.engine import counters
from hall.engine import displays
from hall.engine import events
from hall.engine import imports
from hall.engine import lines
from hall.engine.auth import ANY
from hall.engine.auth import Principal
from hall.engine.auth import issue_user_token
from hall.engine.clock import local_iso
from hall.engine.errors import Duplicate
from hall.engine.errors import Forbidden
from hall.engine.errors import HallError
from hall.engine.errors import Invalid
from hall.models import ApiToken
from hall.models import Centre
from hall.models import User
from hall.read import serialize
from hall.store.db import end
from hall.store.db import in_thread
from hall.web import announce
from hall.web import print_worker
from hall.web.database import get_session
from hall.web.i18n import translate
from printer import transport

ADMIN = frozenset({"admin"})
MANAGERS = frozenset({"admin", "manager"})
CREATED = {201: None, 404: s.ErrorOut, 409: s.ErrorOut}


def _printers() -> list[str]:
    """HALL_PRINTERS: printer addresses the operator allows beyond the safe defaults."""
    listed = current_app.config.get("PRINTERS") or []
    return listed.replace(",", " ").split() if isinstance(listed, str) else list(listed)


def _commit(session: Session, centre: Centre | None = None) -> None:
    """Commit; a unique constraint lost to a concurrent request is a 409, not a 500. Then
    announce what changed (kiosks reload their fields)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Duplicate() from None
    happened = events.take(session)
    if centre is not None:
        announce.publish(session, centre, happened)


def _remove(session: Session, centre: Centre, removal: Callable[[], None],
            in_use: HallError) -> None:
    """Remove, commit and announce; a row that came to reference what is removed meanwhile
    (a ticket issued on PostgreSQL between the checks and the delete) is `in_use`, not a 500."""
    try:
        removal()
        session.commit()
    except IntegrityError:
        session.rollback()
        raise in_use from None
    announce.publish(session, centre, events.take(session))


@endpoint("/fields", "POST", summary="Add a field", roles=ADMIN, body=s.FieldIn,
          responses={**CREATED, 201: s.FieldOut})
def create_field(principal: Principal, body: s.FieldIn) -> Any:
    session = get_session()
    options = body.model_dump(exclude={"code", "name"})
    field = admin.add_field(session, principal.centre, body.code, body.name, **options)
    _commit(session, principal.centre)
    return jsonify(serialize.field_json(field, 0)), 201


@endpoint("/fields", "GET", summary="Fields with waiting counts", roles=ANY,
          responses={200: [s.FieldOut]})
def list_fields(principal: Principal) -> Any:
    session = get_session()
    rows = lines.fields_with_counts(session, principal.centre.id)
    availability = lines.field_availability(session, principal.centre, now())
    return jsonify([
        {**serialize.field_json(field, waiting), "state": availability[field.id][0],
         "estimated_wait_s": availability[field.id][1]}
        for field, waiting in rows
    ])


@endpoint("/counters", "POST", summary="Add a counter", roles=ADMIN, body=s.CounterIn,
          responses={**CREATED, 201: s.CounterOut})
def create_counter(principal: Principal, body: s.CounterIn) -> Any:
    session = get_session()
    counter = admin.add_counter(session, principal.centre, body.number, body.name, body.fields)
    _commit(session, principal.centre)
    return jsonify(serialize.counter_json(session, counter, principal.centre, now(), None)), 201


@endpoint("/counters/<int:number>", "PATCH", summary="Rename a counter or change the fields it "
          "serves, in order; its console and the screens follow at once", roles=ADMIN,
          body=s.CounterPatch, responses={200: s.CounterOut, 404: s.ErrorOut})
def update_counter(principal: Principal, number: int, body: s.CounterPatch) -> Any:
    session = get_session()
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    counter = admin.update_counter(session, principal.centre, number, changes)
    answer = serialize.counter_json(session, counter, principal.centre, now(),
                                    counters.current_ticket(session, counter))
    _commit(session, principal.centre)
    return jsonify(answer)


@endpoint("/counters/<int:number>", "DELETE", summary="Delete a closed counter no ticket was "
          "ever called to", roles=ADMIN, responses={204: None, 404: s.ErrorOut, 409: s.ErrorOut})
def delete_counter(principal: Principal, number: int) -> Any:
    session = get_session()
    _remove(session, principal.centre, lambda: admin.delete_counter(session, principal.centre, number),
            admin.counter_used(number))
    return "", 204


@endpoint("/devices", "POST", summary="Add a device; its token is shown once", roles=ADMIN,
          body=s.DeviceIn, responses={**CREATED, 201: s.DeviceOut})
def create_device(principal: Principal, body: s.DeviceIn) -> Any:
    if body.printer is not None and not transport.permitted(body.printer, _printers()):
        raise Invalid("Địa chỉ máy in không được phép: chỉ máy in trong mạng nội bộ, cổng USB, "
                      "cổng nối tiếp, tệp thiết bị máy in, hoặc địa chỉ có trong HALL_PRINTERS",
                      "printer_not_allowed")
    session = get_session()
    device, token = admin.add_device(session, principal.centre, body.kind, body.name, now(),
                                     body.counter, body.printer)
    if body.counters is not None or body.fields is not None:
        displays.device_filter(session, device, body.counters, body.fields)
    _commit(session)
    return jsonify({**serialize.device_json(device, body.counter), "token": token}), 201


@endpoint("/devices", "GET", summary="Devices with their printers' state", roles=MANAGERS,
          responses={200: [s.DeviceState]})
def list_devices(principal: Principal) -> Any:
    rows = admin.devices_with_printers(get_session(), principal.centre)
    return jsonify(rows)


@endpoint("/centre/opening-hours", "PUT", summary="Set when kiosks issue numbers",
          roles=ADMIN, body=s.OpeningHoursIn, responses={200: s.OpeningHoursOut})
def set_opening_hours(principal: Principal, body: s.OpeningHoursIn) -> Any:
    session = get_session()
    days = admin.set_opening_hours(session, principal.centre,
                                   {str(day): pairs for day, pairs in body.days.items()})
    _commit(session)
    return jsonify({"days": days})


@endpoint("/centre/display", "GET", summary="How hall displays show and speak calls", roles=ANY,
          responses={200: s.DisplaySettingsOut})
def get_display_settings(principal: Principal) -> Any:
    return jsonify(displays.settings(principal.centre))


@endpoint("/centre/display", "PUT", summary="Change how hall displays show and speak calls",
          roles=ADMIN, body=s.DisplaySettingsIn, responses={200: s.DisplaySettingsOut})
def set_display_settings(principal: Principal, body: s.DisplaySettingsIn) -> Any:
    session = get_session()
    centre = session.merge(principal.centre)
    answer = displays.set_settings(centre, body.model_dump(exclude_none=True))
    _commit(session)
    return jsonify(answer)


@endpoint("/users", "POST", summary="Add a user", roles=ADMIN, body=s.UserIn,
          responses={**CREATED, 201: s.UserOut})
def create_user(principal: Principal, body: s.UserIn) -> Any:
    session = get_session()
    if body.all_centres and not principal.officer().all_centres:
        raise Forbidden("Chỉ quản trị viên cấp tỉnh tạo được người dùng cấp tỉnh")
    user = admin.add_user(session, principal.centre, body.username, body.role, body.password,
                          now(), body.full_name, body.all_centres)
    _commit(session)
    return jsonify(serialize.user_json(user)), 201


@endpoint("/users/<username>/tokens", "POST", summary="A new API token for the user",
          roles=ADMIN, responses={**CREATED, 201: s.TokenOut, 429: s.ErrorOut}, limit="token")
def create_token(principal: Principal, username: str) -> Any:
    session = get_session()
    user = admin.find_user(session, principal.centre, username, principal.officer())
    token = issue_user_token(session, user, now())
    _commit(session)
    return jsonify({"token": token}), 201


def _token_json(token: ApiToken, user: User, centre: Centre) -> dict[str, Any]:
    return {"id": token.id, "user": user.username,
            "created_at": local_iso(token.created_at, centre.timezone),
            "revoked_at": local_iso(token.revoked_at, centre.timezone)}


@endpoint("/tokens", "GET", summary="The users' API tokens (never the tokens themselves)",
          roles=ADMIN, responses={200: [s.TokenInfoOut]})
def list_tokens(principal: Principal) -> Any:
    rows = admin.user_tokens(get_session(), principal.centre)
    return jsonify([_token_json(token, user, principal.centre) for token, user in rows])


@endpoint("/tokens/<int:token_id>/revoke", "POST", summary="Revoke a user's API token; "
          "it stops working within two seconds in every process, sockets included",
          roles=ADMIN, responses={200: s.TokenInfoOut, 404: s.ErrorOut})
def revoke_token(principal: Principal, token_id: int) -> Any:
    session = get_session()
    token, user = admin.revoke_user_token(session, principal.centre, token_id, now(),
                                          principal.officer())
    _commit(session)
    return jsonify(_token_json(token, user, principal.centre))


@endpoint("/devices/<int:device_id>/revoke", "POST", summary="Revoke a device's token; its "
          "pages stop working and its sockets are dropped within two seconds",
          roles=ADMIN, responses={200: s.DeviceRevokedOut, 404: s.ErrorOut})
def revoke_device(principal: Principal, device_id: int) -> Any:
    session = get_session()
    device = admin.revoke_device(session, principal.centre, device_id, now())
    _commit(session)
    return jsonify({"id": device.id, "kind": device.kind, "name": device.name,
                    "revoked_at": local_iso(device.revoked_at, principal.centre.timezone)})


@endpoint("/fields/<code>", "PATCH", summary="Change a field (names, order, target wait, daily "
          "cap, open or closed); kiosks follow at once", roles=ADMIN, body=s.FieldPatch,
          responses={200: s.FieldOut, 404: s.ErrorOut})
def update_field(principal: Principal, code: str, body: s.FieldPatch) -> Any:
    session = get_session()
    changes = body.model_dump(exclude_unset=True, exclude={"no_daily_capacity"})
    if body.no_daily_capacity:
        changes["daily_capacity"] = None
    changes = {k: v for k, v in changes.items() if v is not None or k == "daily_capacity"}
    field = admin.update_field(session, principal.centre, code, changes)
    waiting = dict((f.id, n) for f, n in lines.fields_with_counts(session, principal.centre.id))
    answer = serialize.field_json(field, waiting.get(field.id, 0))
    _commit(session, principal.centre)
    return jsonify(answer)


@endpoint("/fields/<code>", "DELETE", summary="Delete a field no ticket ever had (close one "
          "that has: is_open false); kiosks follow at once", roles=ADMIN,
          responses={204: None, 404: s.ErrorOut, 409: s.ErrorOut})
def delete_field(principal: Principal, code: str) -> Any:
    session = get_session()
    _remove(session, principal.centre, lambda: admin.delete_field(session, principal.centre, code),
            admin.field_in_use(code))
    return "", 204


@endpoint("/users", "GET", summary="The centre's users", roles=MANAGERS,
          responses={200: [s.UserOut]})
def list_users(principal: Principal) -> Any:
    users = admin.list_users(get_session(), principal.centre)
    return jsonify([serialize.user_json(user) for user in users])


@endpoint("/users/<username>", "PATCH", summary="Change a user: full name, role, active, "
          "password (a deactivation or a new password ends their browser sessions)",
          roles=ADMIN, body=s.UserPatch, responses={200: s.UserOut, 404: s.ErrorOut,
                                                     409: s.ErrorOut})
def update_user(principal: Principal, username: str, body: s.UserPatch) -> Any:
    session = get_session()
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    user = admin.update_user(session, principal.centre, username, principal.officer(), changes)
    answer = serialize.user_json(user)
    _commit(session)
    return jsonify(answer)


@endpoint("/fields/import", "POST", summary="Fields from a CSV or Excel file: every row checked "
          "and shown with its errors; with save=1 and no error, all are created at once",
          roles=ADMIN, query=s.ImportQuery,
          responses={200: s.ImportOut, 201: s.ImportOut, 422: s.ImportOut},
          upload=("text/csv", imports.XLSX))
def import_fields(principal: Principal, query: s.ImportQuery) -> Any:
    session = get_session()
    cells = imports.table(request.get_data(cache=True), request.mimetype)
    rows = imports.check(session, principal.centre, cells)
    ok = not any(row.errors for row in rows)
    if query.save == "0" or not ok:
        answer = {"ok": ok, "saved": False, "rows": imports.as_json(rows, translate)}
        return jsonify(answer), (200 if ok or query.save == "0" else 422)
    for row in rows:
        admin.add_field(session, principal.centre, row.code, row.name, name_en=row.name_en,
                        prefix=row.prefix, target_wait_s=row.target_wait_s,
                        daily_capacity=row.daily_capacity)
    _commit(session, principal.centre)
    return jsonify({"ok": True, "saved": True, "rows": imports.as_json(rows, translate)}), 201


def _centre_json(centre: Centre) -> dict[str, Any]:
    return {"code": centre.code, "name": centre.name, "address": centre.address,
            "timezone": centre.timezone, "ticket_header": centre.ticket_header,
            "ticket_footer": centre.ticket_footer, "rating_scale": centre.rating_scale,
            "default_service_s": centre.default_service_s,
            "priority_categories": list(centre.priority_categories),
            "opening_hours": dict(centre.opening_hours or {}),
            "logo_url": admin.logo_url(centre), "print_procedure": bool(centre.print_procedure)}


@endpoint("/centre", "GET", summary="The centre's settings", roles=MANAGERS,
          responses={200: s.CentreOut})
def get_centre(principal: Principal) -> Any:
    return jsonify(_centre_json(principal.centre))


@endpoint("/centre", "PATCH", summary="Change the centre's name, address, ticket texts, rating "
          "scale, default service time, priority groups or whether tickets print their "
          "procedure", roles=ADMIN, body=s.CentrePatch,
          responses={200: s.CentreOut})
def update_centre(principal: Principal, body: s.CentrePatch) -> Any:
    session = get_session()
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    centre = admin.update_centre(session, principal.centre, changes)
    answer = _centre_json(centre)
    _commit(session, centre)
    return jsonify(answer)


@endpoint("/devices/<int:device_id>/test-print", "POST", summary="Print a sample ticket on a "
          "kiosk's printer now", roles=ADMIN,
          responses={200: s.TestPrintOut, 404: s.ErrorOut, 409: s.ErrorOut})
def test_print(principal: Principal, device_id: int) -> Any:
    session = get_session()
    noted = audit.set_aside(session)  # written only if the test print was made
    end(session)  # nothing is held while the printer works
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    error, state = print_worker.test_print(app, principal.centre, device_id)
    for entry in noted:
        audit.intend(session, entry)
    session.commit()
    return jsonify({"printed": error is None, "printer_state": state, "error": error})


@endpoint("/centres", "GET", summary="The centres the caller works on (every one for a "
          "province's administrator)", roles=MANAGERS, responses={200: [s.CentreRef]})
def list_centres(principal: Principal) -> Any:
    centres = admin.visible_centres(get_session(), principal.user, principal.centre)
    return jsonify([{"code": c.code, "name": c.name} for c in centres])


@endpoint("/centres", "POST", summary="Add a centre (a province's administrator)", roles=ADMIN,
          body=s.CentreIn, responses={201: s.CentreRef, 409: s.ErrorOut})
def create_centre(principal: Principal, body: s.CentreIn) -> Any:
    if not principal.officer().all_centres:
        raise Forbidden("Chỉ quản trị viên cấp tỉnh thêm được trung tâm")
    session = get_session()
    centre = admin.add_centre(session, body.code, body.name, body.timezone)
    answer = {"code": centre.code, "name": centre.name}
    _commit(session)
    return jsonify(answer), 201


@bp.before_request
def _logo_size() -> None:
    """A logo may be larger than the 64 KiB every other body is held to (set before the
    endpoint reads it: a larger one is 413 without being read)."""
    if request.endpoint == f"{bp.name}.set_logo":
        request.max_content_length = admin.LOGO_MAX_BYTES


@endpoint("/centre/logo", "PUT", summary="Set the centre's logo: the body is a PNG, JPEG or WebP "
          "picture of at most 2 MB and 4000 × 4000, stored re-encoded as a PNG within 600 × 600; "
          "kiosks, hall displays, tracking pages and printed tickets show it", roles=ADMIN,
          responses={200: s.LogoOut}, upload=admin.LOGO_TYPES)
def set_logo(principal: Principal) -> Any:
    if request.mimetype not in admin.LOGO_TYPES:  # an SVG above all: it could run script
        raise Invalid("Tệp không phải ảnh PNG, JPEG hoặc WebP", "invalid_image")
    session = get_session()
    noted = audit.set_aside(session)  # written with the logo, if it is stored
    end(session)  # nothing is held (SQLite's write gate above all) while the picture is decoded
    data = request.get_data(cache=True)
    png = in_thread(lambda: admin.logo_png(data))  # up to half a second of CPU, off the hub
    for entry in noted:
        audit.intend(session, entry)
    centre = admin.store_logo(session, principal.centre, png)
    answer = {"logo_url": admin.logo_url(centre)}
    _commit(session, centre)
    return jsonify(answer)


@endpoint("/centre/logo", "DELETE", summary="Remove the centre's logo", roles=ADMIN,
          responses={204: None})
def delete_logo(principal: Principal) -> Any:
    session = get_session()
    centre = admin.clear_logo(session, principal.centre)
    _commit(session, centre)
    return "", 204
