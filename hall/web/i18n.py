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
from flask import current_app
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import get_translations
from markupsafe import Markup
from markupsafe import escape

from hall.engine.clock import app_now
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
        return _accepted()
    chosen = request.args.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT


def _accepted() -> str:
    """The first language of Accept-Language, by quality, that we speak, matching on the
    primary subtag ("vi-VN" is Vietnamese even when "en" is listed after it); else Vietnamese."""
    for value, _quality in request.accept_languages:  # highest quality first
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


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


def english(text: str) -> str:
    """The English of a message, for signage that shows both languages at once (the hall
    display, the door screen, the start and error pages): Vietnamese first, English below."""
    return str(catalogue("en").gettext(text))


def page_data(timezone: str = "Asia/Ho_Chi_Minh") -> Markup:
    """What every page's script needs from the server, as a JSON data block (a data block is
    not a script, so the CSP allows it): the page's language, the English catalogue of the
    scripts (hall.t() in common.js reads it), and the server's clock and the centre's time
    zone, so a screen shows the centre's date and time even when its own PC clock is wrong
    (hall.now() keeps the offset; the live connection refreshes it)."""
    english = {key: value for key, value in catalogue("en", "js")._catalog.items()
               if isinstance(key, str) and key and value}
    data = {"lang": language(), "messages": english, "tz": timezone,
            "now": int(app_now(current_app.config).timestamp() * 1000)}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return Markup(f'<script type="application/json" id="hall-page">{text}</script>')


def format_day(day: date, lang: str | None = None) -> str:
    """"Thứ Hai, 30/11/2026" or "Monday, 30 November 2026"."""
    lang = lang or language()
    if lang == "vi":
        return f"{WEEKDAYS_VI[day.weekday()]}, {day:%d/%m/%Y}"
    return format_date(day, format="EEEE, d MMMM y", locale=lang)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT,
          default_translation_directories=str(DIRECTORY))
    app.jinja_env.globals.update(both=both, english=english, page_data=page_data, language=language,
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

