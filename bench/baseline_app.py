"""The yardstick: a bare Flask-SocketIO (gevent) endpoint that writes one row.

    python -m bench.baseline_app PORT DATABASE_URL
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask import jsonify  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402
from sqlalchemy import Column  # noqa: E402
from sqlalchemy import Integer  # noqa: E402
from sqlalchemy import MetaData  # noqa: E402
from sqlalchemy import String  # noqa: E402
from sqlalchemy import Table  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from hall.db import make_engine  # noqa: E402  (same SQLite/PostgreSQL tuning as hall)
from hall.server import serve  # noqa: E402

metadata = MetaData()
rows = Table("bench_rows", metadata, Column("id", Integer, primary_key=True),
             Column("value", String(50)))


def main() -> None:
    port, url = int(sys.argv[1]), sys.argv[2]
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent")

    @app.post("/row")
    def write_row():  # type: ignore[no-untyped-def]
        with engine.begin() as connection:
            new_id = connection.execute(insert(rows).values(value="x")).inserted_primary_key[0]
        return jsonify({"id": new_id}), 201

    @app.get("/ping")
    def ping():  # type: ignore[no-untyped-def]
        return "ok"

    serve(app, "127.0.0.1", port, socketio)  # the same server settings as `hall run`


if __name__ == "__main__":
    main()
