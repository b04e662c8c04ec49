"""Keep the English catalogues in step with the code.

    python -m hall.web.catalogue          # extract, merge into the .po files, compile .mo
    python -m hall.web.catalogue --check  # exit 1 if a message is missing or untranslated

Messages are Vietnamese and are their own keys. Two domains: `messages` (Python and the
templates) and `js` (the pages' scripts, sent to the browser by i18n.script_messages()).
Python messages are found in `_()`, `gettext()`, `N_()`, `Msg()` and in the first argument of
every engine error (`raise Invalid("…")`), so a new error is in the catalogue without a
marker; a message built with an f-string cannot be translated and is reported.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

from hall.engine import errors
from hall.web.i18n import DIRECTORY

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("hall", "kiosk", "display", "counter", "office", "printer")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def _error_classes(cls: type[errors.HallError] = errors.HallError) -> Iterator[str]:
    """The engine's error classes (hall.engine.errors), whatever else happens to be imported:
    an error class of a page module marks its message with N_() instead."""
    if cls.__module__ == errors.__name__:
        yield cls.__name__
    sub: type[errors.HallError]
    for sub in cls.__subclasses__():
        yield from _error_classes(sub)


def keywords() -> dict[str, Any]:
    found: dict[str, Any] = dict(DEFAULT_KEYWORDS)
    found["Msg"] = None
    for name in _error_classes():
        found[name] = None
    return found


@dataclass(frozen=True)
class Found:
    domain: str
    message: str
    where: str


def _files() -> Iterator[tuple[str, str, Path]]:
    for package in PACKAGES:
        base = ROOT / package
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "vendor" in relative.parts:
                continue
            if path.suffix == ".py":
                yield "messages", "python", path
            elif path.suffix == ".html" and "templates" in relative.parts:
                yield "messages", "jinja2.ext:babel_extract", path
            elif path.suffix == ".js" and "static" in relative.parts:
                yield "js", "javascript", path


def extract() -> list[Found]:
    """Every message the code shows, with where it is."""
    found = []
    python_keywords = keywords()
    for domain, method, path in _files():
        words: dict[str, Any] = (python_keywords if method == "python"
                                 else {"_": None, "gettext": None, "both": None, "N_": None})
        options = {"trimmed": "true"} if method.startswith("jinja2") else {}
        where = str(path.relative_to(ROOT))
        for line, message, _comments, _context in extract_from_file(
                method, str(path), keywords=words, options=options):
            text = message if isinstance(message, str) else message[0]
            if text:
                found.append(Found(domain, text, f"{where}:{line}"))
    return found


def _po_path(domain: str, lang: str = "en") -> Path:
    return DIRECTORY / lang / "LC_MESSAGES" / f"{domain}.po"


def load(domain: str, lang: str = "en") -> Catalog:
    path = _po_path(domain, lang)
    if not path.exists():
        return Catalog(locale=lang, domain=domain)
    with path.open("rb") as stream:
        return read_po(stream, locale=lang, domain=domain)


def problems() -> list[str]:
    """What keeps the catalogues from being complete: a message without an English
    translation, a translation whose placeholders differ, a stale entry, an old .mo."""
    found = extract()
    said: list[str] = []
    for domain in ("messages", "js"):
        wanted = {f.message for f in found if f.domain == domain}
        catalog = load(domain)
        have = {m.id for m in catalog if isinstance(m.id, str) and m.id}
        for message in sorted(wanted - have):
            where = next(f.where for f in found if f.domain == domain and f.message == message)
            said.append(f"{domain}: not in the catalogue ({where}): {message!r}")
        for message in sorted(have - wanted):
            said.append(f"{domain}: no longer used: {message!r}")
        for entry in catalog:
            if not isinstance(entry.id, str) or entry.id not in wanted:
                continue
            if not entry.string or entry.fuzzy:
                said.append(f"{domain}: untranslated: {entry.id!r}")
            elif sorted(PLACEHOLDER.findall(str(entry.id))) != sorted(PLACEHOLDER.findall(str(entry.string))):
                said.append(f"{domain}: placeholders differ: {entry.id!r} -> {entry.string!r}")
        mo = _po_path(domain).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _compiled(catalog):
            said.append(f"{domain}: {mo.name} is not compiled from {domain}.po")
    return said


def _compiled(catalog: Catalog) -> bytes:
    stream = io.BytesIO()
    write_mo(stream, catalog)
    return stream.getvalue()


def update() -> None:
    """Add new messages (untranslated), drop unused ones, write the .po and the .mo."""
    found = extract()
    for domain in ("messages", "js"):
        old = load(domain)
        fresh = Catalog(locale="en", domain=domain, project="hall", charset="utf-8",
                        fuzzy=False)
        for item in found:
            if item.domain != domain:
                continue
            filename, _, line = item.where.rpartition(":")
            existing = fresh.get(item.message)
            if existing is not None:
                existing.locations.append((filename, int(line)))
                continue
            before = old.get(item.message)
            fresh.add(item.message, before.string if before else "", locations=[(filename, int(line))],
                      flags=("python-format",) if "%(" in item.message else ())
        path = _po_path(domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            write_po(stream, fresh, width=100, omit_header=False, sort_output=True,
                     include_lineno=False)
        path.with_suffix(".mo").write_bytes(_compiled(load(domain)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hall.web.catalogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report; change nothing")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    said = problems()
    for line in said:
        print(line)
    return 1 if said else 0


if __name__ == "__main__":
    sys.exit(main())
