"""Draw a queue ticket as a 1-bit image, so Vietnamese prints on any ESC/POS printer."""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

WIDTH_80MM = 576
WIDTH_58MM = 384
# Fonts that cover every Vietnamese letter (never a Mono: DejaVu Sans Mono lacks some).
FONT_DIRS = [
    os.environ.get("HALL_FONT_DIR", ""),
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto",
]
REGULAR = ("DejaVuSans.ttf", "NotoSans-Regular.ttf")
BOLD = ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf")


@dataclass(frozen=True)
class TicketDescription:
    """Everything printed on a ticket; no personal data."""

    centre: str
    field: str
    number: str
    issued_at: str  # already formatted in the centre's time zone, e.g. "09:05 02/03/2026"
    waiting_ahead: int
    estimated_wait_min: int
    track_url: str  # absolute URL for the QR code
    priority_label: str | None = None
    header: str = ""
    footer: str = ""
    width: int = WIDTH_80MM
    logo_png: bytes | None = None  # the centre's logo (ticket_logo), printed at the top


@dataclass(frozen=True)
class ProcedureTicket(TicketDescription):
    """A ticket that also names the procedure it is for and the papers to bring (when the
    centre prints them): a kind of its own, so a ticket without them describes itself (and
    travels to print agents) exactly as before."""

    procedure: str = ""
    papers: tuple[str, ...] = ()  # checklist lines as printed, "☐ Tờ khai (bản chính)"


PROCEDURE_LINES = 3  # the procedure's name, at most, wrapped
PAPER_LINES = 6  # the checklist, at most (the server sends five and a "more" line)


LOGO_SHARE = 0.4  # of the paper's width, at most, each way
LOGO_SENT = round(WIDTH_80MM * LOGO_SHARE)  # 230: the logo as it travels to a printer's agent


class FontMissing(RuntimeError):
    """No Vietnamese-capable font was found."""


@lru_cache(maxsize=32)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    for folder in filter(None, FONT_DIRS):
        for name in BOLD if bold else REGULAR:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                return ImageFont.truetype(path, size)
    raise FontMissing("install fonts-dejavu-core or set HALL_FONT_DIR")


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    """Break text into lines no wider than `width` pixels, on spaces."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=face) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _trim(draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """The line cut to `width` pixels, ending in "…" where it was cut."""
    if draw.textlength(line, font=face) <= width:
        return line
    while line and draw.textlength(line.rstrip() + "…", font=face) > width:
        line = line[:-1]
    return line.rstrip() + "…"


class _Canvas:
    """A tall white strip we write centred lines into, then crop."""

    def __init__(self, width: int) -> None:
        self.width, self.margin, self.y = width, max(8, width // 36), 12
        self.image = Image.new("L", (width, 4000), 255)
        self.draw = ImageDraw.Draw(self.image)

    def text(self, text: str, size: int, bold: bool = False, gap: int = 6,
             inverted: bool = False, max_lines: int = 0, left_aligned: bool = False) -> None:
        face = font(bold, size)
        # Decomposed input (base letter + combining marks) would stack marks badly.
        text = unicodedata.normalize("NFC", text)
        room = self.width - 2 * self.margin
        lines = _wrap(self.draw, text, face, room)
        if max_lines:  # the rest goes on the last line, cut short where it overflows
            if len(lines) > max_lines:
                lines = [*lines[:max_lines - 1], " ".join(lines[max_lines - 1:])]
            lines = [_trim(self.draw, line, face, room) for line in lines]
        for line in lines:
            left, top, right, bottom = (round(v) for v in self.draw.textbbox((0, 0), line, font=face))
            x = self.margin - left if left_aligned else (self.width - (right - left)) // 2 - left
            if inverted:
                self.draw.rectangle((self.margin, self.y, self.width - self.margin,
                                     self.y + bottom + 12), fill=0)
                self.draw.text((x, self.y + 6), line, font=face, fill=255)
                self.y += bottom + 12 + gap
            else:
                self.draw.text((x, self.y - top), line, font=face, fill=0)
                self.y += bottom - top + gap

    def rule(self) -> None:
        self.y += 6
        self.draw.line((self.margin, self.y, self.width - self.margin, self.y), fill=0, width=2)
        self.y += 12

    def paste(self, picture: Image.Image) -> None:
        self.image.paste(picture, ((self.width - picture.width) // 2, self.y))
        self.y += picture.height + 6

    def result(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, self.y + 24)).convert("1", dither=Image.Dither.NONE)


def qr_image(url: str, size: int) -> Image.Image:
    """The tracking URL as a QR code about `size` pixels wide."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    modules = code.modules_count + 2 * code.border
    code.box_size = max(2, size // modules)
    picture: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return picture.convert("L")


@lru_cache(maxsize=8)
def ticket_logo(png: bytes, size: int = LOGO_SENT) -> bytes:
    """The centre's stored logo (a PNG) as tickets take it: flattened onto white paper, in
    grey, within size × size, a small PNG (a few kilobytes to send to a print agent)."""
    with Image.open(io.BytesIO(png)) as picture:
        grey = _on_paper(picture)
    grey.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    grey.save(out, "PNG", optimize=True)
    return out.getvalue()


def _on_paper(picture: Image.Image) -> Image.Image:
    """The picture over white (transparent parts print as paper), in grey."""
    rgba = picture.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("L")


def logo_image(png: bytes, width: int) -> Image.Image | None:
    """The logo for paper `width` dots wide: within 40 % of it each way, dithered to black
    and white; None when the bytes are no picture (the ticket prints without it)."""
    box = round(width * LOGO_SHARE)
    try:
        with Image.open(io.BytesIO(png)) as picture:
            if max(picture.size) > 4 * WIDTH_80MM:  # more than any logo sent: not one
                return None
            grey = _on_paper(picture)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    grey.thumbnail((box, box), Image.Resampling.LANCZOS)
    return grey.convert("1", dither=Image.Dither.FLOYDSTEINBERG).convert("L")


def render(ticket: TicketDescription) -> Image.Image:
    """The ticket as a 1-bit image `ticket.width` dots wide."""
    scale = ticket.width / WIDTH_80MM
    canvas = _Canvas(ticket.width)
    logo = logo_image(ticket.logo_png, ticket.width) if ticket.logo_png else None
    if logo is not None:
        canvas.paste(logo)
    canvas.text(ticket.centre, round(28 * scale), bold=True)
    if ticket.header:
        canvas.text(ticket.header, round(22 * scale))
    canvas.rule()
    canvas.text(ticket.field, round(34 * scale), bold=True)
    canvas.text("SỐ THỨ TỰ · NUMBER", round(22 * scale), gap=0)
    canvas.text(ticket.number, round(150 * scale), bold=True, gap=10)
    if ticket.priority_label:
        canvas.text(f"ƯU TIÊN · PRIORITY: {ticket.priority_label}", round(26 * scale),
                    bold=True, inverted=True)
    if isinstance(ticket, ProcedureTicket) and ticket.procedure:
        canvas.text(f"Thủ tục: {ticket.procedure}", round(24 * scale), bold=True,
                    max_lines=PROCEDURE_LINES)
        if ticket.papers:
            canvas.text("Giấy tờ cần mang theo:", round(22 * scale), gap=2, left_aligned=True)
            for line in ticket.papers[:PAPER_LINES]:
                canvas.text(line, round(22 * scale), gap=2, max_lines=1, left_aligned=True)
            canvas.y += 6
    canvas.text(f"Giờ lấy số: {ticket.issued_at}", round(24 * scale))
    canvas.text(f"Số người đang chờ trước bạn: {ticket.waiting_ahead}", round(26 * scale),
                bold=True)
    canvas.text(f"Thời gian chờ dự kiến: khoảng {ticket.estimated_wait_min} phút",
                round(24 * scale))
    canvas.text(f"Ahead of you: {ticket.waiting_ahead} · Expected wait: "
                f"~{ticket.estimated_wait_min} min", round(18 * scale))
    if ticket.track_url:  # none when the server does not know its public address
        canvas.rule()
        canvas.paste(qr_image(ticket.track_url, round(230 * scale)))
        canvas.text("Quét mã để theo dõi lượt trên điện thoại", round(20 * scale))
        canvas.text("Scan to follow the queue on your phone", round(16 * scale))
    if ticket.footer:
        canvas.rule()
        canvas.text(ticket.footer, round(22 * scale))
    return canvas.result()
