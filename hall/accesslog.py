"""gunicorn's access log without tokens (hall/gunicorn_conf.py uses it).

Tokens travel in addresses: a device page's pairing link (`?token=`), a citizen's tracking
page (`/t/<token>`) and the Referer a page sends. Every atom of a log line that can carry an
address is masked before it is written, whatever log format the operator picks."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

_TRACKING = re.compile(r"(/t/)[A-Za-z0-9_-]+")
_QUERY_TOKEN = re.compile(r"((?:^|[?&])(?:token|csrf)=)[^&\s\"]*", re.IGNORECASE)
_CARRIES_ADDRESS = ("r", "U", "q", "f", "{referer}i")


def mask(text: str) -> str:
    """`text` with tracking tokens and `token=` / `csrf=` values replaced by `…`."""
    return _QUERY_TOKEN.sub(r"\1…", _TRACKING.sub(r"\1…", text))


class MaskedLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with addresses masked in every access-log atom that holds one."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in _CARRIES_ADDRESS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms
