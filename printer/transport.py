"""Send a rendered ticket to a printer address with python-escpos; ask a printer its state."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from PIL import Image


class PrintFailed(RuntimeError):
    """The printer could not be reached or stopped mid-job; the job should be retried."""


@dataclass(frozen=True)
class Address:
    """A parsed printer address: network, usb, serial, file, agent or none."""

    kind: str
    target: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0


def parse(address: str) -> Address:
    """Parse API.md's printer strings; ValueError on anything else."""
    if address in ("none", "agent"):
        return Address(address)
    parts = urlsplit(address)
    if parts.scheme == "network" and parts.hostname:
        return Address("network", parts.hostname, parts.port or 9100)
    if parts.scheme == "usb" and parts.netloc:
        vendor, _, product = parts.netloc.partition(":")
        return Address("usb", vendor=int(vendor, 16), product=int(product, 16))
    if parts.scheme in ("serial", "file") and parts.path:
        return Address(parts.scheme, parts.path)
    raise ValueError(f"not a printer address: {address!r}")


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


def send(image: Image.Image, address: str, timeout: float = 10) -> None:
    """Print the image as an ESC/POS raster, then cut. PrintFailed on any transport fault."""
    try:
        printer = connect(parse(address), timeout)
    except ValueError:
        raise
    except Exception as exc:  # python-escpos raises several kinds, and OSError
        raise PrintFailed(f"cannot reach {address}: {exc}") from exc
    try:
        printer.image(image, impl="bitImageRaster", center=False)
        printer.cut()
    except Exception as exc:
        raise PrintFailed(f"{address} stopped mid-job: {exc}") from exc
    finally:
        try:
            printer.close()
        except Exception:  # closing a broken connection may fail too
            pass


def status(address: str, timeout: float = 3) -> str:
    """'online', 'paper_low', 'out_of_paper', 'offline' or 'unknown' (no status reply)."""
    try:
        printer = connect(parse(address), timeout)
    except ValueError:
        return "unknown"
    except Exception:
        return "offline"
    try:
        paper = printer.paper_status()
    except Exception:
        return "unknown"
    finally:
        try:
            printer.close()
        except Exception:
            pass
    return {2: "online", 1: "paper_low", 0: "out_of_paper"}.get(paper, "unknown")
