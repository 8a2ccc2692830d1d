"""A floor under the bot: the bare endpoint plus one transaction of six small statements on
the bot's database, as many as an ordinary message makes (tests/bot/test_statements.py),
through SQLAlchemy Core and no ORM, no conversation, no text catalogue
(gunicorn "bench.floor:create()", DATABASE_URL set; its tables made by `prepare`).

What it measures: how much of the gap between the bot and the bare endpoint is the database
round trips alone, on the same machine, in the same run."""

import os
import uuid

from flask import Flask, Response, request
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select

from bench.bare import TWIML
from storage.db import make_engine, transaction, upsert

tables = MetaData()
inbound_rows = Table("floor_inbound", tables, Column("id", Integer, primary_key=True),
                     Column("sid", String, unique=True), Column("phone", String, index=True),
                     Column("body", String))  # fmt: skip
talks = Table("floor_conversation", tables, Column("phone", String, primary_key=True),
              Column("state", String))  # fmt: skip
outbound_rows = Table("floor_outbound", tables, Column("id", Integer, primary_key=True),
                      Column("phone", String), Column("body", String))  # fmt: skip


def prepare(url: str) -> None:
    engine = make_engine(url)
    tables.drop_all(engine)
    tables.create_all(engine)
    engine.dispose()


def answer(engine: Engine, phone: str, body: str) -> None:
    """The six: the inbound row kept once, the conversation written and read under its lock,
    two reads, the answer queued."""
    with transaction(engine) as session:
        run = session.connection().execute
        run(upsert(engine.dialect.name, inbound_rows)
            .values(sid=uuid.uuid4().hex, phone=phone, body=body).on_conflict_do_nothing())
        written = upsert(engine.dialect.name, talks).values(phone=phone, state="asked")
        run(written.on_conflict_do_update(index_elements=["phone"], set_={"state": "answered"}))
        run(select(talks).where(talks.c.phone == phone).with_for_update()).all()
        run(select(func.count()).select_from(inbound_rows)
            .where(inbound_rows.c.phone == phone)).one()
        run(select(outbound_rows.c.id).where(outbound_rows.c.phone == phone).limit(1)).all()
        run(insert(outbound_rows).values(phone=phone, body="ok"))  # fmt: skip


def create() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])

    @app.post("/whatsapp/inbound")
    def inbound() -> Response:
        form = request.form.to_dict(flat=True)
        answer(engine, form.get("From", "")[-32:], form.get("Body", ""))
        return Response(TWIML, mimetype="application/xml")

    return app


