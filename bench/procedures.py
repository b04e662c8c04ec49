"""Procedure lookup as a citizen types at the kiosk: a centre with --procedures procedures
(a province's list is about two thousand), served by `hall run` as the kiosk PC reaches it,
and one request to `GET /api/v1/procedures?q=…` per keystroke of a few searches, each word
typed letter by letter without diacritics ("d", "da", "dan", "dang", "dang k", …). Prints
the time per keystroke (p50, p99, max) and how many procedures the answers carried.

    python -m bench.procedures [--procedures 2000] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time

import requests

from bench.clients import percentile
from bench.run import ROOT
from bench.run import database
from bench.run import free_port
from bench.run import prepare_hall
from bench.run import process

SEARCHES = ["dang ky khai sinh", "chung thuc ban sao", "cap giay xac nhan", "thuong tru",
            "ho tich 1999", "giay phep xay dung"]
WORDS = ["Đăng ký", "Cấp", "Chứng thực", "Gia hạn", "Thay đổi", "Xác nhận", "Cấp lại", "Điều chỉnh"]
THINGS = ["khai sinh", "kết hôn", "khai tử", "giấy phép xây dựng", "bản sao từ bản chính",
          "chữ ký", "thường trú", "tạm trú", "hộ kinh doanh", "quyền sử dụng đất",
          "giấy xác nhận tình trạng hôn nhân", "nuôi con nuôi", "giám hộ", "hộ tịch"]


def province_list(count: int) -> bytes:
    """A CSV like a province's published list: names built from common words, papers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Lĩnh vực", "Mã thủ tục", "Tên thủ tục", "Thời hạn giải quyết", "Lệ phí",
                     "Thành phần hồ sơ", "Trực tuyến"])
    for n in range(count):
        name = f"{WORDS[n % len(WORDS)]} {THINGS[n // len(WORDS) % len(THINGS)]} ({n})"
        writer.writerow([("HT", "CT", "DD")[n % 3], f"9.{n:06d}", name, "03 ngày làm việc",
                         "10.000", "Tờ khai | bản chính | 1\nGiấy tờ tùy thân | bản sao | 1",
                         ("không", "một phần", "toàn trình")[n % 3]])
    return out.getvalue().encode()


def keystrokes(search: str) -> list[str]:
    return [search[:end] for end in range(1, len(search) + 1) if not search[:end].endswith(" ")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    with database(args.database) as url:
        tokens = prepare_hall(url)
        port = free_port()
        env = {"HALL_DATABASE_URL": url, "HALL_SECRET_KEY": "bench",
               "HALL_INSTANCE_PATH": tempfile.mkdtemp(prefix="hall-bench-instance-")}
        command = [sys.executable, "-m", "hall.cli", "run", "--port", str(port)]
        with process(command, port, env, "/healthz") as (base, _):
            http = requests.Session()
            began = time.perf_counter()
            imported = http.post(f"{base}/api/v1/procedures/import?save=1",
                                 data=province_list(args.procedures),
                                 headers={"Authorization": f"Bearer {tokens['admin']}",
                                          "Content-Type": "text/csv"}, timeout=120)
            if imported.status_code != 201:
                sys.exit(f"import failed: {imported.status_code} {imported.text[:300]}")
            print(f"[procedures] import of {args.procedures} rows (CSV, checked and saved): "
                  f"{time.perf_counter() - began:.2f} s", flush=True)
            kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
            times, found = [], []
            for _ in range(3):  # three citizens type the same searches
                for search in SEARCHES:
                    for typed in keystrokes(search):
                        began = time.perf_counter()
                        answer = http.get(f"{base}/api/v1/procedures",
                                          params={"q": typed, "limit": 30}, headers=kiosk, timeout=10)
                        times.append((time.perf_counter() - began) * 1000)
                        answer.raise_for_status()
                        found.append(len(answer.json()))
            print(f"[procedures] {args.procedures} procedures on {args.database}: "
                  f"{len(times)} keystrokes, per keystroke p50 {statistics.median(times):.1f} ms, "
                  f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms "
                  f"(HTTP to `hall run` on 127.0.0.1; answers of up to 30, "
                  f"{statistics.mean(found):.1f} on average)", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
