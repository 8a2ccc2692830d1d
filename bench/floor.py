"""Floors under the bot: the bare endpoint plus one transaction of six small statements on
the bot's database, as many as an ordinary message makes (tests/bot/test_statements.py), no
conversation, no text catalogue (gunicorn "bench.floor:create()", DATABASE_URL set; its tables
made by `prepare`). The same six statements run two ways:
- `create()`: through SQLAlchemy Core in a Session's transaction, as the bot runs its own;
- `create('driver')`: compiled once by SQLAlchemy, then run through the DBAPI driver (psycopg,
  sqlite3) on a connection from the same pool, pre-ping included; SQLAlchemy only binds the
  values.

What they measure: how much of the gap between the bot and the bare endpoint is the database
round trips and the server's work (the driver's floor), and how much the SQL layer adds to
them (the Core floor), on the same machine, in the same run."""

import os
import uuid
from collections.abc import Callable, Mapping

from flask import Flask, Response, request
from sqlalchemy import (
    Column,
    Engine,
    Executable,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
)

from bench.bare import TWIML
from storage.db import SQLITE_BEGIN, make_engine, transaction, upsert

tables = MetaData()
inbound_rows = Table("floor_inbound", tables, Column("id", Integer, primary_key=True),
                     Column("sid", String, unique=True), Column("phone", String, index=True),
                     Column("body", String))  # fmt: skip
talks = Table("floor_conversation", tables, Column("phone", String, primary_key=True),
              Column("state", String))  # fmt: skip
outbound_rows = Table("floor_outbound", tables, Column("id", Integer, primary_key=True),
                      Column("phone", String), Column("body", String))  # fmt: skip

Values = Mapping[str, str]


def prepare(url: str) -> None:
    engine = make_engine(url)
    tables.drop_all(engine)
    tables.create_all(engine)
    engine.dispose()


def statements(dialect: str) -> list[tuple[Executable, bool]]:
    """The six, each with whether its rows are read: the inbound row kept once, the
    conversation written and read under its lock, two reads, the answer queued."""
    phone = bindparam("phone")
    kept = upsert(dialect, inbound_rows).values(sid=bindparam("sid"), phone=phone,
                                                body=bindparam("body"))  # fmt: skip
    written = upsert(dialect, talks).values(phone=phone, state="asked")
    return [
        (kept.on_conflict_do_nothing(), False),
        (written.on_conflict_do_update(index_elements=["phone"], set_={"state": "answered"}),
         False),  # fmt: skip
        (select(talks).where(talks.c.phone == phone).with_for_update(), True),
        (select(func.count()).select_from(inbound_rows).where(inbound_rows.c.phone == phone),
         True),  # fmt: skip
        (select(outbound_rows.c.id).where(outbound_rows.c.phone == phone).limit(1), True),
        (insert(outbound_rows).values(phone=phone, body="ok"), False),
    ]


def through_core(engine: Engine) -> Callable[[Values], None]:
    """The six through SQLAlchemy Core, in a Session's transaction (storage.db.transaction)."""
    six = statements(engine.dialect.name)

    def answer(values: Values) -> None:
        with transaction(engine) as session:
            run = session.connection().execute
            for statement, reads in six:
                result = run(statement, dict(values))
                if reads:
                    result.all()

    return answer


def through_driver(engine: Engine) -> Callable[[Values], None]:
    """The same six, compiled once for the engine's dialect, run on the DBAPI connection alone:
    the pool's checkout (with its pre-ping) and the driver; of SQLAlchemy's execution only the
    binding of each statement's values (construct_params)."""
    compiled = [(statement.compile(dialect=engine.dialect), reads)
                for statement, reads in statements(engine.dialect.name)]  # fmt: skip
    begin = SQLITE_BEGIN if engine.dialect.name == "sqlite" else None

    def answer(values: Values) -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if begin:
                cursor.execute(begin)
            for statement, reads in compiled:
                given = statement.construct_params(dict(values))
                if order := statement.positiontup:  # sqlite3's ?, in the statement's order
                    given = tuple(given[name] for name in order)
                cursor.execute(statement.string, given)
                if reads:
                    cursor.fetchall()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()  # back to the pool

    return answer


def create(way: str = "core") -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])
    answer = (through_driver if way == "driver" else through_core)(engine)

    @app.post("/whatsapp/inbound")
    def inbound() -> Response:
        form = request.form.to_dict(flat=True)
        answer({"sid": uuid.uuid4().hex, "phone": form.get("From", "")[-32:],
                "body": form.get("Body", "")})  # fmt: skip
        return Response(TWIML, mimetype="application/xml")

    return app
