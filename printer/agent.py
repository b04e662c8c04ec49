"""Print agent for a printer attached to the kiosk PC.

    HALL_KIOSK_TOKEN=d_… python -m printer.agent --server http://10.0.0.2:5000 --printer usb://04b8:0202

The kiosk's token comes from HALL_KIOSK_TOKEN (or --token, which other users of the PC can
read in the process list).

It connects to hall over Socket.IO as the kiosk's agent, receives the kiosk's print jobs,
prints them and acknowledges each. Jobs it already printed (remembered in --state) are
acknowledged again without printing, so a job re-sent after a lost acknowledgement never
prints twice. It reconnects by itself; the server re-sends unprinted jobs on every connect.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import socketio

from printer import transport
from printer.ticket import ProcedureTicket
from printer.ticket import TicketDescription
from printer.ticket import render

logger = logging.getLogger("printer.agent")


class Agent:
    def __init__(self, server: str, token: str, printer: str, width: int, state: Path) -> None:
        self.server, self.token, self.printer, self.width, self.state = (
            server, token, printer, width, state)  # fmt: skip
        self.printed: set[int] = set(json.loads(state.read_text())) if state.exists() else set()
        self.lock = threading.Lock()  # one job at a time on one printer
        self.client = socketio.Client(reconnection=True, reconnection_delay=1,
                                      reconnection_delay_max=15)
        self.client.on("print.job", self.on_job)

    def on_job(self, data: dict[str, Any]) -> None:
        job = int(data["job"])
        with self.lock:
            if job not in self.printed:
                try:
                    logo = base64.b64decode(data["logo_png"]) if data.get("logo_png") else None
                    ticket = describe(data["ticket"], self.width, logo, data.get("procedure"))
                    state = transport.send(render(ticket), self.printer)
                except (transport.PrintFailed, ValueError, TypeError) as exc:
                    logger.warning("job %s failed: %s", job, exc)
                    self.client.emit("print.ack", {"job": job, "ok": False, "error": str(exc),
                                                   "printer_state": getattr(exc, "state", "unknown")})
                    return
                self.printed.add(job)
                self._save()
                self.client.emit("print.ack", {"job": job, "ok": True, "printer_state": state})
                return
        # Printed before (the server did not hear the acknowledgement): acknowledge again.
        self.client.emit("print.ack", {"job": job, "ok": True, "printer_state": "unknown"})

    def _save(self) -> None:
        keep = sorted(self.printed)[-5000:]
        temporary = self.state.with_suffix(".tmp")
        temporary.write_text(json.dumps(keep))
        os.replace(temporary, self.state)

    def run(self) -> None:
        self.client.connect(self.server, auth={"token": self.token, "agent": True},
                            transports=["websocket"], wait_timeout=10, retry=True)
        self.client.wait()


def describe(given: dict[str, Any], width: int, logo: bytes | None,
             procedure: dict[str, Any] | None = None) -> TicketDescription:
    """The ticket of a `print.job`, at this printer's width; with the job's `procedure` (the
    centre prints them), its name and checklist of papers too."""
    if procedure:
        return ProcedureTicket(**{**given, "width": width, "logo_png": logo},
                               procedure=str(procedure.get("name") or ""),
                               papers=tuple(str(line) for line in procedure.get("papers") or ()))
    return TicketDescription(**{**given, "width": width, "logo_png": logo})


def main() -> None:
    parser = argparse.ArgumentParser(description="hall print agent for a kiosk PC")
    parser.add_argument("--server", required=True, help="hall's address, e.g. http://10.0.0.2:5000")
    parser.add_argument("--token", default=os.environ.get("HALL_KIOSK_TOKEN"),
                        help="the kiosk's device token (default: $HALL_KIOSK_TOKEN)")
    parser.add_argument("--printer", required=True, help="network://…, usb://VID:PID, serial://…")
    parser.add_argument("--width", type=int, default=576, help="576 (80 mm) or 384 (58 mm)")
    parser.add_argument("--state", type=Path, default=Path.home() / ".hall-agent-printed.json")
    args = parser.parse_args()
    if not args.token:
        parser.error("the kiosk's token: set HALL_KIOSK_TOKEN (or give --token)")
    logging.basicConfig(level=logging.INFO)
    transport.parse(args.printer)
    Agent(args.server, args.token, args.printer, args.width, args.state).run()


if __name__ == "__main__":
    main()
