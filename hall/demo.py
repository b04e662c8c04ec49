"""A demo centre: Vietnamese fields and common procedures, four counters, officers and devices."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import admin
from hall.engine import auth
from hall.engine import procedures
from hall.models import Device
from hall.models import Field
from hall.store.schema import ensure_default_centre

PASSWORD = "hall-demo-2026"

FIELDS = [
    ("HT", "Hộ tịch", "Civil status", "A"),
    ("CT", "Chứng thực", "Certification", "B"),
    ("DD", "Đất đai", "Land", "C"),
    ("XD", "Xây dựng", "Construction", "D"),
    ("KD", "Đăng ký kinh doanh hộ", "Household business", "E"),
    ("HN", "Xác nhận tình trạng hôn nhân", "Marital status", "F"),
    ("NCC", "Người có công", "People with merit", "G"),
    ("BTXH", "Bảo trợ xã hội", "Social protection", "H"),
    ("LD", "Lao động – việc làm", "Labour and employment", "K"),
    ("YT", "Y tế", "Health", "L"),
    ("GD", "Giáo dục", "Education", "M"),
    ("MT", "Môi trường", "Environment", "N"),
    ("NN", "Nông nghiệp", "Agriculture", "P"),
    ("CTR", "Cư trú", "Residence", "Q"),
]
COUNTERS = [
    (1, "Quầy 1 – Hộ tịch", ["HT", "HN", "CT"]),
    (2, "Quầy 2 – Chứng thực", ["CT", "HT"]),
    (3, "Quầy 3 – Đất đai, xây dựng", ["DD", "XD", "MT", "NN"]),
    (4, "Quầy 4 – Kinh doanh, xã hội", ["KD", "NCC", "BTXH", "LD", "YT", "GD", "HN", "CTR"]),
]
PORTAL = "https://dichvucong.gov.vn"
# Common procedures with their national names and the papers usually asked for; codes are
# left out (each province's list gives them), fees as commonly charged.
PROCEDURES: list[dict[str, Any]] = [
    {"field": "HT", "name": "Đăng ký khai sinh", "level": "commune",
     "time_limit": "Ngay trong ngày làm việc", "fee_vnd": 0,
     "fee_note": "Miễn lệ phí khi đăng ký đúng hạn",
     "papers": [("Tờ khai đăng ký khai sinh (theo mẫu)", True, 1),
                ("Giấy chứng sinh (hoặc văn bản của người làm chứng)", True, 1),
                ("Giấy tờ tùy thân của người đi đăng ký (xuất trình)", True, 1)],
     "online": "full"},
    {"field": "HT", "name": "Đăng ký kết hôn", "level": "commune",
     "time_limit": "Ngay trong ngày làm việc", "fee_vnd": 0,
     "fee_note": "Miễn lệ phí khi cả hai bên là công dân Việt Nam cư trú trong nước",
     "papers": [("Tờ khai đăng ký kết hôn (theo mẫu)", True, 1),
                ("Giấy xác nhận tình trạng hôn nhân (khi không đăng ký ở nơi thường trú)", True, 1),
                ("Giấy tờ tùy thân của hai bên (xuất trình)", True, 2)],
     "online": "partial"},
    {"field": "HT", "name": "Đăng ký khai tử", "level": "commune",
     "time_limit": "Ngay trong ngày làm việc", "fee_vnd": 0,
     "fee_note": "Miễn lệ phí khi đăng ký đúng hạn",
     "papers": [("Tờ khai đăng ký khai tử (theo mẫu)", True, 1),
                ("Giấy báo tử hoặc giấy tờ thay giấy báo tử", True, 1)],
     "online": "full"},
    {"field": "HN", "name": "Cấp Giấy xác nhận tình trạng hôn nhân", "level": "commune",
     "time_limit": "03 ngày làm việc", "fee_vnd": None,
     "fee_note": "Theo mức của Hội đồng nhân dân tỉnh",
     "papers": [("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", True, 1)],
     "online": "full"},
    {"field": "CT", "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có "
     "thẩm quyền của Việt Nam cấp hoặc chứng nhận", "level": "commune",
     "time_limit": "Trong ngày làm việc", "fee_vnd": 2000,
     "fee_note": "đồng/trang; từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng/bản",
     "papers": [("Bản chính giấy tờ, văn bản cần chứng thực", True, 1),
                ("Bản sao cần chứng thực", False, 1)],
     "online": "none"},
    {"field": "CTR", "name": "Đăng ký thường trú", "level": "commune",
     "time_limit": "07 ngày làm việc", "fee_vnd": None,
     "fee_note": "Theo mức của Hội đồng nhân dân tỉnh; nộp trực tuyến được giảm",
     "papers": [("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", True, 1),
                ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", False, 1)],
     "online": "full"},
    {"field": "CTR", "name": "Đăng ký tạm trú", "level": "commune",
     "time_limit": "03 ngày làm việc", "fee_vnd": None,
     "fee_note": "Theo mức của Hội đồng nhân dân tỉnh; nộp trực tuyến được giảm",
     "papers": [("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", True, 1),
                ("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", False, 1)],
     "online": "full"},
    {"field": "CT", "name": "Chứng thực chữ ký trong các giấy tờ, văn bản", "level": "commune",
     "time_limit": "Trong ngày làm việc", "fee_vnd": 10000, "fee_note": "đồng/trường hợp",
     "papers": [("Giấy tờ, văn bản cần chứng thực chữ ký", True, 1),
                ("Giấy tờ tùy thân của người yêu cầu (xuất trình)", True, 1)],
     "online": "none"},
]

USERS = [
    ("admin", "admin", "Quản trị hệ thống"),
    ("quanly", "manager", "Nguyễn Thị Quản Lý"),
    ("canbo1", "officer", "Trần Văn An"),
    ("canbo2", "officer", "Lê Thị Bình"),
    ("canbo3", "officer", "Phạm Văn Cường"),
    ("canbo4", "officer", "Hoàng Thị Dung"),
]


def _load(session: Session, instance_path: str, now: datetime) -> dict[str, str]:
    centre = ensure_default_centre(session, "Asia/Ho_Chi_Minh")
    centre.name = "Trung tâm Phục vụ hành chính công phường Bến Thành (demo)"
    centre.ticket_footer = "Xin cảm ơn quý công dân!"
    # The request to rate is not in the hall's ticker: the screen above each counter that has
    # a rating tablet asks for it, while it serves someone.
    centre.display_settings = {"ticker": "Trung tâm làm việc từ 7 giờ 30 đến 17 giờ, thứ Hai đến "
                               "thứ Sáu. Quý công dân vui lòng giữ vé và chờ đến lượt."}
    for position, (code, name, name_en, prefix) in enumerate(FIELDS):
        admin.add_field(session, centre, code, name, name_en=name_en, prefix=prefix,
                        position=position)
    for number, name, codes in COUNTERS:
        admin.add_counter(session, centre, number, name, codes)
    for position, item in enumerate(PROCEDURES):
        added = procedures.add(session, centre, procedures.Values(
            field_code=item["field"], name=item["name"], level=item["level"],
            time_limit=item["time_limit"], fee_vnd=item["fee_vnd"], fee_note=item["fee_note"],
            papers=[{"name": n, "original": o, "copies": c} for n, o, c in item["papers"]],
            online=item["online"], portal_url=PORTAL if item["online"] != "none" else None))
        added.position = position
    tokens: dict[str, str] = {}
    for username, role, full_name in USERS:
        user = admin.add_user(session, centre, username, role, PASSWORD, now, full_name)
        tokens[f"user:{username}"] = auth.issue_user_token(session, user, now)
    devices: list[tuple[str, str, int | None]] = [
        ("kiosk", "Kiosk sảnh chính", None), ("display", "Màn hình sảnh", None)]
    devices += [("tablet", f"Máy đánh giá quầy {n}", n) for n, _, _ in COUNTERS]
    devices += [("door", f"Màn hình cửa quầy {n}", n) for n, _, _ in COUNTERS]
    for kind, name, counter in devices:
        device, token = admin.add_device(session, centre, "display" if kind == "door" else kind, name,
                                         now, counter, "none" if kind == "kiosk" else None)
        tokens[f"{kind}:{counter or ''}"] = token
    return tokens


def load_demo(session: Session, instance_path: str, now: datetime,
              base: str = "http://127.0.0.1:5000") -> list[str]:
    """Create the demo once; the tokens are kept in the instance folder for reprinting."""
    path = os.path.join(instance_path, "demo-tokens.json")
    demo_loaded = session.scalar(select(Field.id).where(Field.code == "HT")) is not None
    if demo_loaded and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            tokens = json.load(handle)
    elif demo_loaded:
        return ["The database already has fields; the demo was not loaded again."]
    else:
        tokens = _load(session, instance_path, now)
        session.flush()
        os.makedirs(instance_path, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(tokens, handle, indent=1)
        os.chmod(path, 0o600)
    return _instructions(session, tokens, base)


def _instructions(session: Session, tokens: dict[str, str], base: str) -> list[str]:
    lines = ["hall demo centre loaded.", "",
             "Screens (open once with ?token= to pair; a cookie keeps them paired):"]
    lines.append(f"  kiosk:    {base}/kiosk?token={tokens['kiosk:']}")
    lines.append(f"  display:  {base}/display?token={tokens['display:']}")
    for number, _, _ in COUNTERS:
        if f"door:{number}" in tokens:
            lines.append(f"  door {number}:   {base}/display/door?token={tokens[f'door:{number}']}")
    for number, _, _ in COUNTERS:
        lines.append(f"  tablet {number}: {base}/tablet?token={tokens[f'tablet:{number}']}")
    lines.append(f"  officer console: {base}/counter  (canbo1…canbo4, password {PASSWORD})")
    lines.append(f"  administration: {base}/admin  (admin changes, quanly reads; password {PASSWORD})")
    lines.append(f"  reports, dashboard: {base}/admin/reports, {base}/admin/dashboard  (quanly, admin)")
    lines += ["", "API (Authorization: Bearer TOKEN), OpenAPI at /api/v1/openapi.json:"]
    for username, role, _ in USERS:
        lines.append(f"  {username:7} ({role}): {tokens[f'user:{username}']}")
    kiosks = session.scalars(select(Device).where(Device.kind == "kiosk")).all()
    lines.append(f"  example: curl -H 'Authorization: Bearer {tokens['kiosk:']}' "
                 f"-H 'Content-Type: application/json' -d '{{\"field\": \"HT\"}}' "
                 f"{base}/api/v1/tickets   ({len(kiosks)} kiosk)")
    return lines
