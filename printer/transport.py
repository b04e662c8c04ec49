"""Send a rendered ticket to a printer address with python-escpos; ask a printer its state."""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from PIL import Image

from hall.messages import Msg


class PrintFailed(RuntimeError):
    """The printer could not be reached, stopped mid-job or has no paper; retry the job.

    `state` is what the printer's state is known to be: offline, or out_of_paper when it said so.
    """

    def __init__(self, message: str, state: str = "offline") -> None:
        super().__init__(message)
        self.state = state


# DLE EOT 4: the real-time paper-sensor query. A printer answers it as soon as it has read
# everything sent before it, so its answer confirms the job reached a live printer.
PAPER_QUERY = b"\x10\x04\x04"
PAPER_STATES = ((0x60, "out_of_paper"), (0x0C, "paper_low"))


@dataclass(frozen=True)
class Address:
    """A parsed printer address: network, usb, serial, file, agent or none."""

    kind: str
    target: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0
    confirm: bool = False  # ask the printer after each job whether it got it


def parse(address: str) -> Address:
    """Parse docs/api.md's printer strings; ValueError on anything else.

    Network, USB and serial printers confirm each job with a paper-status round trip unless the
    address ends in `?confirm=no` (for the rare printer that never answers status queries).
    """
    if address in ("none", "agent"):
        return Address(address)
    parts = urlsplit(address)
    options = parse_qs(parts.query, keep_blank_values=True)
    if set(options) - {"confirm"} or options.get("confirm", ["yes"])[-1] not in ("yes", "no"):
        raise ValueError(Msg("tùy chọn máy in không có trong %(address)s; chỉ có confirm=yes|no",
                             address=repr(address)))
    confirm = options.get("confirm", ["yes"])[-1] == "yes"
    if parts.scheme == "network" and parts.hostname:
        return Address("network", parts.hostname, parts.port or 9100, confirm=confirm)
    if parts.scheme == "usb" and parts.netloc:
        vendor, _, product = parts.netloc.partition(":")
        try:
            return Address("usb", vendor=int(vendor, 16), product=int(product, 16), confirm=confirm)
        except ValueError:
            pass
    if parts.scheme == "serial" and parts.path:
        return Address("serial", parts.path, confirm=confirm)
    if parts.scheme == "file" and parts.path and not options:
        return Address("file", parts.path)
    raise ValueError(Msg("không phải địa chỉ máy in: %(address)s", address=repr(address)))


_DEVICE_FILE = re.compile(r"/dev/(usb/)?lp[0-9]{1,3}")
_SERIAL_PORT = re.compile(r"/dev/tty(S|USB|ACM)[0-9]{1,3}")


PRINTER_PORTS = range(9100, 9110)  # raw printing (JetDirect); other ports are other services


def permitted(address: str, listed: Iterable[str] = ()) -> bool:
    """May a printer be given this address through the API? The operator's list
    (HALL_PRINTERS) allows what is on it (a network entry without a port allows every port
    of that host); otherwise only what a ticket printer can be: a printer device file
    (/dev/usb/lpN, /dev/lpN), a serial port (/dev/ttyS|USB|ACM N), a USB id, the kiosk's
    print agent, or a network printer at a private, loopback or link-local IP address on a
    raw printing port (9100–9109). Never an arbitrary file, a host on the internet, or
    another service of the server or the LAN (a test print sends bytes to the address)."""
    parsed = parse(address)
    bare = address.split("?", 1)[0]
    allowed = {item.split("?", 1)[0] for item in listed}
    if bare in allowed or (parsed.kind == "network" and f"network://{parsed.target}" in allowed):
        return True
    match parsed.kind:
        case "none" | "agent" | "usb":
            return True
        case "file":
            return _DEVICE_FILE.fullmatch(parsed.target) is not None
        case "serial":
            return _SERIAL_PORT.fullmatch(parsed.target) is not None
        case "network":
            try:
                ip = ipaddress.ip_address(parsed.target)
            except ValueError:
                return False  # a name: only when the operator lists it
            local = ip.is_private or ip.is_loopback or ip.is_link_local
            return local and parsed.port in PRINTER_PORTS
    return False


def _escpos() -> Any:
    """Import python-escpos with its capabilities cache in one fixed folder (else it writes
    a new temp folder on every import, and fails if the folder is missing)."""
    folder = os.environ.setdefault(
        "ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(tempfile.gettempdir(), "hall-escpos")
    )
    os.makedirs(folder, exist_ok=True)
    import escpos.printer

    return escpos.printer


def connect(address: Address, timeout: float) -> Any:
    """An open python-escpos printer for the address."""
    printers = _escpos()
    if address.kind == "network":
        printer = printers.Network(address.target, address.port, timeout=timeout)
    elif address.kind == "usb":
        printer = printers.Usb(address.vendor, address.product, timeout=int(timeout * 1000))
    elif address.kind == "serial":
        printer = printers.Serial(address.target, timeout=timeout)
    elif address.kind == "file":
        printer = printers.File(address.target)
    else:
        raise ValueError(f"{address.kind} printers are not driven from here")
    printer.open()
    return printer


def paper_state(reply: bytes) -> str:
    """The state a DLE EOT 4 reply byte reports."""
    for mask, state in PAPER_STATES:
        if reply[0] & mask == mask:
            return state
    return "online"


def _ask_paper(printer: Any) -> bytes:
    """Send the paper query and read its one-byte answer; b"" when the printer hung up."""
    printer._raw(PAPER_QUERY)
    return bytes(printer._read())


def _close(printer: Any) -> None:
    try:
        printer.close()
    except Exception:  # closing a broken connection may fail too
        pass


def send(image: Image.Image, address: str, timeout: float = 10) -> str:
    """Print the image as an ESC/POS raster, then cut; return the printer's state.

    PrintFailed on any fault: unreachable, a write that fails or stalls, and, for printers that
    confirm, no answer within `timeout` (hung), a closed connection (dropped mid-job) or an
    out-of-paper answer. Without confirmation the state is 'unknown' once the bytes are handed over.
    """
    parsed = parse(address)
    try:
        printer = connect(parsed, timeout)
    except ValueError:
        raise
    except Exception as exc:  # python-escpos raises several kinds, and OSError
        raise PrintFailed(f"cannot reach {address}: {exc}") from exc
    try:
        printer.image(image, impl="bitImageRaster", center=False)
        printer.cut()
        if not parsed.confirm:
            return "unknown"
        reply = _ask_paper(printer)
    except Exception as exc:
        raise PrintFailed(f"{address} stopped mid-job: {exc or type(exc).__name__}") from exc
    finally:
        _close(printer)
    if not reply:
        raise PrintFailed(f"{address} closed the connection before confirming the job")
    state = paper_state(reply)
    if state == "out_of_paper":
        raise PrintFailed(f"{address} is out of paper", state)
    return state


def status(address: str, timeout: float = 3) -> str:
    """'online', 'paper_low', 'out_of_paper', 'offline' or 'unknown' (no status reply)."""
    try:
        printer = connect(parse(address), timeout)
    except ValueError:
        return "unknown"
    except Exception:
        return "offline"
    try:
        reply = _ask_paper(printer)
    except Exception:
        return "unknown"
    finally:
        _close(printer)
    return paper_state(reply) if reply else "offline"
