"""Request and response schemas; validation and the OpenAPI document both come from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import GetCoreSchemaHandler
from pydantic import GetJsonSchemaHandler
from pydantic import RootModel
from pydantic import WithJsonSchema
from pydantic import field_validator
from pydantic import model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from pydantic_core import PydanticCustomError
from pydantic_core import core_schema

from hall.engine import ratings
from hall.engine import text
from hall.messages import N_
from printer import transport


@dataclass(frozen=True)
class NoControl:
    """Annotated marker, after the string's Field: no control character (PostgreSQL refuses NUL
    outright); a multi-line text keeps tab and line breaks."""

    multiline: bool = False

    def _check(self, value: str) -> str:
        if not text.is_clean(value, multiline=self.multiline):
            raise PydanticCustomError("control_character", "không được chứa ký tự điều khiển")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        found = handler(schema)
        if found.get("type") == "string":  # a field's own pattern stays documented; both apply
            found.setdefault("pattern", text.MULTILINE_PATTERN if self.multiline else text.LINE_PATTERN)
        return found


# Every free text of a request ends its Annotated with one of these.
LINE, TEXT = NoControl(), NoControl(multiline=True)


@dataclass(frozen=True)
class Tidy:
    """Annotated marker for a name people read (a field, counter, device or person): made
    NFC and trimmed, and refused if it holds an invisible or control character (zero-width
    spaces, bidi overrides) or, when `required`, nothing but spaces."""

    required: bool = True

    def _check(self, value: str) -> str:
        value = text.tidy(value)
        if not text.is_visible(value):
            raise PydanticCustomError("invisible_character",
                                      "không được chứa ký tự vô hình hay ký tự điều khiển")
        if self.required and not value:
            raise PydanticCustomError("blank", "không được để trống")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))


NAME, OPTIONAL_NAME = Tidy(), Tidy(required=False)

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200), LINE, NAME]
CounterNumber = Annotated[int, Field(ge=1, le=9999)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
HourMinute = Annotated[str, Field(pattern=HOUR_MINUTE)]


def _pair_of(item: dict[str, Any]) -> WithJsonSchema:
    """A pair of equal kinds documented as an array of two such items: what Draft 2020-12's
    `prefixItems` of two equal schemas says, in the form every OpenAPI tool reads alike."""
    return WithJsonSchema({"type": "array", "items": item, "minItems": 2, "maxItems": 2})


# An opening session ("07:30", "11:30"): validated as a pair, documented as two strings.
OpeningSession = Annotated[tuple[HourMinute, HourMinute],
                          _pair_of({"type": "string", "pattern": HOUR_MINUTE})]
StoredOpeningSession = Annotated[tuple[str, str], _pair_of({"type": "string"})]


class Body(BaseModel):
    """A JSON request body: types are strict and unknown keys are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldIn(Body):
    code: Code
    name: Name
    name_en: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] = ""
    prefix: Annotated[str, Field(min_length=1, max_length=4, pattern=r"^[A-Z]+$")] | None = None
    icon: Annotated[str, Field(max_length=64), LINE] = ""
    position: Annotated[int, Field(ge=0, le=10000)] | None = None
    block_start: Annotated[int, Field(ge=0, le=99_999_999)] | None = None
    block_end: Annotated[int, Field(ge=0, le=99_999_999)] | None = None
    target_wait_s: Annotated[int, Field(ge=0, le=86400)] = 900
    daily_capacity: Annotated[int, Field(ge=1, le=100_000)] | None = None

    @model_validator(mode="after")
    def _numbering(self) -> FieldIn:
        if (self.block_start is None) != (self.block_end is None):
            raise ValueError(N_("block_start và block_end phải đi cùng nhau"))
        if self.block_start is not None:
            if self.prefix is not None:
                raise ValueError(N_("một lĩnh vực đánh số theo tiền tố hoặc theo dải số, không cả hai"))
            if self.block_end is not None and self.block_end < self.block_start:
                raise ValueError(N_("block_end nhỏ hơn block_start"))
        return self


class CounterIn(Body):
    number: CounterNumber
    name: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] = ""
    fields: Annotated[list[Code], Field(max_length=200)]


class CounterPatch(Body):
    """What an admin may change of a counter: its name, and the fields it serves in order."""

    name: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] | None = None
    fields: Annotated[list[Code], Field(min_length=1, max_length=200,
                      description="field codes in the order the counter serves them")] | None = None


class DeviceIn(Body):
    kind: Literal["kiosk", "display", "tablet"]
    name: Name
    counter: CounterNumber | None = None
    counters: Annotated[list[CounterNumber], Field(min_length=1, max_length=100,
                        description="a display: show only these counters")] | None = None
    fields: Annotated[list[Code], Field(min_length=1, max_length=100,
                      description="a display: show only these fields' waiting counts")] | None = None
    printer: Annotated[
        str,
        Field(max_length=300, pattern=r"^(none|agent|(network|usb|serial|file)://\S+)$",
              description="network://HOST:PORT, usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0,"
                          " agent or none; network, usb and serial take ?confirm=no for printers that"
                          " never answer status queries"),
        LINE,
    ] | None = None  # fmt: skip

    @field_validator("printer")
    @classmethod
    def _printer_address(cls, value: str | None) -> str | None:
        if value is not None:
            transport.parse(value)  # ValueError names what is wrong
        return value

    @model_validator(mode="after")
    def _tablet_counter(self) -> DeviceIn:
        if self.kind == "tablet" and self.counter is None:
            raise ValueError(N_("máy tính bảng phải thuộc một quầy"))
        if self.printer is not None and self.kind != "kiosk":
            raise ValueError(N_("chỉ ki-ốt mới có máy in"))
        if (self.counters is not None or self.fields is not None) and self.kind != "display":
            raise ValueError(N_("chỉ màn hình sảnh mới chọn quầy và lĩnh vực để hiện"))
        return self


class FieldPatch(Body):
    """What an admin may change of a field; its code and numbering stay."""

    name: Name | None = None
    name_en: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] | None = None
    icon: Annotated[str, Field(max_length=64), LINE] | None = None
    position: Annotated[int, Field(ge=0, le=10000)] | None = None
    target_wait_s: Annotated[int, Field(ge=0, le=86400)] | None = None
    daily_capacity: Annotated[int, Field(ge=1, le=100_000)] | None = None
    no_daily_capacity: bool = False
    is_open: bool | None = None


class CentreIn(Body):
    code: Code
    name: Name
    timezone: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$")] = \
        "Asia/Ho_Chi_Minh"


class CentrePatch(Body):
    name: Name | None = None
    address: Annotated[str, Field(max_length=300), LINE, OPTIONAL_NAME] | None = None
    ticket_header: Annotated[str, Field(max_length=300), LINE, OPTIONAL_NAME] | None = None
    ticket_footer: Annotated[str, Field(max_length=300), LINE, OPTIONAL_NAME] | None = None
    rating_scale: Literal[3, 4] | None = None
    default_service_s: Annotated[int, Field(ge=30, le=7200)] | None = None
    priority_categories: Annotated[list[Annotated[str, Field(max_length=32)]],
                                   Field(max_length=10)] | None = None
    print_procedure: bool | None = None


class CentreOut(Out):
    code: str
    name: str
    address: str
    timezone: str
    ticket_header: str
    ticket_footer: str
    rating_scale: int
    default_service_s: int
    priority_categories: list[str]
    opening_hours: dict[str, list[StoredOpeningSession]]
    logo_url: str | None
    print_procedure: bool


class LogoOut(Out):
    logo_url: str


class TestPrintOut(Out):
    printed: bool
    printer_state: str
    error: str | None


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    save: Literal["0", "1"] = "0"


class ImportRowOut(Out):
    row: int
    code: str
    name: str
    name_en: str
    prefix: str | None
    target_wait_s: int
    daily_capacity: int | None
    errors: list[str]


class ImportOut(Out):
    ok: bool
    saved: bool
    rows: list[ImportRowOut]


class UserPatch(Body):
    full_name: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] | None = None
    role: Literal["admin", "manager", "officer"] | None = None
    active: bool | None = None
    password: Annotated[str, Field(min_length=8, max_length=200), LINE] | None = None


class UserIn(Body):
    username: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
    role: Literal["admin", "manager", "officer"]
    all_centres: bool = False
    password: Annotated[str, Field(min_length=8, max_length=200), LINE]
    full_name: Annotated[str, Field(max_length=200), LINE, OPTIONAL_NAME] = ""


class OpeningHoursIn(Body):
    """Sessions per weekday, "0" = Monday … "6" = Sunday; an empty object means always open."""

    days: dict[Literal["0", "1", "2", "3", "4", "5", "6"],
               Annotated[list[OpeningSession], Field(max_length=6)]]

    @model_validator(mode="after")
    def _ordered(self) -> OpeningHoursIn:
        for sessions in self.days.values():
            if any(start >= end for start, end in sessions):
                raise ValueError(N_("mỗi buổi phải kết thúc sau khi bắt đầu"))
        return self


class OpeningHoursOut(Out):
    """The opening hours as stored: sessions per weekday, "0" = Monday … "6" = Sunday."""

    days: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[OpeningSession]]


class TicketIn(Body):
    """A ticket for a field, or for a procedure (its field; `field`, when also given, must be
    the procedure's)."""

    model_config = ConfigDict(strict=True, extra="forbid", json_schema_extra={
        "anyOf": [{"required": ["field"]}, {"required": ["procedure"]}]})

    field: Code | None = None
    procedure: Id | None = None
    priority: bool = False
    priority_category: Annotated[str, Field(max_length=32), LINE] | None = None

    @model_validator(mode="after")
    def _field_or_procedure(self) -> TicketIn:
        if self.field is None and self.procedure is None:
            raise ValueError(N_("hãy ghi field (lĩnh vực) hoặc procedure (thủ tục)"))
        return self


class TransferIn(Body):
    field: Code | None = None
    counter: CounterNumber | None = None

    @model_validator(mode="after")
    def _one_target(self) -> TransferIn:
        if (self.field is None) == (self.counter is None):
            raise ValueError(N_("hãy ghi đúng một trong hai: field hoặc counter"))
        return self


class DisplaySettingsIn(Body):
    ticker: Annotated[str, Field(max_length=500), LINE] | None = None
    voice: Literal["server", "browser", "off"] | None = None
    call_repeat: Annotated[int, Field(ge=1, le=3)] | None = None
    call_languages: Annotated[list[Literal["vi", "en"]], Field(min_length=1, max_length=2)] | None = None
    digit_by_digit: bool | None = None
    show_waiting: bool | None = None
    flash_s: Annotated[int, Field(ge=2, le=30)] | None = None
    recent: Annotated[int, Field(ge=0, le=12)] | None = None

    @model_validator(mode="after")
    def _languages(self) -> DisplaySettingsIn:
        if self.call_languages is not None and len(set(self.call_languages)) != len(self.call_languages):
            raise ValueError(N_("một ngôn ngữ được ghi hai lần"))
        return self


class DisplaySettingsOut(Out):
    ticker: str
    voice: Literal["server", "browser", "off"]
    call_repeat: int
    call_languages: list[Literal["vi", "en"]]
    digit_by_digit: bool
    show_waiting: bool
    flash_s: int
    recent: int


class PauseIn(Body):
    reason: Annotated[str, Field(min_length=1, max_length=200), LINE, NAME]


class CallNumberIn(Body):
    number: Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[^\W\d_]{0,4}[0-9]{1,8}$")]


RecordCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-_/:]*$")]


class RecordsIn(Body):
    codes: Annotated[list[RecordCode], Field(min_length=1, max_length=20)]


class RatingIn(Body):
    """A citizen's rating: `level` and `reasons` are keys of docs/domain.md. The comment is
    stored NFC and trimmed, and may then hold at most 200 characters (tabs and line breaks
    are kept, no other control character)."""

    ticket: Id
    level: Annotated[str, Field(max_length=32), LINE]
    reasons: Annotated[list[Annotated[str, Field(max_length=32), LINE]], Field(max_length=10)] = []
    comment: Annotated[str, Field(max_length=1000, description="at most 200 characters once "
                                  "NFC and trimmed"), TEXT] = ""

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str) -> str:
        value = text.tidy(value)
        if len(value) > ratings.COMMENT_MAX:
            raise PydanticCustomError("string_too_long", "dài quá {max_length} ký tự",
                                      {"max_length": ratings.COMMENT_MAX})
        return value


class DayRange(BaseModel):
    """from and to: service days, both included, at most 367 days apart, 2000 to 2099."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _range(self) -> DayRange:
        if not (date(2000, 1, 1) <= self.from_ and self.to <= date(2099, 12, 31)):
            raise ValueError(N_("ngày phải từ 2000-01-01 đến 2099-12-31"))
        if self.to < self.from_:
            raise ValueError(N_("'to' trước 'from'"))
        if (self.to - self.from_).days > 366:
            raise ValueError(N_("nhiều nhất 367 ngày một lần"))
        return self


class AuditQuery(DayRange):
    user: Annotated[str, Field(max_length=64), LINE] | None = None
    action: Annotated[str, Field(max_length=64, pattern=r"^[a-z_]+$")] | None = None
    format: Literal["json", "csv"] = "json"


class AuditOut(Out):
    at: str
    username: str
    device: int | None
    address: str
    action: str
    target: str
    detail: dict[str, Any]


class StatsRange(BaseModel):
    """from and to: service days, both included, at most five years apart, 2000 to 2099."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    field: Code | None = None
    counter: Annotated[int, Field(ge=1, le=9999)] | None = None
    officer: Annotated[str, Field(min_length=1, max_length=64), LINE] | None = None

    @field_validator("counter", mode="before")
    @classmethod
    def _ascii_counter(cls, value: Any) -> Any:
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise PydanticCustomError("int_parsing", "phải là một số nguyên")
        return value

    @model_validator(mode="after")
    def _range(self) -> StatsRange:
        if not (date(2000, 1, 1) <= self.from_ and self.to <= date(2099, 12, 31)):
            raise ValueError(N_("ngày phải từ 2000-01-01 đến 2099-12-31"))
        if self.to < self.from_:
            raise ValueError(N_("'to' trước 'from'"))
        first = self.from_
        day = 28 if (first.month, first.day) == (2, 29) else first.day
        if self.to > first.replace(year=first.year + 5, day=day):
            raise ValueError(N_("nhiều nhất năm năm một lần"))
        return self


StatsGrouping = Literal["field", "counter", "officer", "day", "week", "month", "quarter", "hour",
                        "weekday", "procedure"]


class StatsQuery(StatsRange):
    by: StatsGrouping = "field"
    format: Literal["json", "csv", "xlsx"] = "json"


class StatsTicketsQuery(StatsRange):
    format: Literal["json", "csv", "xlsx"] = "json"


# Responses (documentation; tests check real answers against them).


class FieldRef(Out):
    code: str
    name: str
    name_en: str


class ProcedureRef(Out):
    id: int
    name: str
    name_en: str


class TicketOut(Out):
    id: int
    number: str
    field: FieldRef
    status: Literal["waiting", "called", "serving", "done", "no_show", "transferred", "cancelled"]
    priority: bool
    priority_category: str | None
    source: str
    issued_at: str
    called_at: str | None
    started_at: str | None
    finished_at: str | None
    counter: int | None
    waiting_ahead: int | None
    estimated_wait_s: int | None
    track_url: str
    transferred_from: int | None
    records: list[str] = Field(description="record codes (mã hồ sơ) of the province's procedure system")
    procedure: ProcedureRef | None = Field(None, description="the procedure (thủ tục) the ticket "
                                           "was taken for, when named")
    print: PrintOut | None = None


class PublicTicketOut(Out):
    """What screens, devices and other citizens may see of a ticket."""

    id: int
    number: str
    field: FieldRef
    status: Literal["waiting", "called", "serving", "done", "no_show", "transferred", "cancelled"]
    priority: bool
    counter: int | None
    called_at: str | None


class PrintOut(Out):
    job: int
    status: str


class AnyTicketOut(RootModel[TicketOut | PublicTicketOut]):
    """The whole ticket (staff, the ticket's own tracking token) or the public one (devices)."""


class DeviceState(Out):
    id: int
    kind: str
    name: str
    counter: int | None
    printer: str
    printer_state: str
    printer_checked_at: str | None
    print_jobs_waiting: int
    last_seen_at: str | None


class FieldOut(Out):
    code: str
    name: str
    name_en: str
    icon: str
    position: int
    prefix: str | None
    block_start: int | None
    block_end: int | None
    target_wait_s: int
    daily_capacity: int | None
    is_open: bool
    waiting: int | None = None
    state: Literal["open", "closed", "full", "outside_hours"] | None = None
    estimated_wait_s: int | None = None


class OfficerOut(Out):
    username: str
    full_name: str


class CounterOut(Out):
    number: int
    name: str
    state: Literal["open", "paused", "closed"]
    pause_reason: str | None
    officer: OfficerOut | None
    fields: list[str]
    ticket: TicketOut | PublicTicketOut | None


class CounterRef(Out):
    number: int
    name: str


class CallOut(Out):
    ticket: TicketOut | PublicTicketOut
    counter: CounterRef
    recall: bool
    at: str | None


class QueueField(Out):
    code: str
    name: str
    waiting: int


class CentreRef(Out):
    code: str
    name: str


class QueueOut(Out):
    centre: CentreRef
    fields: list[QueueField]
    counters: list[CounterOut]
    recent: list[CallOut]


class DeviceOut(Out):
    id: int
    kind: str
    name: str
    counter: int | None
    printer: str
    token: str


class UserOut(Out):
    username: str
    role: str
    full_name: str
    active: bool
    all_centres: bool = False


class TokenOut(Out):
    token: str


class TokenInfoOut(Out):
    """An API token as listed: never the token itself, which is shown once."""

    id: int
    user: str
    created_at: str | None
    revoked_at: str | None


class DeviceRevokedOut(Out):
    id: int
    kind: str
    name: str
    revoked_at: str | None


class RatingOut(Out):
    id: int
    ticket: int
    level: str
    reasons: list[str]
    comment: str
    rated_at: str | None


class Durations(Out):
    avg: float | None
    p50: float | None
    p90: float | None


class RatingSummary(Out):
    count: int
    not_rated: int
    by_level: dict[str, int]
    by_reason: dict[str, int]
    satisfied_pct: float | None


class StatsRow(Out):
    key: str | int
    issued: int
    served: int
    no_show: int
    transferred: int
    cancelled: int
    wait_s: Durations
    service_s: Durations
    within_target_pct: float | None
    pause_s: float | None
    ratings: RatingSummary


class StatsOut(Out):
    rows: list[StatsRow]


class StatsTicketRow(Out):
    number: str
    service_day: str
    field: str | None
    counter: int | None
    officer: str | None
    status: str
    issued_at: str | None
    called_at: str | None
    finished_at: str | None
    wait_s: float | None
    service_s: float | None
    records: list[str]
    rating: str | None


class StatsTicketsOut(Out):
    rows: list[StatsTicketRow]


class ErrorDetail(Out):
    code: str
    message: str


class ErrorOut(Out):
    error: ErrorDetail


# --- procedures ---------------------------------------------------------------------------

LongName = Annotated[str, Field(min_length=1, max_length=500), LINE, NAME]


class PaperIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=300), LINE, NAME]
    original: bool = False
    copies: Annotated[int, Field(ge=1, le=99)] = 1


class ProcedureIn(Body):
    field: Code
    name: LongName
    name_en: Annotated[str, Field(max_length=500), LINE, OPTIONAL_NAME] = ""
    code: Annotated[str, Field(min_length=1, max_length=32,
                               pattern=r"^[0-9A-Za-z][0-9A-Za-z_.-]*$")] | None = None
    level: Literal["province", "district", "commune"] | None = None
    time_limit: Annotated[str, Field(max_length=300), LINE, OPTIONAL_NAME] = ""
    fees: Annotated[int, Field(ge=0, le=1_000_000_000)] | None = None
    fee_note: Annotated[str, Field(max_length=300), LINE, OPTIONAL_NAME] = ""
    papers: Annotated[list[PaperIn], Field(max_length=40)] = []
    online: Literal["none", "partial", "full"] = "none"
    portal_url: Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s]+$")] | None = None
    visible: bool = True


class ProcedureQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Annotated[str, Field(max_length=32)] | None = None
    q: Annotated[str, Field(max_length=200), LINE] = ""
    hidden: Literal["0", "1"] = "0"
    limit: Annotated[int, Field(ge=1, le=5000)] = 5000


class PaperOut(Out):
    name: str
    original: bool
    copies: int


class ProcedureOut(Out):
    id: int
    field: FieldRef
    code: str | None
    name: str
    name_en: str
    level: Literal["province", "district", "commune"] | None
    time_limit: str
    fees: int | None
    fee_note: str
    papers: list[PaperOut]
    online: Literal["none", "partial", "full"]
    portal_url: str | None
    visible: bool


class ProcedureImportRowOut(Out):
    row: int
    field: str
    code: str | None
    name: str
    fees: int | None
    papers: int
    online: str
    action: Literal["add", "update"]
    errors: list[str]


class ProcedureImportOut(Out):
    ok: bool
    saved: bool
    added: int
    updated: int
    rows: list[ProcedureImportRowOut]


class TicketPatch(Body):
    """What the officer may change of a ticket: the procedure it is for (one of its field)."""

    procedure: Id | None
