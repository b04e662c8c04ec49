"""Run `hall run` for a test, exiting by itself when the test process goes away."""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        gevent.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    gevent.spawn(_exit_with_parent, os.getppid())
    from hall.cli import main

    sys.argv = ["hall", "run", *sys.argv[1:]]
    main()
