"""Web console accounts (hashing happens in bot/console; only hashes are stored)."""

from enum import StrEnum

from sqlmodel import Session, select

from storage.models import User


class Role(StrEnum):
    ADMIN = "admin"  # everything
    EXPERT = "expert"  # their own sessions
    RECEPTIONIST = "receptionist"  # reads the inbox and the calendar


ROLES = tuple(Role)


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def save_user(
    session: Session,
    email: str,
    password_hash: str,
    role: str,
    name: str = "",
    expert_id: int | None = None,
) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (use {', '.join(ROLES)})")
    user = user_by_email(session, email) or User(
        email=email.strip().lower(), password_hash="", role=role
    )
    user.password_hash, user.role, user.name = password_hash, role, name or user.name
    user.expert_id = expert_id
    session.add(user)
    session.flush()
    return user
