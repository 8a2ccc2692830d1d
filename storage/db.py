"""Engine and sessions, and what a transaction reads once. SQLite gets WAL, a busy timeout,
foreign keys and BEGIN IMMEDIATE."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 5_000
# Well inside Twilio's 15 s: a database that is down or hung is noticed in time to keep the
# message (bot/inbound/spool.py) and answer the user.
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 8_000
POOL_TIMEOUT_S = 3
# SQLite's transactions take the write lock up front (see _make_sqlite_transactional).
SQLITE_BEGIN = "BEGIN IMMEDIATE"

# What "the database cannot be reached (now)" looks like to the caller.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)


def make_engine(url: str, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> Engine:
    """The engine for `url`; migrations pass statement_timeout_ms=0 (no limit)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        options = f"-c statement_timeout={statement_timeout_ms}"
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_timeout=POOL_TIMEOUT_S,
            hide_parameters=True,  # no phone number, NIK or message text in a logged error
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": options},
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # no phone number, NIK or message text in a logged error
    )
    _make_sqlite_transactional(engine)
    return engine


def _make_sqlite_transactional(engine: Engine) -> None:
    """SQLAlchemy's recipe: let SQLAlchemy emit BEGIN, and make it BEGIN IMMEDIATE.

    Every transaction takes the write lock up front, so a read-then-write (load a
    conversation, then update it) can never interleave with another writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql(SQLITE_BEGIN)


def upsert(dialect: str, table: type):
    """INSERT … ON CONFLICT for the dialect named (PostgreSQL's or SQLite's, the same
    clauses): one statement where a savepoint, an insert and a select would be three."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def without_waiting_for_disk(session: Session) -> None:
    """This transaction's commit does not wait for the disk (PostgreSQL's synchronous_commit
    off, for this transaction only): only for a change that a crash may lose because what
    follows finds it out anyway. SQLite: nothing changes."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SET LOCAL synchronous_commit TO OFF"))


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


# What a transaction reads once and keeps: a few small tables that a message may need more
# than once (the experts for a time and again under the schedule lock; the administrators
# who wrote and to whom a notice goes). Kept in the session's info for its current
# transaction, each under its name; forgotten when the same session flushes a row of a table
# it was read from. Another transaction's change is seen by the next transaction, as with any
# read under READ COMMITTED that is not repeated.
KEPT = "kept"
READ_FROM: dict[str, frozenset[type]] = {}
T = TypeVar("T")


class ReadOnce(Generic[T]):
    """What a transaction reads of `models` under `name`: `get(session, read)` gives what was
    kept earlier in this transaction, else calls `read()` and keeps it; `keep` keeps what
    another query read along the way. Forgotten when a row of `models` is written."""

    def __init__(self, name: str, *models: type) -> None:
        self.name = name
        READ_FROM[name] = frozenset(models)

    def get(self, session: Session, read: Callable[[], T]) -> T:
        if session.autoflush:  # as the query it stands for would: a pending write forgets it
            session.flush()
        kept = _kept(session)
        if self.name not in kept:
            kept[self.name] = read()
        return kept[self.name]

    def keep(self, session: Session, value: T) -> None:
        _kept(session)[self.name] = value


def _kept(session: Session) -> dict[str, Any]:
    if (root := session.get_transaction()) is None:
        session.connection()  # the transaction begun: the one that keeps what is read
        root = session.get_transaction()
    kept = session.info.get(KEPT)
    if kept is None or kept[0] is not root:
        kept = session.info[KEPT] = (root, {})
    return kept[1]


@event.listens_for(Session, "before_flush")
def _forget_written(session: Session, _context, _instances) -> None:
    if not (kept := session.info.get(KEPT)) or not kept[1]:
        return
    written = {type(row) for row in (*session.new, *session.dirty, *session.deleted)}
    for name in [name for name in kept[1] if written & READ_FROM[name]]:
        del kept[1][name]
