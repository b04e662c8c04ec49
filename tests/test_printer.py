"""The printed ticket: the rendered image, and the real python-escpos byte stream."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import ImageChops

from printer import transport
from printer.ticket import WIDTH_58MM
from printer.ticket import TicketDescription
from printer.ticket import font
from printer.ticket import render
from tests.fake_printer import FakePrinter
from tests.fake_printer import raster_images

VIETNAMESE = "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


def ticket(**changes: object) -> TicketDescription:
    fields: dict[str, object] = dict(
        centre="Trung tâm Phục vụ hành chính công phường Bến Thành",
        field="Xác nhận tình trạng hôn nhân", number="F023", issued_at="09:05 02/03/2026",
        waiting_ahead=4, estimated_wait_min=9, priority_label="Người cao tuổi",
        track_url="http://192.168.1.10:5000/t/4PCxkyuZzK_RVfLE7dMywtz-",
        footer="Xin cảm ơn quý công dân!")
    fields.update(changes)
    return TicketDescription(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [576, WIDTH_58MM])
def test_rendered_ticket_is_one_bit_at_printer_width(width: int) -> None:
    image = render(ticket(width=width))
    assert image.mode == "1" and image.width == width and 500 < image.height < 1400
    if width == 576 and os.environ.get("HALL_SCREENSHOTS"):  # the README's picture
        image.save(Path(__file__).resolve().parent.parent / "docs" / "ticket.png")


def test_qr_code_decodes_to_the_tracking_url() -> None:
    for width in (576, WIDTH_58MM):
        found = zxingcpp.read_barcodes(render(ticket(width=width)).convert("L"))
        assert [code.text for code in found] == [ticket().track_url]


@pytest.mark.parametrize("bold", [False, True])
def test_every_vietnamese_letter_has_a_real_glyph(bold: bool) -> None:
    face = font(bold, 40)
    notdef = bytes(face.getmask("\U000f0000"))  # a point no font covers: the .notdef box
    for letter in VIETNAMESE + VIETNAMESE.upper():
        mask = face.getmask(letter)
        assert mask.getbbox() is not None and bytes(mask) != notdef, letter


def test_each_element_changes_the_image() -> None:
    base = render(ticket())
    for change in ({"number": "F024"}, {"priority_label": None}, {"waiting_ahead": 5},
                   {"footer": "Khác"}, {"field": "Hộ tịch"}, {"track_url": "http://x/t/y"}):
        other = render(ticket(**change))
        assert other.size != base.size or ImageChops.difference(
            base.convert("L"), other.convert("L")).getbbox() is not None, change


def test_network_printer_receives_the_raster_and_a_cut() -> None:
    image = render(ticket())
    with FakePrinter() as printer:
        transport.send(image, printer.address, timeout=5)
        [job] = printer.wait_for_jobs(1)
    [printed] = raster_images(job)
    assert printed.size == image.size
    assert ImageChops.difference(printed.convert("L"), image.convert("L")).getbbox() is None
    # GS V 0 (full cut), then the paper query that confirms the job: nothing after it.
    assert job.endswith(b"\x1dV\x00" + transport.PAPER_QUERY)


@pytest.mark.parametrize("mode", ["hang", "drop"])
def test_printer_that_hangs_or_drops_mid_job_fails_the_job(mode: str) -> None:
    with FakePrinter(mode=mode) as printer:
        started = time.monotonic()
        with pytest.raises(transport.PrintFailed) as failure:
            transport.send(render(ticket()), printer.address, timeout=1)
        assert time.monotonic() - started < 4  # the timeout holds, nothing waits forever
        assert failure.value.state == "offline"
        assert printer.aborted and not printer.jobs


def test_out_of_paper_answer_fails_the_job_with_that_state() -> None:
    with FakePrinter(paper_byte=114) as printer:
        with pytest.raises(transport.PrintFailed) as failure:
            transport.send(render(ticket()), printer.address, timeout=2)
    assert failure.value.state == "out_of_paper"


def test_without_confirmation_a_hung_printer_goes_unnoticed() -> None:
    """The trade-off ?confirm=no makes, for printers that never answer status queries."""
    with FakePrinter(mode="hang") as printer:
        assert transport.send(render(ticket()), printer.address + "?confirm=no", timeout=1) == "unknown"
        with FakePrinter(port=0) as normal:
            assert transport.send(render(ticket()), normal.address + "?confirm=no", timeout=1) == "unknown"
            [job] = normal.wait_for_jobs(1)
        assert job.endswith(b"\x1dV\x00")


def test_unreachable_printer_fails_cleanly() -> None:
    with FakePrinter() as printer:
        address = printer.address
    with pytest.raises(transport.PrintFailed):
        transport.send(render(ticket()), address, timeout=2)
    assert transport.status(address) == "offline"


@pytest.mark.parametrize(("paper_byte", "state"), [(18, "online"), (30, "paper_low"),
                                                   (114, "out_of_paper")])
def test_printer_state_from_its_paper_sensor(paper_byte: int, state: str) -> None:
    with FakePrinter(paper_byte) as printer:
        assert transport.status(printer.address) == state


@pytest.mark.parametrize(("address", "kind"), [
    ("network://10.0.0.5:9100", "network"), ("network://printer.local", "network"),
    ("usb://04b8:0202", "usb"), ("serial:///dev/ttyUSB0", "serial"),
    ("file:///dev/usb/lp0", "file"), ("agent", "agent"), ("none", "none")])
def test_addresses(address: str, kind: str) -> None:
    assert transport.parse(address).kind == kind


@pytest.mark.parametrize("address", ["lpt1", "usb://zz:01", "network://h:9100?confirm=maybe",
                                     "network://h?speed=9", "file:///dev/lp0?confirm=yes", "network://"])
def test_bad_address(address: str) -> None:
    with pytest.raises(ValueError):
        transport.parse(address)


def test_confirmation_by_kind() -> None:
    assert transport.parse("network://h:9100").confirm
    assert transport.parse("usb://04b8:0202").confirm
    assert not transport.parse("network://h:9100?confirm=no").confirm
    assert not transport.parse("file:///dev/usb/lp0").confirm
