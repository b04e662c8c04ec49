"""Two languages: Vietnamese, the product's own, and English, through Flask-Babel.

Every message is written in Vietnamese and is its own key in the English catalogue
(hall/translations/en/LC_MESSAGES): `messages` holds what the server says (API errors,
pages, printed tickets), `js` what the pages' scripts say. `python -m hall.web.catalogue`
keeps both in step with the code, and a test fails on any message left untranslated.

Which language a request gets:
- the API (`/api/…`) follows `Accept-Language` (Vietnamese when it names neither);
- pages are Vietnamese unless the person chose English: `?lang=en` (or `vi`) switches and is
  remembered in a cookie. A browser's own language is not followed: a kiosk or an officer's
  PC bought with English Windows must still open in Vietnamese.
Touch pages a citizen switches on the spot (kiosk, tracking page) carry both languages
(`both()` writes `data-vi`/`data-en`) and switch without a reload.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from babel.dates import format_date
from babel.support import Translations
from flask import Flask
from flask import Response
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import get_translations
from markupsafe import Markup
from markupsafe import escape

from hall.messages import Msg

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "hall_lang"
DIRECTORY = Path(__file__).resolve().parent.parent / "translations"
ONE_YEAR_S = 365 * 24 * 3600

# Vietnamese writes weekday names with a small second word ("Chủ nhật", "Thứ hai" in running
# text; the day names of a date line are capitalised "Thứ Hai" by custom); CLDR's "Chủ Nhật"
# is not how a public notice spells it. Monday first, as date.weekday() counts.
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def select_locale() -> str:
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES, DEFAULT) or DEFAULT
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT


def language() -> str:
    """The request's language code ("vi" or "en")."""
    return str(get_locale() or DEFAULT)


def translate(message: Msg | str, lang: str | None = None) -> str:
    """A message (a Msg or a plain Vietnamese text) in the request's language, or in `lang`."""
    translations = catalogue(lang) if lang else get_translations()
    if isinstance(message, Msg):
        return message.render(translations.gettext)
    return str(translations.gettext(message))


_CATALOGUES: dict[tuple[str, str], Translations] = {}


def catalogue(lang: str, domain: str = "messages") -> Translations:
    """The compiled catalogue of a language (Vietnamese has none: its messages are the keys)."""
    key = (lang, domain)
    if key not in _CATALOGUES:
        loaded = Translations.load(str(DIRECTORY), [lang], domain)
        _CATALOGUES[key] = loaded if isinstance(loaded, Translations) else Translations()
    return _CATALOGUES[key]


def both(text: str) -> Markup:
    """`data-vi="…" data-en="…"` for an element of a page that switches on the spot."""
    english = catalogue("en").gettext(text)
    return Markup(f'data-vi="{escape(text)}" data-en="{escape(english)}"')


def in_both(text: str) -> tuple[str, str]:
    return text, str(catalogue("en").gettext(text))


def script_messages() -> Markup:
    """The English catalogue of the pages' scripts, as JSON for a data block of the page
    (hall.t() in common.js reads it; a data block is not a script, so the CSP allows it)."""
    english = {key: value for key, value in catalogue("en", "js")._catalog.items()
               if isinstance(key, str) and key and value}
    text = json.dumps(english, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return Markup(f'<script type="application/json" id="hall-messages">{text}</script>')


def format_day(day: date, lang: str | None = None) -> str:
    """"Thứ Hai, 30/11/2026" or "Monday, 30 November 2026"."""
    lang = lang or language()
    if lang == "vi":
        return f"{WEEKDAYS_VI[day.weekday()]}, {day:%d/%m/%Y}"
    return format_date(day, format="EEEE, d MMMM y", locale=lang)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT,
          default_translation_directories=str(DIRECTORY))
    app.jinja_env.globals.update(both=both, script_messages=script_messages, language=language,
                                 other_language=lambda: "en" if language() == "vi" else "vi")

    @app.after_request
    def _remember_choice(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in LANGUAGES and not request.path.startswith("/api/"):
            response.set_cookie(COOKIE, chosen, max_age=ONE_YEAR_S, samesite="Lax",
                                secure=request.is_secure, httponly=True)
        return response

    @app.after_request
    def _say_language(response: Response) -> Response:
        response.headers.setdefault("Content-Language", language())
        vary = response.headers.get("Vary", "")
        if "Accept-Language" not in vary and request.path.startswith("/api/"):
            response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        return response

