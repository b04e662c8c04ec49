"""The yardstick: bare Flask-SocketIO (gevent) endpoints: one row written and one emit; an emit.

`POST /row` writes one row and, after the commit, emits one event to every client (as hall's
issue schedules one `queue.changed`); `POST /emit` sends its JSON body as `ticket.called` to
every client (the displays of the call -> display yardstick).

    python -m bench.baseline_app PORT DATABASE_URL
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from flask import Flask  # noqa: E402
from flask import jsonify  # noqa: E402
from flask import request  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402
from sqlalchemy import Column  # noqa: E402
from sqlalchemy import Integer  # noqa: E402
from sqlalchemy import MetaData  # noqa: E402
from sqlalchemy import String  # noqa: E402
from sqlalchemy import Table  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from hall.server import serve  # noqa: E402
from hall.store.db import make_engine  # noqa: E402  (same SQLite/PostgreSQL tuning as hall)
from hall.store.db import writer  # noqa: E402

metadata = MetaData()
rows = Table("bench_rows", metadata, Column("id", Integer, primary_key=True),
             Column("value", String(50)))


def main() -> None:
    port, url = int(sys.argv[1]), sys.argv[2]
    engine = make_engine(url)
    writes = writer(engine)  # a write transaction from its BEGIN, as hall's issue path
    metadata.drop_all(engine)
    metadata.create_all(engine)
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # encoded as hall encodes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    socketio = SocketIO(app, async_mode="gevent", json=app.json)

    @app.post("/row")
    def write_row():  # type: ignore[no-untyped-def]
        with writes.begin() as connection:
            new_id = connection.execute(insert(rows).values(value="x")).inserted_primary_key[0]
        socketio.emit("row", {"id": new_id})
        return jsonify({"id": new_id}), 201

    @app.post("/emit")
    def emit_called():  # type: ignore[no-untyped-def]
        socketio.emit("ticket.called", request.get_json())
        return "", 204

    @app.get("/ping")
    def ping():  # type: ignore[no-untyped-def]
        return "ok"

    serve(app, "127.0.0.1", port, socketio)  # the same server settings as `hall run`


if __name__ == "__main__":
    main()
