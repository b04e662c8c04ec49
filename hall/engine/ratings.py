"""The citizen's rating of a finished service: from a tablet of the counter that served it, or
from the citizen's own phone (the ticket's tracking token). One rating per ticket, whichever
comes first; the second is refused with `already_rated`."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import text
from hall.engine.errors import AlreadyRated
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import UnknownTicket
from hall.engine.errors import WrongState
from hall.engine.tickets import Actor
from hall.engine.tickets import get_ticket
from hall.engine.tickets import log
from hall.models import Centre
from hall.models import Device
from hall.models import Rating
from hall.models import Ticket
from hall.models.vocabulary import TicketStatus

LEVELS_3 = ("very_satisfied", "satisfied", "dissatisfied")
LEVELS_4 = ("very_satisfied", "satisfied", "neutral", "dissatisfied")
SATISFIED = ("very_satisfied", "satisfied")
REASONS = (
    "attitude", "waiting_time", "unclear_guidance", "complicated_procedure", "facilities", "other",
)  # fmt: skip
# The levels after which the tablet and the phone ask why (reasons, an optional comment):
# dissatisfied, and on the four-level scale neutral too (VNPT's tablets ask at three stars
# of five or fewer). A satisfied citizen is thanked after one tap.
ASK_WHY = ("neutral", "dissatisfied")
COMMENT_MAX = 200
# A tablet that (re)connects still asks for the newest ticket its counter finished this
# long ago at most, unless it has been rated meanwhile; anything older is never asked.
REQUEST_FRESH_S = 60
# How long after the finish a tablet may still send the rating (the question, reasons and a
# comment typed on the on-screen keyboard); the phone has the rest of the service day.
TABLET_GRACE_S = 600

# The words of docs/domain.md, Vietnamese and English, as the tablet and the phone show them.
LEVEL_LABELS = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "neutral": ("Bình thường", "Neutral"),
    "dissatisfied": ("Không hài lòng", "Dissatisfied"),
}
REASON_LABELS = {
    "attitude": ("Thái độ", "Attitude"),
    "waiting_time": ("Thời gian chờ", "Waiting time"),
    "unclear_guidance": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "complicated_procedure": ("Thủ tục phức tạp", "Complicated procedure"),
    "facilities": ("Cơ sở vật chất", "Facilities"),
    "other": ("Khác", "Other"),
}


def levels(centre: Centre) -> tuple[str, ...]:
    """The centre's rating scale, best first."""
    return LEVELS_4 if centre.rating_scale == 4 else LEVELS_3


def labels() -> dict[str, dict[str, dict[str, str]]]:
    """The levels' and reasons' words for the pages: {"levels": {key: {"vi", "en"}}, "reasons": …}."""
    return {kind: {key: {"vi": vi, "en": en} for key, (vi, en) in words.items()}
            for kind, words in (("levels", LEVEL_LABELS), ("reasons", REASON_LABELS))}


def page_config(centre: Centre) -> dict[str, object]:
    """What a page that asks for a rating needs: the centre's scale, the levels that ask why,
    the reasons, their words and the comment's length."""
    return {"levels": list(levels(centre)), "ask_why": list(ASK_WHY), "reasons": list(REASONS),
            "labels": labels(), "comment_max": COMMENT_MAX}


def comment_text(comment: str) -> str:
    """A comment as it is stored: NFC (Vietnamese typed on any keyboard compares equal),
    trimmed, at most COMMENT_MAX characters, no control character but tabs and line breaks."""
    tidied = text.tidy(comment)
    if not text.is_clean(tidied, multiline=True):
        raise Invalid("Ý kiến không được chứa ký tự điều khiển", "invalid_body")
    if len(tidied) > COMMENT_MAX:
        raise Invalid("Ý kiến dài quá %(n)s ký tự", "invalid_body", n=COMMENT_MAX)
    return tidied


def is_rated(session: Session, ticket_id: int) -> bool:
    return session.scalar(select(Rating.id).where(Rating.ticket_id == ticket_id)) is not None


def rate(session: Session, centre: Centre, ticket_id: int, level: str, reasons: list[str],
         comment: str, now: datetime, *, tablet: Device | None = None,
         tracked: Ticket | None = None) -> Rating:
    """Record the one rating of a done ticket, given by `tablet` (a tablet of the counter that
    served it) or through `tracked` (the ticket of the tracking token that asks: only that
    ticket; any other is unknown to it, as for reading). It is stored with the counter and
    officer that served the ticket; `device_id` is the tablet's, null from a phone."""
    if (tablet is None) == (tracked is None):
        raise Forbidden()
    if level not in levels(centre):
        raise Invalid("Mức đánh giá không hợp lệ", "unknown_level")
    unknown = sorted(set(reasons) - set(REASONS))
    if unknown:
        raise Invalid("Lý do không hợp lệ: %(reasons)s", "unknown_reason", reasons=", ".join(unknown))
    comment = comment_text(comment)
    ticket = get_ticket(session, centre.id, ticket_id)
    if tracked is not None:
        if ticket.tracking_token != tracked.tracking_token:
            raise UnknownTicket()
    elif tablet is None or tablet.counter_id is None or ticket.counter_id != tablet.counter_id:
        raise Forbidden("Máy tính bảng này không thuộc quầy đã phục vụ số này")
    if ticket.status != TicketStatus.DONE or ticket.counter_id is None:
        raise WrongState("Chỉ đánh giá được sau khi phục vụ xong")
    if is_rated(session, ticket.id):
        raise AlreadyRated()
    if tablet is not None and not _tablet_may_rate(session, ticket, now):
        raise WrongState("Máy tính bảng chỉ đánh giá số vừa phục vụ xong tại quầy", "rating_expired")
    device_id = tablet.id if tablet is not None else None
    rating = Rating(
        ticket_id=ticket.id, centre_id=centre.id, level=level, reasons=list(dict.fromkeys(reasons)),
        comment=comment, counter_id=ticket.counter_id, officer_id=ticket.officer_id,
        device_id=device_id, rated_at=now,
    )  # fmt: skip
    session.add(rating)
    session.flush()
    log(session, ticket, "rated", now, Actor(device_id=device_id), level=level,
        via="tablet" if tablet is not None else "phone")
    return rating


def _tablet_may_rate(session: Session, ticket: Ticket, now: datetime) -> bool:
    """A tablet rates only what its counter has just served: the counter's newest finished
    ticket, finished at most TABLET_GRACE_S ago (time to read, choose reasons and type a
    comment). An officer's backlog cannot be marked from the tablet page later on."""
    if ticket.finished_at is None or now - ticket.finished_at > timedelta(seconds=TABLET_GRACE_S):
        return False
    newest = session.scalar(
        select(Ticket.id).where(Ticket.centre_id == ticket.centre_id,
                                Ticket.service_day == ticket.service_day,  # ix_tickets_day
                                Ticket.counter_id == ticket.counter_id,
                                Ticket.status == TicketStatus.DONE)
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1))
    return newest == ticket.id


def pending_request(session: Session, centre_id: int, counter_id: int, now: datetime
                    ) -> Ticket | None:
    """The ticket a tablet of this counter should be asking about now: the counter's newest
    ticket finished within REQUEST_FRESH_S, if it is not rated yet; else None."""
    newest = session.scalars(
        select(Ticket)
        .where(Ticket.centre_id == centre_id, Ticket.status == TicketStatus.DONE,
               Ticket.counter_id == counter_id,
               Ticket.finished_at >= now - timedelta(seconds=REQUEST_FRESH_S))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1)
    ).first()
    if newest is None or is_rated(session, newest.id):
        return None
    return newest
