"""`eklinik`: the Flask CLI group with the project's own commands."""

import json
import logging
import sys
import uuid
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import FlaskGroup

from flows.report import FORMATS
from storage.roles import ROLES

if TYPE_CHECKING:
    from flask import Flask

    from bot.lifecycle import Acting
    from storage.models import Expert

CLI_ACTOR = "cli"  # who the history names for what the command line did


def _create_app() -> "Flask":
    """The app, made when a command runs (never for --help); settings that are not safe end
    the command with why."""
    from bot.app import app_or_exit

    return app_or_exit()


class Commands(FlaskGroup):
    """Flask's CLI group, listing only the project's own commands: `eklinik --help` never
    makes the app (each command does, when it runs), and each command imports what it uses."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)


cli = Commands(create_app=_create_app, add_default_commands=False,
               help="E-Klinik Koperasi: the WhatsApp booking bot.")  # fmt: skip


def _engine():
    return current_app.extensions["engine"]


def _phone(raw: str) -> str:
    from flows.phone import normalize_phone
    phone = normalize_phone(raw)
    if phone is None:
        raise click.BadParameter(f"not a phone number: {raw}")
    return phone


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (safe to run again)."""
    from storage.db import transaction
    from storage.directory import ensure_topics
    from storage.migrate import upgrade
    upgrade(current_app.config["DATABASE_URL"])
    with transaction(_engine()) as session:
        ensure_topics(session)
    click.echo("database is up to date")


@cli.group()
def admin() -> None:
    """PA EKO administrators."""


@admin.command("add")
@click.option("--phone", required=True)
@click.option("--name", default="")
def admin_add(phone: str, name: str) -> None:
    from storage.db import transaction
    from storage.directory import add_admin
    with transaction(_engine()) as session:
        added = add_admin(session, _phone(phone), name)
    click.echo(f"administrator {added.phone} {added.name}".rstrip())


@cli.group()
def expert() -> None:
    """Cooperative experts (tenaga ahli)."""


@expert.command("add")
@click.option("--name", required=True)
@click.option("--phone", required=True)
@click.option("--topics", required=True, help="kelembagaan,pendampingan,keuangan,usaha")
@click.option("--link", default=None, help="the expert's standing meeting link")
def expert_add(name: str, phone: str, topics: str, link: str | None) -> None:
    from flows.links import is_meeting_link
    from storage.db import transaction
    from storage.directory import add_expert
    keys = [key.strip() for key in topics.split(",") if key.strip()]
    hosts = current_app.extensions["settings"].link_hosts
    if link and not is_meeting_link(link, hosts):
        raise click.BadParameter(f"not an https link on {', '.join(hosts)}", param_hint="--link")
    with transaction(_engine()) as session:
        try:
            added = add_expert(session, name, _phone(phone), keys, link)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--topics") from error
    click.echo(f"expert {added.name} {added.phone}: {', '.join(keys)}")


def _expert_by_phone(session, raw: str) -> "Expert":
    from storage.directory import expert_by_phone
    expert = expert_by_phone(session, _phone(raw), active_only=False)
    if expert is None:
        raise click.BadParameter(f"no expert with phone {raw}", param_hint="--phone")
    return expert


@expert.command("off")
@click.option("--phone", required=True)
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--reason", default="")
def expert_off(phone: str, day: datetime, reason: str) -> None:
    """Mark a day the expert cannot take sessions (no time is offered with them)."""
    from storage.db import transaction
    from storage.schedule import set_day_off
    with transaction(_engine()) as session:
        found = _expert_by_phone(session, phone)
        set_day_off(session, found.id, day.date(), reason, off=True)
    click.echo(f"{found.name} is off on {day.date()}")


@expert.command("on")
@click.option("--phone", required=True)
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]))
def expert_on(phone: str, day: datetime) -> None:
    """Undo `expert off` for that day."""
    from storage.db import transaction
    from storage.schedule import set_day_off
    with transaction(_engine()) as session:
        found = _expert_by_phone(session, phone)
        set_day_off(session, found.id, day.date(), "", off=False)
    click.echo(f"{found.name} is available on {day.date()}")


@cli.group()
def closed() -> None:
    """The department's own closed days (cuti bersama, events); public holidays are built in."""


@closed.command("add")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--reason", required=True, help='shown to cooperatives, e.g. "Cuti bersama"')
def closed_add(day: datetime, reason: str) -> None:
    from flows.calendar import format_day
    from storage.db import transaction
    from storage.schedule import add_closed_day
    with transaction(_engine()) as session:
        add_closed_day(session, day.date(), reason)
    click.echo(f"closed on {format_day(day.date())}: {reason}")


@closed.command("remove")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
def closed_remove(day: datetime) -> None:
    from storage.db import transaction
    from storage.schedule import remove_closed_day
    with transaction(_engine()) as session:
        removed = remove_closed_day(session, day.date())
    click.echo(f"open again on {day.date()}" if removed else f"{day.date()} was not closed")


@closed.command("list")
@click.option("--all", "everything", is_flag=True, help="past days too")
def closed_list(everything: bool) -> None:
    from flows.calendar import format_day
    from flows.dates import WIB
    from storage.db import transaction
    from storage.schedule import list_closed_days
    since = date.min if everything else datetime.now(WIB).date()
    with transaction(_engine()) as session:
        days = list_closed_days(session, since)
    if not days:
        click.echo("no closed days")
    for row in days:
        click.echo(f"{row.day}  {format_day(row.day)}  {row.reason}")


@cli.group()
def user() -> None:
    """Web console accounts."""


def _new_password() -> str:
    """Asked twice at a terminal, or one line on stdin (never on the command line, where
    other users and the shell history would see it)."""
    from bot.console.auth import password_problem
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if why := password_problem(password):
        raise click.UsageError(why)
    return password


@user.command("add")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([role.value for role in ROLES]), required=True)
@click.option("--name", default="")
@click.option("--expert-phone", default=None, help="for --role expert: the expert's number")
@click.option("--reset", is_flag=True, help="the account exists: give it this password and "
              "role, and end its sessions")  # fmt: skip
def user_add(email: str, role: str, name: str, expert_phone: str | None, reset: bool) -> None:
    """A console account; the password is asked for (or read from stdin)."""
    from bot.console.auth import hash_password
    from storage.db import transaction
    from storage.roles import Role
    from storage.users import EmailTaken, save_user, user_by_email
    with transaction(_engine()) as session:
        expert_id = _expert_by_phone(session, expert_phone).id if expert_phone else None
        if role == Role.EXPERT and expert_id is None:
            raise click.BadParameter("an expert account needs --expert-phone")
        if user_by_email(session, email) is not None and not reset:
            raise click.UsageError(f"{email.lower()} has an account already (add --reset to "
                                   "give it a new password)")  # fmt: skip
    password = _new_password()
    with transaction(_engine()) as session:
        try:
            save_user(session, email, hash_password(password), role, name, expert_id, reset)
        except EmailTaken:
            raise click.UsageError(f"{email.lower()} has an account already") from None
    click.echo(f"{role} account {email.lower()} {'reset' if reset else 'ready'}")


@user.command("deactivate")
@click.option("--email", required=True)
def user_deactivate(email: str) -> None:
    """The account can no longer log in; its open sessions end at once."""
    from storage.db import transaction
    from storage.users import deactivate
    with transaction(_engine()) as session:
        if deactivate(session, email) is None:
            raise click.UsageError(f"no account {email.lower()}")
    click.echo(f"account {email.lower()} deactivated")


DEMO_ADMIN = "+6281100000001"
DEMO_LOGIN = ("admin@eklinik.local", "demo-admin-2026")
DEMO_EXPERTS = [
    ("Dr. Ahmad Fauzi", "+6281100000002", ["kelembagaan", "pendampingan"],
     "https://zoom.us/j/1000000002"),
    ("Ir. Sri Wahyuni, M.M.", "+6281100000003", ["keuangan", "usaha", "pendampingan"],
     "https://zoom.us/j/1000000003"),
]  # fmt: skip


@cli.command("seed-demo")
def seed_demo() -> None:
    """Demo data for trying the bot: the four topics, two experts, one administrator."""
    from bot.console.auth import hash_password
    from storage.db import transaction
    from storage.directory import add_admin, add_expert, ensure_topics
    from storage.roles import Role
    from storage.users import save_user
    if not current_app.config["DEMO"]:  # its console password is public
        raise click.UsageError("seed-demo is for demo mode only (EKLINIK_DEMO=1)")
    with transaction(_engine()) as session:
        ensure_topics(session)
        add_admin(session, DEMO_ADMIN, "Admin PA EKO (demo)")
        for name, phone, topics, link in DEMO_EXPERTS:
            add_expert(session, name, phone, topics, link)
        email, password = DEMO_LOGIN
        save_user(session, email, hash_password(password), Role.ADMIN, "Admin PA EKO (demo)")
    click.echo(f"demo data ready: administrator {DEMO_ADMIN}, experts "
               + ", ".join(f"{name} {phone}" for name, phone, _t, _l in DEMO_EXPERTS))  # fmt: skip
    click.echo(f"demo console log-in: {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]} (local use only)")


@cli.command("chat")
@click.option("--phone", required=True, help="chat as this WhatsApp number")
def chat(phone: str) -> None:
    """Talk to the bot in the terminal, as the given number (Ctrl-D to leave)."""
    from bot.inbound.receive import receive
    from storage.db import transaction
    from storage.threads import last_outbound_id, outbound_after
    number = _phone(phone)
    engine, settings = _engine(), current_app.extensions["settings"]
    click.echo(f"Chatting as {number}. Ctrl-D to leave.")
    while True:
        try:
            text = click.prompt("anda", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.Abort):
            click.echo()
            return
        with transaction(engine) as session:
            last_id = last_outbound_id(session)
        form = {
            "From": f"whatsapp:{number}",
            "Body": text,
            "MessageSid": f"SMcli{uuid.uuid4().hex}",
        }
        for reply in receive(engine, form, datetime.now(UTC), settings):
            click.echo(click.style("bot> ", fg="green") + reply + "\n")
        with transaction(engine) as session:
            others = outbound_after(session, last_id, not_to=number)
        for message in others:
            click.echo(click.style(f"(ke {message.to_phone}) ", fg="yellow") + message.body + "\n")


@cli.group()
def scheduler() -> None:
    """The process that sends queued messages."""


@scheduler.command("run")
@click.option("--interval", default=1.0, show_default=True, help="seconds between outbox polls")
def scheduler_run(interval: float) -> None:
    from bot.outbound.scheduler import run as run_scheduler
    extensions = current_app.extensions
    run_scheduler(_engine(), extensions["messenger"], extensions["settings"],
                  extensions["send_policy"], interval, _chores())  # fmt: skip


def _chores() -> list:
    """What every scheduler pass does before sending: replay the webhook's spool."""
    from bot.inbound.spool import replay_spool
    from bot.retention import Retention
    extensions = current_app.extensions
    return [
        partial(replay_spool, extensions["spool"], _engine(), extensions["settings"]),
        Retention(_engine(), int(current_app.config["RETENTION_DAYS"])),
    ]


@scheduler.command("tick")
@click.option("--now", "now_text", default=None, help="ISO-8601 instant (default: now)")
def scheduler_tick(now_text: str | None) -> None:
    """One pass: send what is due at that instant, then exit."""
    from bot.outbound.scheduler import tick
    from bot.outbound.sender import let_go
    now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
    if now.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-12-01T07:00:00+07:00")
    extensions = current_app.extensions
    try:
        tally = tick(_engine(), extensions["messenger"], now, extensions["settings"],
                     extensions["send_policy"], _chores())  # fmt: skip
    finally:
        let_go(_engine(), extensions["send_policy"])
    click.echo(f"sent {tally.sent}, retried {tally.retried}, failed {tally.failed}, "
               f"suppressed {tally.suppressed}, held {tally.held}")  # fmt: skip


@cli.group()
def whatsapp() -> None:
    """The questions to tap and the templates, as Content resources at Twilio."""


def _content_api():
    from bot.outbound.messenger import TwilioMessenger
    from bot.whatsapp import ContentApi

    messenger = current_app.extensions["messenger"]
    if not isinstance(messenger, TwilioMessenger):
        raise click.ClickException("Twilio is not configured (TWILIO_ACCOUNT_SID, "
                                   "TWILIO_AUTH_TOKEN): nothing to sync")  # fmt: skip
    return ContentApi(messenger.client)


def _show(reports) -> None:
    for report in reports:
        pending = f"  (new version: {report.pending})" if report.pending else ""
        click.echo(f"{report.name:24} {report.kind:8} {report.status or '-':12} "
                   f"{report.sid or '-'}{pending}")  # fmt: skip


@whatsapp.command("sync")
def whatsapp_sync() -> None:
    """Create or update every Content resource, submit the templates for approval."""
    from bot.whatsapp import sync

    _show(sync(_engine(), _content_api(), datetime.now(UTC)))


@whatsapp.command("status")
def whatsapp_status() -> None:
    """Each Content resource and its WhatsApp approval, as Twilio has it now."""
    from bot.whatsapp import refresh

    _show(refresh(_engine(), _content_api(), datetime.now(UTC)))


@cli.group()
def privacy() -> None:
    """A person's data (UU 27/2022): see it all, or erase it."""


@privacy.command("export")
@click.option("--phone", required=True)
def privacy_export(phone: str) -> None:
    """Everything held about a number, as JSON."""
    from storage.db import transaction
    from storage.privacy import export
    with transaction(_engine()) as session:
        click.echo(json.dumps(export(session, _phone(phone)), ensure_ascii=False, indent=2))


@privacy.command("erase")
@click.option("--phone", required=True)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def privacy_erase(phone: str, yes: bool) -> None:
    """Remove a number's personal data; the counts for the reports stay."""
    from storage.db import transaction
    from storage.privacy import erase
    number = _phone(phone)
    if not yes:
        click.confirm(f"Erase every personal detail held about {number}?", abort=True)
    with transaction(_engine()) as session:
        counts = erase(session, number)
    click.echo("erased: " + ", ".join(f"{key} {value}" for key, value in counts.items()))


def _acting(session) -> "Acting":
    from bot.lifecycle import Acting
    from bot.meetings import Prepared
    from flows.lifecycle import Actor
    settings = current_app.extensions["settings"]
    now = current_app.extensions["clock"]()
    return Acting(
        session, Actor.ADMINISTRATOR, CLI_ACTOR, now, settings, Prepared(settings.meetings)
    )


@cli.group()
def visit() -> None:
    """Face-to-face services: walk-ins, and past years from the paper records."""


@visit.command("add")
@click.option("--cooperative", required=True, help="the cooperative's name")
@click.option("--kecamatan", required=True)
@click.option("--topic", required=True, help="kelembagaan, pendampingan, keuangan or usaha")
@click.option("--problem", required=True, help="the problem, as told")
@click.option("--expert-phone", required=True, help="the expert who receives the cooperative")
@click.option("--phone", default="", help="the cooperative's WhatsApp number, if given")
@click.option("--nik", default="", help="Nomor Induk Koperasi (16 digits)")
@click.option("--type", "kind", default="", help="ksp, konsumen, produsen, … (jenis koperasi)")
@click.option("--area", default="", help="problem area: keanggotaan, manajemen, keuangan, …")
@click.option("--contact", default="", help="the contact person's name")
@click.option("--role", default="", help="their role: ketua, bendahara, …")
@click.option("--at", "at", default="", help="ISO-8601 (default: now)")
def visit_add(**options: str) -> None:
    """Register a walk-in; prints its code."""
    from bot.lifecycle.sessions import Refused
    from bot.lifecycle.visits import register
    from flows.services import Unreadable, read_service
    from storage.db import transaction
    fields = {**options, "expert_phone": options.pop("expert_phone")}
    with transaction(_engine()) as session:
        act = _acting(session)
        try:
            booking = register(act, read_service(fields, act.now))
        except Unreadable as error:
            raise click.UsageError(" ".join(error.problems)) from error
        except Refused as error:
            raise click.UsageError(str(error)) from error
        code = booking.code
    click.echo(code)


@visit.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def visit_import(file: Path) -> None:
    """Load past services from a CSV or Excel file (docs/import-layanan.csv): all or nothing."""
    from bot.lifecycle.visits import import_past
    from bot.records import BadFile, read_records
    from flows.catalogue import staff
    from flows.services import row_fields
    from storage.db import transaction
    try:
        rows = read_records(file)
    except BadFile as error:
        raise click.UsageError(str(error)) from error
    if not rows:
        raise click.UsageError(staff("import.nothing"))
    with transaction(_engine()) as session:
        done = import_past(_acting(session), ((line, row_fields(row)) for line, row in rows))
    for line, problems in done.bad:
        click.echo(staff("import.bad_row", line=line, problems=" ".join(problems)), err=True)
    if done.bad:
        raise click.ClickException(staff("import.refused", count=len(done.bad)))
    click.echo(staff("import.done", count=len(done.codes), first=done.codes[0],
                     last=done.codes[-1]))  # fmt: skip


@cli.group()
def target() -> None:
    """The department's yearly target."""


@target.command("set")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--services", required=True, type=click.IntRange(1, 1_000_000))
def target_set(year: int, services: int) -> None:
    """Services to deliver in the year (sessions held and visits, both channels)."""
    from storage.db import transaction
    from storage.services import set_target
    with transaction(_engine()) as session:
        set_target(session, year, services, CLI_ACTOR, current_app.extensions["clock"]())
    click.echo(f"target {year}: {services} services")


@cli.command("report")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--format", "kind", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write to this file (default: standard output; xlsx and pdf need --out)")
def report(year: int, kind: str, out: Path | None) -> None:
    """The year's services against its target, in JSON, CSV, Excel or PDF."""
    from bot.reports import export_report
    from storage.db import transaction
    if out is None and kind in ("xlsx", "pdf"):
        raise click.UsageError(f"--format {kind} writes a binary file: give --out FILE")
    with transaction(_engine()) as session:
        data = export_report(session, year, kind, current_app.extensions["clock"]())
    if out is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"{out} ({len(data):,} bytes)", err=True)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    sys.exit(cli())
