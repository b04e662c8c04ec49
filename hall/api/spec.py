"""The `endpoint` decorator: authenticate, validate, and record the operation for OpenAPI."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from pydantic import BaseModel
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.routing import IntegerConverter

from hall.api.schemas import ErrorOut
from hall.engine import audit
from hall.engine import auth
from hall.engine import text
from hall.engine.clock import app_now
from hall.engine.clock import service_day
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import NotFound
from hall.engine.errors import Unauthorized
from hall.engine.tickets import by_tracking_token
from hall.messages import N_
from hall.messages import Msg
from hall.models import Centre
from hall.store import db
from hall.web import limits
from hall.web import pairing
from hall.web.database import get_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class AsciiInteger(IntegerConverter):
    """<int:…> in ASCII digits only: werkzeug's \\d+ also takes "١٢" and would reach ticket 12."""

    regex = r"[0-9]+"


# Before the blueprint's rules are added: they are bound to the converter when registered.
bp.record_once(lambda state: state.app.url_map.converters.update(int=AsciiInteger))

ERRORS = {
    400: "Invalid body or parameters", 401: "No or bad token",
    403: "The token may not do this", 404: "No such thing",
    409: "The state forbids it", 413: "The body is larger than the server takes",
    422: "The Idempotency-Key was used for another request (or, for an import, a row is wrong)",
    429: "Too many requests", 503: "The database is busy; try again in a moment",
}  # fmt: skip


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    roles: frozenset[str]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | list[type[BaseModel]] | None]
    headers: list[str] = field(default_factory=list)
    files: tuple[str, ...] = ()  # other types its 200 may take (format=csv): text/csv, …
    upload: tuple[str, ...] = ()  # a file as the request body (an import): its types


OPERATIONS: list[Operation] = []


# pydantic's errors by type, in the catalogue's words (its own messages are English only).
_PROBLEMS = {
    "missing": N_("thiếu giá trị bắt buộc"),
    "extra_forbidden": N_("trường này không có trong tài liệu API"),
    "string_type": N_("phải là một chuỗi chữ"),
    "string_too_short": N_("cần ít nhất %(min_length)s ký tự"),
    "string_too_long": N_("dài quá %(max_length)s ký tự"),
    "string_pattern_mismatch": N_("không đúng dạng cho phép"),
    "int_type": N_("phải là một số nguyên"),
    "int_parsing": N_("phải là một số nguyên"),
    "int_from_float": N_("phải là một số nguyên"),
    "float_type": N_("phải là một số"),
    "float_parsing": N_("phải là một số"),
    "bool_type": N_("phải là true hoặc false"),
    "bool_parsing": N_("phải là true hoặc false"),
    "greater_than": N_("phải lớn hơn %(gt)s"),
    "greater_than_equal": N_("phải từ %(ge)s trở lên"),
    "less_than": N_("phải nhỏ hơn %(lt)s"),
    "less_than_equal": N_("không được quá %(le)s"),
    "literal_error": N_("phải là một trong: %(expected)s"),
    "enum": N_("phải là một trong: %(expected)s"),
    "list_type": N_("phải là một danh sách"),
    "too_short": N_("cần ít nhất %(min_length)s phần tử"),
    "too_long": N_("nhiều nhất %(max_length)s phần tử"),
    "dict_type": N_("phải là một đối tượng JSON"),
    "model_type": N_("phải là một đối tượng JSON"),
    "model_attributes_type": N_("phải là một đối tượng JSON"),
    "date_type": N_("phải là một ngày dạng YYYY-MM-DD"),
    "date_parsing": N_("phải là một ngày dạng YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("phải là một ngày dạng YYYY-MM-DD"),
    "time_type": N_("phải là giờ dạng HH:MM"),
    "time_parsing": N_("phải là giờ dạng HH:MM"),
    "dict_attributes_type": N_("phải là một đối tượng JSON"),
    "control_character": N_("không được chứa ký tự điều khiển"),
    "invisible_character": N_("không được chứa ký tự vô hình hay ký tự điều khiển"),
    "blank": N_("không được để trống"),
}


def _problem(error: Any) -> Msg:
    kind = error["type"]
    context = dict(error.get("ctx") or {})
    if kind == "value_error":  # a validator's own ValueError: a Msg or a catalogue text
        cause = context.get("error")
        said = cause.args[0] if isinstance(cause, ValueError) and cause.args else str(cause)
        return said if isinstance(said, Msg) else Msg(str(said))
    if kind in _PROBLEMS:
        values = {k: str(v).replace(" or ", ", ") for k, v in context.items()
                  if f"%({k})s" in _PROBLEMS[kind]}
        return Msg(_PROBLEMS[kind], **values)
    return Msg(N_("giá trị không hợp lệ"))


def _validation_message(exc: ValidationError, whole: str = "body") -> Msg:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or whole
    return Msg("Dữ liệu không hợp lệ ở '%(where)s': %(problem)s", where=where, problem=_problem(first))


def parse_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated by `model`, or a 400."""
    raw = request.get_data(cache=True)
    try:
        return model.model_validate_json(raw or b"")
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise Invalid("Nội dung không phải JSON hợp lệ", "invalid_json") from None
        raise Invalid(_validation_message(exc), "invalid_body") from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise Invalid(_validation_message(exc, "query"), "invalid_parameters") from None


def caller() -> str:
    """Who is asking, before any database work: the hash of the bearer token, or of the
    console's CSRF token (one per login session), else the client's address."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + auth.hash_token(token.strip())
    if device_token := pairing.header_token():
        return "token:" + auth.hash_token(device_token)
    if csrf := request.headers.get("X-CSRF-Token"):
        return "session:" + auth.hash_token(csrf)
    return "address:" + (request.remote_addr or "")


CENTRE_HEADER = "X-Hall-Centre"


def authenticate() -> auth.Principal:
    """The caller, working on their centre, or, for a province's administrator, on the
    centre the X-Hall-Centre header names."""
    principal = _caller()
    chosen = request.headers.get(CENTRE_HEADER)
    if chosen is None or chosen == principal.centre.code:
        return principal
    user = principal.user
    if user is None or not user.all_centres or user.role != "admin":
        raise Forbidden("Chỉ quản trị viên cấp tỉnh được làm việc với trung tâm khác")
    centre = auth.centre_by_code(get_session(), chosen) if text.is_clean(chosen) else None
    if centre is None:
        raise NotFound("Không có trung tâm này", "unknown_centre")
    return dataclasses.replace(principal, centre=centre)


def _caller() -> auth.Principal:
    header = request.headers.get("Authorization", "")
    if not header and (device_token := pairing.header_token()):
        header = "Bearer " + device_token  # a paired device page: the token is its cookie's
    if not header:
        from hall.web import logins

        if (by_session := logins.request_principal()) is not None:
            return by_session
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    session = get_session()
    principal = auth.principal_for(session, token.strip())
    if principal is None and text.is_tracking_token(token.strip()):
        ticket = by_tracking_token(session, token.strip())
        if ticket is not None:
            centre = session.get_one(Centre, ticket.centre_id)
            # a ticket of an earlier day no longer opens anything (its page answers 410)
            if ticket.service_day == service_day(app_now(current_app.config), centre.timezone):
                return auth.Principal(auth.CITIZEN, centre, ticket=ticket)
    if principal is None:
        raise Unauthorized()
    return principal


def _audit(principal: auth.Principal, action: str, kwargs: dict[str, Any]) -> None:
    """Note the action for the audit log: written with the change, at its commit."""
    assert principal.user is not None
    given = kwargs.get("body")
    detail = given.model_dump(mode="json") if isinstance(given, BaseModel) else {}
    target = " ".join(f"{name}={value}" for name, value in kwargs.items()
                      if name not in ("body", "query"))
    audit.intend(get_session(), audit.Entry(
        centre_id=principal.centre.id, at=app_now(current_app.config), action=action,
        user_id=principal.user.id, username=principal.user.username,
        address=request.remote_addr or "", target=target, detail=detail))


def endpoint(rule: str, method: str, *, summary: str, roles: frozenset[str],
             body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
             responses: dict[int, Any], headers: list[str] | None = None,
             limit: str | None = None, files: tuple[str, ...] = (),
             upload: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view: rate limit counted (429, with `limit`: hall.web.limits), token
    checked (401), role checked (403), body/query validated (400)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        OPERATIONS.append(Operation(rule, method, summary, roles, body, query, responses,
                                    headers or [], files, upload))

        writes = method != "GET"

        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            if writes:  # the whole body arrives before any database work (a slow client
                request.get_data(cache=True)  # holds no transaction while it sends)
            if limit is not None:  # counted before any transaction: Redis is network I/O
                limits.check(limit, caller())
            if writes:  # then every statement of this request is in one write
                db.write(get_session())
            principal = authenticate()
            principal.require(roles)
            for name, value in kwargs.items():  # text path parameters reach queries
                if isinstance(value, str) and not text.is_clean(value):
                    raise Invalid("Tham số '%(name)s' chứa ký tự điều khiển", "invalid_parameters", name=name)
            if body is not None:
                kwargs["body"] = parse_body(body)
            if query is not None:
                kwargs["query"] = parse_query(query)
            if writes and principal.user is not None:  # a person's action: the audit log
                _audit(principal, view.__name__, kwargs)
            return view(principal, **kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method])
        _BY_ENDPOINT[f"{bp.name}.{view.__name__}"] = OPERATIONS[-1]
        return wrapper

    return decorate


_BY_ENDPOINT: dict[str, Operation] = {}
# Answers every operation may give besides the ones it declares (see `_operation`), and
# those of every operation that writes (a body too large; the write gate's wait timed out).
COMMON = (400, 401, 403, 404)  # 404: X-Hall-Centre naming no centre
WRITES = (413, 503)


def _common(method: str) -> tuple[int, ...]:
    return COMMON + (WRITES if method != "GET" else ())


class UndocumentedAnswer(AssertionError):
    """An answer that the OpenAPI document does not describe (CHECK_RESPONSES)."""


@bp.after_request
def _check_response(response: Response) -> Response:
    """With CHECK_RESPONSES (the tests): every answer of an operation must be one the
    OpenAPI document declares, with a body its response model accepts, so the document and
    the code cannot drift apart."""
    if not current_app.config.get("CHECK_RESPONSES"):
        return response
    operation = _BY_ENDPOINT.get(request.endpoint or "")
    if operation is None or response.status_code >= 500:
        return response  # the document itself; a 5xx is a failure the tests see anyway
    if request.method not in (operation.method, "HEAD"):
        return response  # OPTIONS: werkzeug's own answer (the Allow header), no operation's
    status = response.status_code
    if status == 200 and response.mimetype in operation.files:
        return response  # a file (format=csv): its rows are the JSON answer's, written out
    if status in operation.responses:
        model = operation.responses[status]
    elif status in _common(operation.method):
        model = ErrorOut
    else:
        raise UndocumentedAnswer(f"{operation.method} {operation.rule} answered {status}, "
                                 f"which the document does not declare")
    body = response.get_json(silent=True) if response.is_json else None
    try:
        if model is None:
            if response.get_data():
                raise UndocumentedAnswer(f"{operation.method} {operation.rule} {status} "
                                         "should have no body")
        elif isinstance(model, list):
            if not isinstance(body, list):
                raise UndocumentedAnswer(f"{operation.method} {operation.rule} {status}: "
                                         "a list was declared")
            for item in body:
                model[0].model_validate(item)
        else:
            model.model_validate(body)
    except ValidationError as exc:
        raise UndocumentedAnswer(f"{operation.method} {operation.rule} {status} does not match "
                                 f"its schema: {exc}") from None
    return response


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule):
        kind = "integer" if converter == "int" else "string"
        params.append({"name": name, "in": "path", "required": True, "schema": {"type": kind}})
    return "/api/v1" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule), params


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {"ErrorOut": ErrorOut}
    for op in OPERATIONS:
        for model in (op.body, op.query, *op.responses.values()):
            if isinstance(model, list):
                model = model[0]
            if model is not None:
                found[model.__name__] = model
    return list(found.values())


def _operation(op: Operation) -> dict[str, Any]:
    path, params = _path(op.rule)
    item: dict[str, Any] = {
        "summary": op.summary,
        "description": "Allowed: " + ", ".join(sorted(op.roles)),
        "operationId": f"{op.method.lower()}_{path.strip('/').replace('/', '_')}",
        "parameters": params + [
            {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
            for name in op.headers
        ],
        "security": [{"bearer": []}, {"consoleSession": []}, {"devicePage": []}],
        "responses": {},
    }
    if op.query is not None:
        schema = op.query.model_json_schema(by_alias=True)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            item["parameters"].append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if op.upload:
        item["requestBody"] = {"required": True, "content": {
            mimetype: {"schema": {"type": "string", "format": "binary"}} for mimetype in op.upload}}
    if op.body is not None:
        item["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": _ref(op.body)}},
        }  # fmt: skip
    for status, model in op.responses.items():
        response: dict[str, Any] = {"description": "OK" if status < 300 else ERRORS[status]}
        if isinstance(model, list):
            array = {"type": "array", "items": _ref(model[0])}
            response["content"] = {"application/json": {"schema": array}}
        elif model is not None:
            response["content"] = {"application/json": {"schema": _ref(model)}}
        if status == 200:
            for mimetype in op.files:
                response.setdefault("content", {})[mimetype] = {
                    "schema": {"type": "string", "format": "binary"}}
        item["responses"][str(status)] = response
    for status in _common(op.method):
        item["responses"].setdefault(str(status), {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": _ref(ErrorOut)}},
        })  # fmt: skip
    return item


@functools.cache
def openapi_document() -> dict[str, Any]:
    """OpenAPI 3.1 built from the registered operations and their pydantic schemas (once:
    operations are all registered at import)."""
    _, defs = models_json_schema(
        [(model, "validation") for model in _models()],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path, _ = _path(op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "hall API", "version": "1",
                 "description": "Kiosk and queue-number system; see docs/api.md."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "consoleSession": {
                    "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "The officer console in the browser: the login session cookie "
                                   "from /counter/login plus this header with the session's token.",
                },
                "devicePage": {
                    "type": "apiKey", "in": "header", "name": "X-Hall-Device",
                    "description": "A paired device page (kiosk, display, door) in its browser: "
                                   "its pairing cookie (HttpOnly, SameSite=Strict) plus this "
                                   "header naming the page's kind; the page never holds its token.",
                },
            },
        },
    }
