"""The audit log for admins and managers: filtered, as JSON or as a CSV file."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from flask import jsonify

from hall.api import schemas as s
from hall.api.common import spreadsheet_text
from hall.api.spec import endpoint
from hall.engine import audit
from hall.engine.auth import Principal
from hall.engine.clock import local_iso
from hall.web.database import get_session

COLUMNS = ("at", "username", "device", "address", "action", "target", "detail")
HEADINGS = ("Thời điểm", "Người dùng", "Thiết bị", "Địa chỉ", "Việc làm", "Đối tượng", "Chi tiết")


@endpoint("/audit", "GET", summary="Who did what, when and from where (newest first, at most "
          "1000 entries); format=csv for a file", query=s.AuditQuery,
          roles=frozenset({"manager", "admin"}), responses={200: [s.AuditOut]},
          files=("text/csv",))
def get_audit(principal: Principal, query: s.AuditQuery) -> Any:
    centre = principal.centre
    zone = ZoneInfo(centre.timezone)
    since = datetime.combine(query.from_, time(), zone)
    until = datetime.combine(query.to + timedelta(days=1), time(), zone)
    entries = get_session().scalars(audit.query(centre.id, since, until, query.user,
                                                query.action)).all()
    rows = [{"at": local_iso(e.at, centre.timezone), "username": e.username,
             "device": e.device_id, "address": e.address, "action": e.action,
             "target": e.target, "detail": e.detail} for e in entries]
    if query.format == "json":
        return jsonify(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow([spreadsheet_text(json.dumps(row[c], ensure_ascii=False) if c == "detail"
                                          else ("" if row[c] is None else str(row[c])))
                         for c in COLUMNS])
    name = f"nhat-ky-{query.from_.isoformat()}-{query.to.isoformat()}.csv"
    # UTF-8 with its byte order mark: Excel then reads Vietnamese correctly.
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
