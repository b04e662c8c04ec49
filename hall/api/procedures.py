"""Procedures (thủ tục hành chính): the centre's list, looked up by kiosks and phones, kept by
admins one by one or imported from the province's published file."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask import request

from hall.api import schemas as s
from hall.api.admin import ADMIN
from hall.api.admin import CREATED
from hall.api.admin import _commit
from hall.api.spec import bp
from hall.api.spec import endpoint
from hall.engine import imports
from hall.engine import procedure_import
from hall.engine import procedures
from hall.engine.auth import ANY
from hall.engine.auth import CITIZEN
from hall.engine.auth import Principal
from hall.engine.errors import Forbidden
from hall.read import serialize
from hall.store.db import in_thread
from hall.web.database import get_session
from hall.web.i18n import translate

IMPORT_MAX_BYTES = 4 * 1024 * 1024  # a province's list with its papers, as CSV or Excel


@bp.before_request
def _import_size() -> None:
    """An imported list may be larger than the 64 KiB every other body is held to."""
    if request.endpoint == f"{bp.name}.import_procedures":
        request.max_content_length = IMPORT_MAX_BYTES


def _values(body: s.ProcedureIn) -> procedures.Values:
    return procedures.Values(
        field_code=body.field, name=body.name, name_en=body.name_en, code=body.code,
        level=body.level, time_limit=body.time_limit, fee_vnd=body.fees, fee_note=body.fee_note,
        papers=[paper.model_dump() for paper in body.papers], online=body.online,
        portal_url=body.portal_url, visible=body.visible)


@endpoint("/procedures", "POST", summary="Add a procedure (409 duplicate_code on a national "
          "code the centre already has)", roles=ADMIN, body=s.ProcedureIn,
          responses={**CREATED, 201: s.ProcedureOut})
def create_procedure(principal: Principal, body: s.ProcedureIn) -> Any:
    session = get_session()
    procedure = procedures.add(session, principal.centre, _values(body))
    answer = serialize.procedure_json(procedure)
    _commit(session, principal.centre)
    return jsonify(answer), 201


@endpoint("/procedures", "GET", summary="The centre's procedures whose name or code holds "
          "every word of q, without regard to case or Vietnamese diacritics; hidden=1 (admins) "
          "lists hidden ones too", roles=ANY, query=s.ProcedureQuery,
          responses={200: [s.ProcedureOut]})
def list_procedures(principal: Principal, query: s.ProcedureQuery) -> Any:
    hidden = query.hidden == "1"
    if hidden and principal.role != "admin":
        raise Forbidden()
    found = procedures.search(get_session(), principal.centre, query.q, query.field, hidden,
                              query.limit)
    return jsonify([serialize.procedure_json(p) for p in found])


@endpoint("/procedures/<int:procedure_id>", "GET", summary="One procedure (a citizen's "
          "tracking token reads the one its ticket is for)", roles=ANY | {CITIZEN},
          responses={200: s.ProcedureOut, 404: s.ErrorOut})
def get_procedure(principal: Principal, procedure_id: int) -> Any:
    if principal.role == CITIZEN and (principal.ticket is None
                                      or principal.ticket.procedure_id != procedure_id):
        raise procedures.UnknownProcedure()
    procedure = procedures.get(get_session(), principal.centre, procedure_id,
                               hidden=principal.role in ("admin", CITIZEN))
    return jsonify(serialize.procedure_json(procedure))


@endpoint("/procedures/<int:procedure_id>", "PUT", summary="Replace a procedure's details "
          "(shown or hidden with `visible`)", roles=ADMIN, body=s.ProcedureIn,
          responses={200: s.ProcedureOut, 404: s.ErrorOut, 409: s.ErrorOut})
def replace_procedure(principal: Principal, procedure_id: int, body: s.ProcedureIn) -> Any:
    session = get_session()
    procedure = procedures.update(session, principal.centre, procedure_id, _values(body))
    answer = serialize.procedure_json(procedure)
    _commit(session, principal.centre)
    return jsonify(answer)


@endpoint("/procedures/import", "POST", summary="Procedures from a CSV or Excel file: every "
          "row checked and shown with its errors and whether it adds or updates; with save=1 "
          "and no error, all are saved at once (a procedure is found by its code, else by "
          "field and name, and updated, never added twice)", roles=ADMIN, query=s.ImportQuery,
          responses={200: s.ProcedureImportOut, 201: s.ProcedureImportOut,
                     422: s.ProcedureImportOut},
          upload=("text/csv", imports.XLSX))
def import_procedures(principal: Principal, query: s.ImportQuery) -> Any:
    data, mimetype = request.get_data(cache=True), request.mimetype
    # a spreadsheet of thousands of rows is a second of CPU: off the hub
    cells = in_thread(lambda: imports.table(data, mimetype, max_rows=procedure_import.MAX_ROWS))
    session = get_session()
    rows = procedure_import.check(session, principal.centre, cells)
    ok = not any(row.errors for row in rows)
    counts = {"added": sum(1 for r in rows if r.existing is None),
              "updated": sum(1 for r in rows if r.existing is not None)}
    if query.save == "0" or not ok:
        answer = {"ok": ok, "saved": False, **counts,
                  "rows": procedure_import.as_json(rows, translate)}
        return jsonify(answer), (200 if ok or query.save == "0" else 422)
    procedure_import.save(session, principal.centre, rows)
    answer = {"ok": True, "saved": True, **counts, "rows": procedure_import.as_json(rows, translate)}
    _commit(session, principal.centre)
    return jsonify(answer), 201
