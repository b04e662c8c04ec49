"""The typed SQLAlchemy models, one module per group of nouns."""

from hall.models.audit import AuditEntry
from hall.models.base import Base
from hall.models.centre import Centre
from hall.models.centre import Counter
from hall.models.centre import CounterField
from hall.models.centre import Field
from hall.models.people import ApiToken
from hall.models.people import Device
from hall.models.people import User
from hall.models.printing import PrintJob
from hall.models.procedure import Procedure
from hall.models.ticket import IdempotencyKey
from hall.models.ticket import LineCount
from hall.models.ticket import Rating
from hall.models.ticket import Ticket
from hall.models.ticket import TicketEvent
from hall.models.ticket import TicketRecord
from hall.models.ticket import TicketSequence

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Centre", "Counter", "CounterField", "Device", "Field",
    "IdempotencyKey", "LineCount", "PrintJob", "Procedure", "Rating", "Ticket", "TicketEvent", "TicketRecord",
    "TicketSequence", "User",
]  # fmt: skip
