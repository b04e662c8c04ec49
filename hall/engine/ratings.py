"""The citizen's rating of a finished service, from the counter's tablet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine.errors import AlreadyRated
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import WrongState
from hall.engine.tickets import Actor
from hall.engine.tickets import get_ticket
from hall.engine.tickets import log
from hall.models import Centre
from hall.models import Device
from hall.models import Rating
from hall.models.vocabulary import TicketStatus

LEVELS_3 = ("very_satisfied", "satisfied", "dissatisfied")
LEVELS_4 = ("very_satisfied", "satisfied", "neutral", "dissatisfied")
SATISFIED = ("very_satisfied", "satisfied")
REASONS = (
    "attitude", "waiting_time", "unclear_guidance", "complicated_procedure", "facilities", "other",
)  # fmt: skip


def levels(centre: Centre) -> tuple[str, ...]:
    """The centre's rating scale, best first."""
    return LEVELS_4 if centre.rating_scale == 4 else LEVELS_3


def rate(session: Session, centre: Centre, tablet: Device, ticket_id: int, level: str,
         reasons: list[str], comment: str, now: datetime) -> Rating:
    """Record the one rating of a done ticket, given at the counter that served it."""
    if level not in levels(centre):
        raise Invalid("Mức đánh giá không hợp lệ", "unknown_level")
    unknown = sorted(set(reasons) - set(REASONS))
    if unknown:
        raise Invalid("Lý do không hợp lệ: %(reasons)s", "unknown_reason", reasons=", ".join(unknown))
    ticket = get_ticket(session, centre.id, ticket_id)
    if tablet.counter_id is None or ticket.counter_id != tablet.counter_id:
        raise Forbidden("Máy tính bảng này không thuộc quầy đã phục vụ số này")
    if ticket.status != TicketStatus.DONE:
        raise WrongState("Chỉ đánh giá được sau khi phục vụ xong")
    if session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id)) is not None:
        raise AlreadyRated()
    rating = Rating(
        ticket_id=ticket.id, centre_id=centre.id, level=level, reasons=list(dict.fromkeys(reasons)),
        comment=comment, counter_id=ticket.counter_id, officer_id=ticket.officer_id,
        device_id=tablet.id, rated_at=now,
    )  # fmt: skip
    session.add(rating)
    session.flush()
    log(session, ticket, "rated", now, Actor(device_id=tablet.id), level=level)
    return rating
