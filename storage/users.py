"""Web console accounts (hashing happens in bot/console; only hashes are stored), their
sessions, and the log-in throttle."""

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import LoginThrottle, User
from storage.roles import ROLES


class EmailTaken(Exception):
    """`user add` for an e-mail that has an account already (reset it on purpose instead)."""


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def save_user(
    session: Session,
    email: str,
    password_hash: str,
    role: str,
    name: str = "",
    expert_id: int | None = None,
    reset: bool = True,
) -> User:
    """A new account; with `reset`, an existing one gets this password and role, and every
    session it had ends. Without it an existing e-mail raises EmailTaken."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (use {', '.join(ROLES)})")
    user = user_by_email(session, email)
    if user is not None and not reset:
        raise EmailTaken(email)
    if user is None:
        user = User(email=email.strip().lower(), password_hash="", role=role)
    else:
        user.session_epoch += 1
    user.password_hash, user.role, user.name = password_hash, role, name or user.name
    user.expert_id, user.active = expert_id, True
    session.add(user)
    session.flush()
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Every cookie of this account stops working (log-out, everywhere)."""
    if user := session.get(User, user_id, with_for_update=True):
        user.session_epoch += 1


def deactivate(session: Session, email: str) -> User | None:
    user = user_by_email(session, email)
    if user is not None:
        user.active = False
        user.session_epoch += 1
    return user


# --- log-in throttling ---------------------------------------------------------------------------

FORGET_AFTER = timedelta(minutes=15)  # failures older than this no longer count
SLOW_AFTER = 5  # from the 5th failure: a growing wait (1, 2, 4, 8, 16 s)
LOCK_AFTER = 10  # the 10th failure locks the account or address
LOCK_FOR = timedelta(minutes=15)


def throttle_keys(email: str, address: str | None) -> list[str]:
    return [f"account:{email.strip().lower()}"[:300], f"address:{address or '-'}"[:300]]


def login_blocked(session: Session, keys: list[str], now: datetime) -> timedelta | None:
    """How long a log-in must wait (any key locked), or None."""
    rows = session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys))).all()
    waits = [row.locked_until - now for row in rows if row.locked_until and row.locked_until > now]
    return max(waits) if waits else None


def login_failed(session: Session, keys: list[str], now: datetime) -> None:
    for key in keys:
        row = session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            try:
                with session.begin_nested():
                    session.add(LoginThrottle(key=key, failures=0, last_failure=now))
            except IntegrityError:  # another worker made it meanwhile
                pass
            row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        if now - row.last_failure > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        if row.failures >= LOCK_AFTER:
            row.locked_until = now + LOCK_FOR
        elif row.failures >= SLOW_AFTER:
            row.locked_until = now + timedelta(seconds=2 ** (row.failures - SLOW_AFTER))


def login_succeeded(session: Session, email: str) -> None:
    """The account's failures are forgotten (an address's are not: others may try from it)."""
    account = throttle_keys(email, None)[0]
    session.exec(delete(LoginThrottle).where(col(LoginThrottle.key) == account))
