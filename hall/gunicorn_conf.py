"""gunicorn for one hall process: one gevent worker (Flask-SocketIO keeps sockets in-process).

    gunicorn -c python:hall.gunicorn_conf 'hall:create_app()'

Part of the installed package, so it runs from wherever hall is installed (no checkout).

Run several such processes (ports 8001, 8002, …) behind nginx with HALL_REDIS_URL set
so that they share Socket.IO events; see deploy/nginx.conf.
"""

import os

bind = os.environ.get("HALL_BIND", "127.0.0.1:8001")
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("HALL_WORKER_CONNECTIONS", "10000"))
# The app sizes its Socket.IO limit from this pool (hall.web.socket_gate); tell it the size.
os.environ.setdefault("HALL_WORKER_CONNECTIONS", str(worker_connections))
timeout = 60
graceful_timeout = 20
# gunicorn >= 25 writes a control socket under ~/.gunicorn unless told otherwise.
control_socket_disable = True
accesslog = "-"
# Tokens in addresses (?token=, /t/<token>, a Referer) are masked in every log line.
logger_class = "hall.accesslog.MaskedLogger"


def post_worker_init(worker: object) -> None:
    """The worker has loaded the app: garbage collection tuned for many sockets."""
    from hall.server import tune_gc

    tune_gc()


def child_exit(server: object, worker: object) -> None:
    """A worker that ended no longer counts its open sockets in the shared metrics folder
    (PROMETHEUS_MULTIPROC_DIR, when several processes of one machine share their figures)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined, no-untyped-call]
