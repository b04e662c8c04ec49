"""Bearer tokens for users and devices: made, hashed, looked up, checked against roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from hall.engine.errors import Forbidden
from hall.models import ApiToken
from hall.models import Centre
from hall.models import Device
from hall.models import Ticket
from hall.models import User
from hall.store import cache

USERS = frozenset({"admin", "manager", "officer"})
ANY = frozenset({"admin", "manager", "officer", "kiosk", "display", "tablet"})
CITIZEN = "citizen"  # a ticket's tracking token: reads that ticket, nothing else


@dataclass(frozen=True)
class Principal:
    """Whoever a token stands for: `role` is a user role or a device kind."""

    role: str
    centre: Centre
    user: User | None = None
    device: Device | None = None
    via: str = "token"  # or "session": an officer's console in the browser
    ticket: Ticket | None = None  # the tracked ticket, for a tracking token (role CITIZEN)

    @property
    def sees_whole_tickets(self) -> bool:
        """Staff see whole tickets; devices see the public ticket (docs/api.md)."""
        return self.user is not None

    @property
    def credential(self) -> str:
        """A stable key for idempotency records."""
        return f"user:{self.user.id}" if self.user else f"device:{self.device.id}"  # type: ignore[union-attr]

    def require(self, roles: frozenset[str]) -> None:
        if self.role not in roles:
            raise Forbidden()

    def officer(self) -> User:
        """The user behind the token; devices may not act at counters."""
        if self.user is None:
            raise Forbidden("Chỉ cán bộ mới làm được việc này")
        return self.user


USER_TOKEN, DEVICE_TOKEN = "u_", "d_"


def new_token(kind: str) -> tuple[str, str]:
    """A fresh token (kind prefix + 256 random bits) and the hash we store; shown once."""
    token = kind + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# scrypt (werkzeug's default); tests lower the cost, production never does.
PASSWORD_METHOD = "scrypt"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


_dummy: dict[str, str] = {}


def check_password_against(user: User | None, password: str) -> bool:
    """`check_password`, and for no user a hash of the same cost checked anyway (always
    False): an unknown username takes as long as a wrong password."""
    if user is not None:
        return check_password(user, password)
    dummy = _dummy.get(PASSWORD_METHOD)
    if dummy is None:
        dummy = _dummy[PASSWORD_METHOD] = generate_password_hash(secrets.token_urlsafe(16),
                                                                 method=PASSWORD_METHOD)
    check_password_hash(dummy, password)
    return False


def issue_user_token(session: Session, user: User, now: datetime) -> str:
    token, digest = new_token(USER_TOKEN)
    session.add(ApiToken(user_id=user.id, token_hash=digest, created_at=now))
    return token


_centres: cache.Remembered[Centre] = cache.Remembered()


def centre_by_code(session: Session, code: str) -> Centre | None:
    """A centre by its code (remembered like the principals)."""
    remembered = _centres.get(session, code)
    if remembered is not None:
        return cache.attach(session, remembered)
    generation = cache.generation()
    centre = session.scalar(select(Centre).where(Centre.code == code))
    if centre is not None:
        _centres.put(session, code, cache.snapshot(centre), generation)
    return centre


_principals: cache.Remembered[tuple[str, Centre, User | None, Device | None]] = (
    cache.Remembered()
)


def principal_for(session: Session, token: str) -> Principal | None:
    """The live user or device behind a bearer token, or None. Remembered for a moment
    (hall.store.cache): a revocation in this process counts at once, from another within seconds."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    hit = _principals.get(session, digest)
    if hit is not None:
        role, centre, user, device = hit
        return Principal(role, cache.attach(session, centre), user=cache.attach(session, user),
                         device=cache.attach(session, device))
    generation = cache.generation()
    principal = _lookup(session, token, digest)
    if principal is not None:
        _principals.put(session, digest, (principal.role, cache.snapshot(principal.centre),
                                 cache.snapshot(principal.user), cache.snapshot(principal.device)),
                        generation)
    return principal


def _lookup(session: Session, token: str, digest: str) -> Principal | None:
    if token.startswith(USER_TOKEN):
        found = session.execute(
            select(User, Centre).join(ApiToken, ApiToken.user_id == User.id)
            .join(Centre, Centre.id == User.centre_id)
            .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
        ).first()
        if found is not None and found[0].active:
            return Principal(found[0].role, found[1], user=found[0])
    elif token.startswith(DEVICE_TOKEN):
        row = session.execute(
            select(Device, Centre).join(Centre, Centre.id == Device.centre_id)
            .where(Device.token_hash == digest, Device.revoked_at.is_(None))
        ).first()
        if row is not None:
            return Principal(row[0].kind, row[1], device=row[0])
    return None
