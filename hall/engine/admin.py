"""Configuration use cases: fields, counters, devices, users, tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session

from hall.engine import auth
from hall.engine import events
from hall.engine import text
from hall.engine.counters import find_counter
from hall.engine.errors import Conflict
from hall.engine.errors import Duplicate
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import NotFound
from hall.engine.errors import UnknownField
from hall.engine.tickets import find_field
from hall.messages import N_
from hall.messages import Msg
from hall.models import ApiToken
from hall.models import Centre
from hall.models import Counter
from hall.models import CounterField
from hall.models import Device
from hall.models import Field
from hall.models import LineCount
from hall.models import Rating
from hall.models import Ticket
from hall.models import TicketEvent
from hall.models import TicketSequence
from hall.models import User
from hall.models.centre import DEFAULT_PRIORITY_CATEGORIES
from hall.models.vocabulary import CounterState
from hall.models.vocabulary import PrintStatus


def readable(name: str, what: str, required: bool = True) -> str:
    """`name` as stored (NFC, trimmed); refused if blank (when `required`) or if it holds an
    invisible or control character. The CLI and forms pass here as the API's schemas do."""
    name = text.tidy(name)
    if not text.is_visible(name):
        raise Invalid("%(what)s chứa ký tự vô hình hay ký tự điều khiển", "invalid_name", what=Msg(what))
    if required and not name:
        raise Invalid("%(what)s không được để trống", "invalid_name", what=Msg(what))
    return name


def add_field(session: Session, centre: Centre, code: str, name: str, **options: object) -> Field:
    """A new field of the centre; codes are unique within it."""
    name = readable(name, N_("Tên lĩnh vực"))
    if isinstance(options.get("name_en"), str):
        options["name_en"] = readable(str(options["name_en"]), N_("Tên tiếng Anh"), required=False)
    taken = session.scalar(select(Field.id).where(Field.centre_id == centre.id, Field.code == code))
    if taken is not None:
        raise Duplicate("Mã lĩnh vực đã tồn tại", "duplicate_code")
    if options.get("prefix") is None and options.get("block_start") is None:
        options["prefix"] = _free_prefix(session, centre)
    elif options.get("prefix") is not None and session.scalar(
            select(Field.id).where(Field.centre_id == centre.id,
                                   Field.prefix == options["prefix"])) is not None:
        raise Duplicate("Tiền tố này đã có lĩnh vực khác dùng", "duplicate_prefix")
    if options.get("position") is None:  # new fields go last on the kiosk
        last = session.scalar(select(func.max(Field.position)).where(Field.centre_id == centre.id))
        options["position"] = 0 if last is None else last + 1
    field = Field(centre_id=centre.id, code=code, name=name, **options)
    session.add(field)
    session.flush()
    events.record(session, events.FieldsChanged(centre.id))
    return field


FIELD_CHANGES = frozenset({"name", "name_en", "icon", "position", "target_wait_s",
                           "daily_capacity", "is_open"})


def update_field(session: Session, centre: Centre, code: str, changes: dict[str, object]
                 ) -> Field:
    """Change a field's names, order, target wait, daily cap or whether kiosks issue for it.
    Its code and numbering stay: tickets already issued carry them."""
    field = session.scalar(select(Field).where(Field.centre_id == centre.id, Field.code == code))
    if field is None:
        raise UnknownField()
    for key, value in changes.items():
        if key not in FIELD_CHANGES:
            raise Invalid("Không đổi được '%(key)s' của lĩnh vực", "invalid_body", key=key)
        if key == "name":
            value = readable(str(value), N_("Tên lĩnh vực"))
        elif key == "name_en":
            value = readable(str(value), N_("Tên tiếng Anh"), required=False)
        setattr(field, key, value)
    session.flush()
    events.record(session, events.FieldsChanged(centre.id), events.WaitingChanged(centre.id))
    return field


PREFIX_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read as 1 and 0 on a ticket


def _free_prefix(session: Session, centre: Centre) -> str:
    """The first letter no other field of the centre uses (A, B, …)."""
    used = set(session.scalars(select(Field.prefix).where(Field.centre_id == centre.id)))
    for letter in PREFIX_LETTERS:
        if letter not in used:
            return letter
    raise Invalid("Hết chữ cái tiền tố; hãy chọn tiền tố", "prefix_required")


def add_counter(session: Session, centre: Centre, number: int, name: str,
                field_codes: list[str]) -> Counter:
    """A new counter serving the given fields in that order."""
    name = readable(name, N_("Tên quầy"), required=False)
    taken = session.scalar(
        select(Counter.id).where(Counter.centre_id == centre.id, Counter.number == number)
    )
    if taken is not None:
        raise Duplicate("Số quầy đã tồn tại", "duplicate_counter")
    if len(set(field_codes)) != len(field_codes):
        raise Invalid("Một lĩnh vực bị lặp lại", "invalid_body")
    fields = [find_field(session, centre.id, code) for code in field_codes]
    counter = Counter(centre_id=centre.id, number=number, name=name or f"Quầy {number}")
    counter.field_links = [CounterField(field=f, position=i) for i, f in enumerate(fields)]
    session.add(counter)
    session.flush()
    events.record(session, events.FieldsChanged(centre.id))  # kiosks: expected waits change
    return counter


def field_in_use(code: str) -> Conflict:
    return Conflict("Lĩnh vực %(field)s đã có số thứ tự được cấp nên không xóa được; hãy đóng "
                    "lĩnh vực (is_open: false) thay vì xóa", "field_in_use", field=code)


def counter_used(number: int) -> Conflict:
    return Conflict("Quầy %(number)s đã phục vụ số thứ tự nên không xóa được", "counter_in_use",
                    number=number)


def delete_field(session: Session, centre: Centre, code: str) -> None:
    """Remove a field that no ticket has ever had (its row and its counters' links). A field
    with history is closed instead (`is_open: false`): its tickets, numbers and reports hang
    on it. A counter must keep at least one field, so a counter's only field stays."""
    field = session.scalar(select(Field).where(Field.centre_id == centre.id, Field.code == code)
                           .with_for_update())  # PostgreSQL: waits for a ticket being issued
    if field is None:
        raise UnknownField()
    used = session.scalar(select(Ticket.id).where(
        or_(Ticket.field_id == field.id, Ticket.origin_field_id == field.id)).limit(1))
    if used is not None:
        raise field_in_use(code)
    serving = select(CounterField.counter_id).where(CounterField.field_id == field.id)
    alone = sorted(number for number, links in session.execute(
        select(Counter.number, func.count()).join(CounterField, CounterField.counter_id == Counter.id)
        .where(Counter.id.in_(serving)).group_by(Counter.id, Counter.number)) if links == 1)
    if alone:
        raise Conflict("Lĩnh vực %(field)s là lĩnh vực duy nhất của quầy %(counters)s; hãy cho "
                       "quầy phục vụ lĩnh vực khác trước", "counter_needs_field", field=code,
                       counters=", ".join(str(number) for number in alone))
    for link in session.scalars(select(CounterField).where(CounterField.field_id == field.id)):
        session.delete(link)
    session.flush()
    session.execute(delete(LineCount).where(LineCount.field_id == field.id))
    session.execute(delete(TicketSequence).where(TicketSequence.field_id == field.id))
    session.delete(field)  # a watched row: every process forgets the remembered fields
    session.flush()
    events.record(session, events.FieldsChanged(centre.id), events.WaitingChanged(centre.id))


COUNTER_CHANGES = frozenset({"name", "fields"})


def update_counter(session: Session, centre: Centre, number: int, changes: dict[str, object]
                   ) -> Counter:
    """Rename a counter or give it other fields, served in the order given. Its officer,
    state and current ticket stay; the console and the screens hear it at once."""
    counter = find_counter(session, centre.id, number, lock=True)
    for key, value in changes.items():
        if key not in COUNTER_CHANGES:
            raise Invalid("Không đổi được '%(key)s' của quầy", "invalid_body", key=key)
        if key == "name":
            name = readable(str(value), N_("Tên quầy"), required=False)
            counter.name = name or f"Quầy {counter.number}"
        else:
            _serve(session, centre, counter, list(value))  # type: ignore[call-overload]
    session.flush()
    events.record(session, events.CounterChanged(counter), events.WaitingChanged(centre.id))
    return counter


def _serve(session: Session, centre: Centre, counter: Counter, codes: list[str]) -> None:
    """The counter's fields become `codes`, in that order (links kept where they can be)."""
    if not codes:
        raise Invalid("Quầy phải phục vụ ít nhất một lĩnh vực", "invalid_body")
    if len(set(codes)) != len(codes):
        raise Invalid("Một lĩnh vực bị lặp lại", "invalid_body")
    fields = [find_field(session, centre.id, code) for code in codes]
    kept = {link.field_id: link for link in counter.field_links}
    links = []
    for position, field in enumerate(fields):
        link = kept.pop(field.id, None) or CounterField(field=field)
        link.position = position
        links.append(link)
    counter.field_links = links  # the links left out are deleted (delete-orphan)


def delete_counter(session: Session, centre: Centre, number: int) -> None:
    """Remove a closed counter that no ticket has ever been called to, sent to or rated at.
    A device still paired with it must be revoked first; revoked ones let go of it."""
    counter = find_counter(session, centre.id, number, lock=True)
    if counter.state != CounterState.CLOSED or counter.officer_id is not None:
        raise Conflict("Quầy %(number)s đang mở; cán bộ phải đóng quầy trước khi xóa",
                       "counter_in_use", number=number)
    used = (session.scalar(select(Ticket.id).where(or_(
        Ticket.counter_id == counter.id, Ticket.target_counter_id == counter.id)).limit(1))
        or session.scalar(select(Rating.id).where(Rating.counter_id == counter.id).limit(1))
        or session.scalar(select(TicketEvent.id).where(TicketEvent.counter_id == counter.id)
                          .limit(1)))
    if used is not None:
        raise counter_used(number)
    paired = session.scalars(select(Device).where(Device.counter_id == counter.id)
                             .order_by(Device.id)).all()
    active = [device.name for device in paired if device.revoked_at is None]
    if active:
        raise Conflict("Quầy %(number)s còn thiết bị %(devices)s; hãy thu hồi thiết bị trước",
                       "counter_in_use", number=number, devices=", ".join(active))
    for device in paired:
        device.counter_id = None
    counter.field_links = []
    session.flush()
    session.delete(counter)  # a watched row: every process forgets the remembered counters
    session.flush()
    events.record(session, events.FieldsChanged(centre.id), events.WaitingChanged(centre.id))


def add_device(session: Session, centre: Centre, kind: str, name: str, now: datetime,
               counter_number: int | None = None, printer: str | None = None
               ) -> tuple[Device, str]:
    """A new device and its token (returned once, stored hashed)."""
    name = readable(name, N_("Tên thiết bị"))
    counter = find_counter(session, centre.id, counter_number) if counter_number else None
    token, digest = auth.new_token(auth.DEVICE_TOKEN)
    device = Device(
        centre_id=centre.id, kind=kind, name=name, counter_id=counter.id if counter else None,
        printer=printer or "none", token_hash=digest, created_at=now,
    )  # fmt: skip
    session.add(device)
    session.flush()
    return device, token


def add_user(session: Session, centre: Centre, username: str, role: str, password: str,
             now: datetime, full_name: str = "", all_centres: bool = False) -> User:
    full_name = readable(full_name, N_("Họ tên"), required=False)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Duplicate("Tên đăng nhập đã tồn tại", "duplicate_username")
    if all_centres and role != "admin":
        raise Invalid("Chỉ quản trị viên mới làm việc được với mọi trung tâm", "invalid_body")
    user = User(
        centre_id=centre.id, username=username, role=role, full_name=full_name,
        password_hash=auth.hash_password(password), created_at=now, all_centres=all_centres,
    )  # fmt: skip
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, centre: Centre) -> list[User]:
    return list(session.scalars(select(User).where(User.centre_id == centre.id)
                                .order_by(User.username)))


def update_user(session: Session, centre: Centre, username: str, by: User,
                changes: dict[str, object]) -> User:
    """Change a user's full name, role, active flag or password. A deactivation or a new
    password ends every browser session of that user; an admin cannot lock themselves out."""
    user = find_user(session, centre, username, by)
    if user.id == by.id and ("active" in changes or "role" in changes):
        raise Conflict("Không tự khóa hay tự đổi vai trò của chính mình", "self")
    for key, value in changes.items():
        match key:
            case "full_name":
                user.full_name = readable(str(value), N_("Họ tên"), required=False)
            case "role":
                user.role = str(value)
                if user.role != "admin":  # only an admin works across centres
                    user.all_centres = False
            case "active":
                user.active = bool(value)
                if not user.active:
                    user.session_epoch += 1
            case "password":
                user.password_hash = auth.hash_password(str(value))
                user.session_epoch += 1
            case _:
                raise Invalid("Không đổi được '%(key)s' của người dùng", "invalid_body", key=key)
    session.flush()
    return user


def find_user(session: Session, centre: Centre, username: str, by: User | None = None) -> User:
    """The centre's user; a province's administrator is out of reach of anyone who is not
    one (a centre's admin could otherwise take a token or a password of theirs)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.centre_id != centre.id:
        raise NotFound("Không có người dùng này", "unknown_user")
    if by is not None and user.all_centres and not by.all_centres:
        raise Forbidden("Chỉ quản trị viên cấp tỉnh thay đổi được người dùng cấp tỉnh")
    return user


def user_tokens(session: Session, centre: Centre) -> list[tuple[ApiToken, User]]:
    """Every API token of the centre's users, newest first (revoked ones too)."""
    rows = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                           .where(User.centre_id == centre.id).order_by(ApiToken.id.desc()))
    return [(token, user) for token, user in rows]


def revoke_user_token(session: Session, centre: Centre, token_id: int, now: datetime,
                      by: User | None = None) -> tuple[ApiToken, User]:
    """Revoke a user's API token (once; revoking again changes nothing)."""
    if not 1 <= token_id <= 2**31 - 1:
        raise NotFound("Không có mã truy cập này", "unknown_token")
    row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.id == token_id, User.centre_id == centre.id)).first()
    if row is None:
        raise NotFound("Không có mã truy cập này", "unknown_token")
    token, user = row
    if by is not None and user.all_centres and not by.all_centres:
        raise Forbidden("Chỉ quản trị viên cấp tỉnh thu hồi được mã của người dùng cấp tỉnh")
    if token.revoked_at is None:
        token.revoked_at = now
    return token, user


def revoke_device(session: Session, centre: Centre, device_id: int, now: datetime) -> Device:
    """Revoke a device's token: its pages stop working and its sockets are dropped."""
    device = session.get(Device, device_id) if 1 <= device_id <= 2**31 - 1 else None
    if device is None or device.centre_id != centre.id:
        raise NotFound("Không có thiết bị này", "unknown_device")
    if device.revoked_at is None:
        device.revoked_at = now
    return device


def devices_with_printers(session: Session, centre: Centre) -> list[dict[str, object]]:
    """Every device of the centre, with its printer's state and unprinted jobs."""
    from hall.engine.clock import local_iso
    from hall.models import PrintJob

    waiting = dict(session.execute(
        select(PrintJob.device_id, func.count())
        .where(PrintJob.status.in_((PrintStatus.PENDING, PrintStatus.FAILED))).group_by(PrintJob.device_id)
    ).all())  # fmt: skip
    numbers = dict(session.execute(select(Counter.id, Counter.number)
                                   .where(Counter.centre_id == centre.id)).all())
    devices = session.scalars(select(Device).where(Device.centre_id == centre.id,
                                                   Device.revoked_at.is_(None)).order_by(Device.id))
    return [{
        "id": d.id, "kind": d.kind, "name": d.name,
        "counter": numbers.get(d.counter_id) if d.counter_id else None,
        "printer": d.printer, "printer_state": d.printer_state,
        "printer_checked_at": local_iso(d.printer_checked_at, centre.timezone),
        "print_jobs_waiting": waiting.get(d.id, 0),
        "last_seen_at": local_iso(d.last_seen_at, centre.timezone),
    } for d in devices]  # fmt: skip


def set_opening_hours(session: Session, centre: Centre, days: dict[str, list[tuple[str, str]]]
                      ) -> dict[str, list[list[str]]]:
    """When kiosks issue numbers: sessions ("HH:MM", "HH:MM") per weekday, "0" = Monday; no
    days at all means always open. Returns the hours as stored."""
    own = session.merge(centre)  # the request's centre may be a remembered copy
    own.opening_hours = {day: [list(pair) for pair in pairs] for day, pairs in days.items()}
    session.flush()
    return dict(own.opening_hours)


CENTRE_TEXTS = {"name": (N_("Tên trung tâm"), True), "address": (N_("Địa chỉ"), False),
                "ticket_header": (N_("Dòng đầu vé"), False), "ticket_footer": (N_("Dòng cuối vé"), False)}


def update_centre(session: Session, centre: Centre, changes: dict[str, object]) -> Centre:
    """Change the centre's names and printed texts, its rating scale, the service time
    assumed before there is history, which priority groups kiosks offer, and whether printed
    tickets carry their procedure and its papers. The code and the time zone stay (service
    days and reports hang on them)."""
    own = session.merge(centre)  # the request's centre may be a remembered copy
    for key, value in changes.items():
        if key in CENTRE_TEXTS:
            what, required = CENTRE_TEXTS[key]
            value = readable(str(value), what, required)
        elif key == "priority_categories":
            unknown = set(value) - set(DEFAULT_PRIORITY_CATEGORIES)  # type: ignore[call-overload]
            if unknown:
                raise Invalid("Nhóm ưu tiên không có: %(names)s", "unknown_priority_category",
                              names=", ".join(sorted(unknown)))
            value = list(dict.fromkeys(value))  # type: ignore[call-overload]
        elif key == "print_procedure":
            value = bool(value)
        elif key not in ("rating_scale", "default_service_s"):
            raise Invalid("Không đổi được '%(key)s' của trung tâm", "invalid_body", key=key)
        setattr(own, key, value)
    session.flush()
    events.record(session, events.FieldsChanged(own.id))  # kiosks show the new texts
    return own


def add_centre(session: Session, code: str, name: str, timezone: str) -> Centre:
    """A new centre on this server (a province's administrator adds them)."""
    from zoneinfo import ZoneInfo
    from zoneinfo import ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("Múi giờ không có", "unknown_timezone") from None
    if session.scalar(select(Centre.id).where(Centre.code == code)) is not None:
        raise Duplicate("Mã trung tâm đã có", "duplicate_centre")
    centre = Centre(code=code, name=readable(name, N_("Tên trung tâm")), timezone=timezone)
    session.add(centre)
    session.flush()
    return centre


def visible_centres(session: Session, user: User | None, own: Centre) -> list[Centre]:
    """The centres a caller works on: every one for a province's administrator, else theirs."""
    if user is not None and user.all_centres:
        return list(session.scalars(select(Centre).order_by(Centre.code)))
    return [own]


LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")  # never SVG: opened alone, it runs script
LOGO_MAX_BYTES = 2 * 1024 * 1024  # the upload
LOGO_MAX_SIDE = 4000  # the picture, read from the file's header before any pixel is decoded
LOGO_SIDE = 600  # what is stored fits inside LOGO_SIDE × LOGO_SIDE
_LOGO_FORMATS = ("PNG", "JPEG", "WEBP")


def logo_png(data: bytes) -> bytes:
    """An uploaded logo checked and made anew: a PNG, JPEG or WebP file of at most 2 MB whose
    picture is at most 4000 × 4000 (its size is read from the header and checked before the
    pixels are decoded: a small file can hold a huge picture), turned upright, made RGBA,
    fitted inside 600 × 600 and saved as an optimized PNG without any metadata. Anything
    else is `invalid_image`. Pure work on bytes: no session, nothing held."""
    import io
    import warnings

    from PIL import Image
    from PIL import ImageOps

    if len(data) > LOGO_MAX_BYTES:
        raise Invalid("Tệp ảnh lớn quá %(limit)s MB", "invalid_image",
                      limit=LOGO_MAX_BYTES // (1024 * 1024))
    too_big = Invalid("Ảnh lớn quá %(side)s × %(side)s điểm ảnh", "invalid_image", side=LOGO_MAX_SIDE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=_LOGO_FORMATS) as picture:
                if max(picture.size) > LOGO_MAX_SIDE:
                    raise too_big
                if picture.format == "JPEG":  # decode at the smallest scale still ≥ 600
                    picture.draft("RGB", (LOGO_SIDE, LOGO_SIDE))
                picture.load()
                image = ImageOps.exif_transpose(picture).convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (OSError, SyntaxError, ValueError, EOFError):  # not one of them, truncated, broken
        raise Invalid("Tệp không phải ảnh PNG, JPEG hoặc WebP", "invalid_image") from None
    image.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
    image.info = {}  # no text, EXIF, ICC profile or time carried over
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def store_logo(session: Session, centre: Centre, png: bytes | None) -> Centre:
    """The centre's logo becomes `png` (made by `logo_png`), or none; its version goes up,
    so pages load the new one, and kiosks and displays hear it as they hear PATCH /centre."""
    own = session.merge(centre)  # the request's centre may be a remembered copy
    own.logo = png
    # Counted by the database: two changes at once never share a version (and a cached image).
    own.logo_version = Centre.logo_version + 1
    session.flush()
    events.record(session, events.FieldsChanged(own.id))
    return own


def set_logo(session: Session, centre: Centre, data: bytes) -> Centre:
    """Check and re-encode an uploaded logo (`logo_png`), then store it."""
    return store_logo(session, centre, logo_png(data))


def clear_logo(session: Session, centre: Centre) -> Centre:
    """The centre has no logo any more."""
    return store_logo(session, centre, None)


def logo_url(centre: Centre) -> str | None:
    """Where pages load the centre's logo, or None without one; the version in the address
    makes each new logo a new address, cached for good (hall.web.pages)."""
    from urllib.parse import quote

    session = object_session(centre)
    has_logo = (session.scalar(select(Centre.logo.is_not(None)).where(Centre.id == centre.id))
                if session is not None else centre.logo is not None)  # not the deferred bytes
    if not has_logo:
        return None
    return f"/logo/{quote(centre.code, safe='')}.png?v={centre.logo_version}"
