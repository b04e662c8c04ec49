"""HTTP views of the display surface; they call the core and render."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask import send_file

from display import bp
from hall.engine import admin
from hall.engine import displays
from hall.engine import text
from hall.engine.errors import HallError
from hall.engine.errors import Invalid
from hall.engine.errors import Unauthorized
from hall.messages import N_
from hall.models import Centre
from hall.models import Device
from hall.models import vocabulary
from hall.speech import voice
from hall.speech.numbers_vi import TICKET
from hall.store.db import end
from hall.web import pairing
from hall.web.database import get_session

DISPLAY_COOKIE, DOOR_COOKIE = pairing.COOKIES["display"], pairing.COOKIES["door"]
ASCII_DIGITS = re.compile(r"[0-9]{1,8}")


class VoiceUnavailable(HallError):
    status, code = 503, "voice_unavailable"
    message = N_("Máy chủ chưa có giọng đọc (espeak-ng hoặc bộ ghi âm)")


def _unpaired(page: str) -> Callable[[bool], str]:
    return lambda offered: render_template("display/pair.html", page=page, error=offered)


def _config(device: Device, page: str, centre: Centre) -> dict[str, Any]:
    # `page` names the pairing cookie the script's requests use; the token is never in the page
    return {"device": page, "centre": {"code": centre.code, "name": centre.name},
            "settings": displays.settings(centre), "shown": displays.shown(device),
            "labels": vocabulary.labels_for_pages()}


@bp.get("/display")
def display_page() -> Any:
    """The hall display: pair once with ?token=; ?counters=1,2 and ?fields=HT narrow it."""
    device, token = pairing.require(DISPLAY_COOKIE, "display", _unpaired("/display"))
    centre = get_session().get_one(Centre, device.centre_id)
    config = _config(device, "display", centre)
    if request.args.get("counters"):
        numbers = [text.ascii_int(part, 1, 9999) for part in request.args["counters"].split(",") if part]
        if None in numbers:
            raise Invalid("'counters' là danh sách số quầy (1–9999) cách nhau bởi dấu phẩy",
                          "invalid_parameters")
        config["shown"]["counters"] = numbers
    if request.args.get("fields"):  # only compared with field codes in the page, never queried
        config["shown"]["fields"] = [part for part in request.args["fields"].split(",") if part]
    page = make_response(render_template("display/display.html", config=config,
                                         centre_name=centre.name, logo_url=admin.logo_url(centre),
                                         timezone=centre.timezone))
    return pairing.renew(page, DISPLAY_COOKIE, token)


@bp.get("/display/door")
def door_page() -> Any:
    """The small screen above one counter: the display token's counter, or ?counter=N."""
    device, token = pairing.require(DOOR_COOKIE, "display", _unpaired("/display/door"))
    session = get_session()
    centre = session.get_one(Centre, device.centre_id)
    counter = displays.door_counter(session, centre, device, request.args.get("counter"))
    config = {**_config(device, "door", centre), "counter": {"number": counter.number, "name": counter.name},
              "has_tablet": displays.has_tablet(get_session(), counter)}
    page = make_response(render_template("display/door.html", config=config, counter=counter,
                                         centre_name=centre.name, timezone=centre.timezone))
    return pairing.renew(page, DOOR_COOKIE, token)


def _display_device() -> Device:
    """The display asking for audio: its pairing cookie, or a display token in ?token=."""
    for token in (request.args.get("token"), request.cookies.get(DISPLAY_COOKIE)):
        device = pairing.device_for(token or "", "display")
        if device is not None:
            return device
    raise Unauthorized()


def _call_params() -> tuple[str, int]:
    number = request.args.get("number", "").strip().upper()
    match = TICKET.match(number)
    # ASCII digits only: TICKET's \d also takes "١٢", which no ticket is printed with.
    if match is None or len(match.group(1)) > 4 or not ASCII_DIGITS.fullmatch(match.group(2)):
        raise Invalid("'number' phải là một số thứ tự như A023 hoặc 1023", "invalid_parameters")
    counter = text.ascii_int(request.args.get("counter"), 1, 9999)
    if counter is None:
        raise Invalid("'counter' phải là số quầy từ 1 đến 9999", "invalid_parameters")
    return number, counter


def _voice() -> voice.Voice:
    made: voice.Voice | None = current_app.extensions.get("hall.voice")
    if made is None:
        config = current_app.config
        cache = Path(config.get("VOICE_CACHE") or Path(current_app.instance_path) / "voice-cache")
        clips = Path(config["VOICE_CLIPS"]) if config.get("VOICE_CLIPS") else None
        made = voice.Voice(cache, clips, rate_wpm=int(config.get("VOICE_RATE_WPM", 140)),
                           max_files=int(config.get("VOICE_CACHE_FILES", 1000)))
        current_app.extensions["hall.voice"] = made
    return made


@bp.get("/display/call.wav")
def call_audio() -> Any:
    """The spoken call for ?number=&counter=, in the centre's languages; cached on the server."""
    device = _display_device()
    number, counter = _call_params()
    settings = displays.settings(get_session().get_one(Centre, device.centre_id))
    end(get_session())  # espeak-ng may run next: no transaction is held across a subprocess
    try:
        path = _voice().call(number, counter, settings["call_languages"], settings["digit_by_digit"])
    except voice.VoiceUnavailable as exc:
        current_app.logger.warning("no voice: %s", exc)
        raise VoiceUnavailable() from None
    return send_file(path, mimetype="audio/wav", max_age=86400, conditional=True)


@bp.get("/display/call.json")
def call_text() -> Any:
    """The words of the call, for displays that speak with the browser's own voice."""
    device = _display_device()
    number, counter = _call_params()
    settings = displays.settings(get_session().get_one(Centre, device.centre_id))
    texts = voice.call_texts(number, counter, settings["call_languages"], settings["digit_by_digit"])
    return jsonify({"texts": [{"lang": lang, "text": text} for lang, text in texts]})


@bp.get("/display/chime.wav")
def chime() -> Any:
    _display_device()
    return send_file(_voice().chime(), mimetype="audio/wav", max_age=86400, conditional=True)
