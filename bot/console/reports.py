"""Laporan: the year's services against its target, for administrators and the department's
leaders (read only): the cumulative chart, every table of the report, and the files (Excel,
PDF, CSV, JSON). Administrators set the target here too."""

from flask import Response, flash, g, redirect, render_template, request, url_for

from bot.console import bp
from bot.console.acting import in_transaction, now
from bot.console.auth import login_required
from bot.reports import MEDIA_TYPES, cumulative_chart, export_report, sections
from flows.catalogue import staff
from flows.dates import WIB
from flows.report import FORMATS
from storage.reports import year_report
from storage.roles import Role
from storage.services import set_target

READERS = (Role.ADMIN, Role.LEADERSHIP)
FIRST_YEAR = 2022  # the clinic's first year on record


def _years() -> list[int]:
    return list(range(now().astimezone(WIB).year, FIRST_YEAR - 1, -1))


def _year(value: str | None) -> int | None:
    year = int(value) if value and value.isdigit() else now().astimezone(WIB).year
    return year if year in _years() else None


@bp.get("/report")
@login_required(*READERS)
def report():
    year = _year(request.args.get("year"))
    if year is None:
        flash(staff("console.bad_year"))
        return redirect(url_for("console.report"))
    with in_transaction() as db:
        data = year_report(db, year)
    return render_template("console/report.html", report=data, tables=sections(data),
                           chart=cumulative_chart(data), years=_years(), formats=FORMATS,
                           can_set=g.user.role == Role.ADMIN)  # fmt: skip


@bp.get("/report/<int:year>.<kind>")
@login_required(*READERS)
def report_file(year: int, kind: str):
    if kind not in FORMATS or year not in _years():
        return Response(status=404)
    with in_transaction() as db:
        data = export_report(db, year, kind, now())
    name = f"laporan-klinik-koperasi-{year}.{kind}"
    return Response(data, mimetype=MEDIA_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.post("/report/target")
@login_required(Role.ADMIN)
def report_target():
    year = _year(request.form.get("year"))
    services = request.form.get("services", "").strip()
    if year is None:
        flash(staff("console.bad_year"))
    elif not services.isdigit() or not 0 < int(services) <= 1_000_000:
        flash(staff("console.bad_target"))
    else:
        with in_transaction() as db:
            set_target(db, year, int(services), g.user.email, now())
        flash(staff("console.target_saved", year=year, services=int(services)))
    return redirect(url_for("console.report", year=year or ""))
