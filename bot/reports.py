"""The yearly report as people read it: its sections (a title, a header, rows of labels and
numbers) built once from storage.reports.year_report, and the same sections written as the
Laporan page's tables, an Excel workbook, a print-ready PDF; the services as CSV; the
cumulative chart as SVG drawn on the server."""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlmodel import Session

from flows.calendar import format_day
from flows.catalogue import STAFF, name, names, staff
from flows.choices import COOP_KINDS, GROUPS, TOPICS
from flows.dates import WIB
from flows.report import UNRECORDED
from flows.skm import ELEMENTS
from storage.reports import service_rows, year_report

Cell = str | int | float | None
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf"}  # fmt: skip


def word(key: str, **values: Any) -> str:
    return staff(f"report.{key}", **values)


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    sheet: str = ""  # the Excel sheet it goes on ("": the breakdowns' sheet)


def _label(choices, key: str) -> str:
    return word("unrecorded") if key in ("", UNRECORDED) else choices.label(key)


def _counted(title: str, column: str, counts: dict[str, int], label) -> Section:
    return Section(title, (column, word("count")),
                   [(label(key), count) for key, count in counts.items()])  # fmt: skip


def month_name(month: int) -> str:
    return names("calendar")["months"][month - 1]


def sections(report: dict[str, Any]) -> list[Section]:
    """Every table of the report, in the order the page and the files show them."""
    target = report["target"]
    summary = Section(word("title", year=report["year"]), ("", ""), [
        (word("target"), target if target is not None else word("no_target")),
        (word("services"), report["services"]),
        (word("realisation"), percent_text(report["realisation_percent"])),
        (word("cooperatives"), report["cooperatives"]),
    ], sheet=word("summary_sheet"))  # fmt: skip
    monthly = Section(word("monthly"), (word("month"), word("count"), word("cumulative"),
                                        word("target_line")),
                      [(month_name(row["month"]), row["services"], row["cumulative"],
                        row["target_line"]) for row in report["monthly"]])  # fmt: skip
    periods = Section(word("periods"), (word("period"), word("services"), word("cooperatives")),
                      [(f"{row['period']} ({month_name(row['months'][0])}–"
                        f"{month_name(row['months'][1])})", row["services"],
                        row["cooperatives"]) for row in report["by_period"]])  # fmt: skip
    areas = report["by_problem_area"]
    problem_rows: list[tuple[Cell, ...]] = []
    for group in ("internal", "external"):
        problem_rows.append((name(GROUPS, group).capitalize(), areas[group]["total"]))
        problem_rows += [(f"  {name('choice.problem_area', key)}", count)
                         for key, count in areas[group]["areas"].items()]  # fmt: skip
    problem_rows.append((word("unrecorded"), areas[UNRECORDED]))
    funnel = report["funnel"]
    medians = report["median_days"]
    flow = Section(word("funnel"), (word("step"), word("count")), [
        *((word(key), funnel[key]) for key in funnel),
        (word("median_confirmation"), medians["request_to_confirmation"]),
        (word("median_solved"), medians["request_to_solved"]),
    ])  # fmt: skip
    new = report["cooperatives_new_returning"]
    satisfaction = report["satisfaction"]
    ikm = report["ikm"]
    return [
        summary,
        monthly,
        periods,
        _counted(word("by_channel"), word("channel"), report["by_channel"],
                 lambda key: name("channel", key, STAFF)),  # fmt: skip
        _counted(word("by_topic"), word("topic"), report["by_topic"],
                 lambda key: _label(TOPICS, key)),  # fmt: skip
        _counted(word("by_kecamatan"), word("kecamatan"), report["by_kecamatan"], str),
        _counted(word("by_type"), word("type"), report["by_type"],
                 lambda key: _label(COOP_KINDS, key)),  # fmt: skip
        Section(word("by_problem_area"), (word("problem_area"), word("count")), problem_rows),
        Section(word("new_returning"), ("", word("cooperatives")),
                [(word("new"), new["new"]), (word("returning"), new["returning"])]),  # fmt: skip
        flow,
        Section(word("satisfaction"), ("", ""), [(word("average"), satisfaction["average"]),
                                                 (word("answers"), satisfaction["answers"])]),
        Section(word("ikm"), (word("element"), word("nrr")), [
            *((name("skm_element", key, STAFF), ikm["nrr"].get(key)) for key in ELEMENTS),
            (word("respondents"), ikm["respondents"]),
            ("IKM", ikm["ikm"] if ikm["ikm"] is not None else word("ikm_none")),
            (word("grade"), grade_text(ikm["grade"])),
            *((f"{word('semester')} {row['semester']}",
               f"{row['ikm']} ({row['grade']}), {row['respondents']} {word('respondents').lower()}"
               if row["ikm"] is not None else word("ikm_none")) for row in ikm["by_semester"]),
        ]),  # fmt: skip
        Section(word("by_expert"), (word("expert"), word("services")),
                [(row["expert"] if row["expert"] != UNRECORDED else word("unrecorded"),
                  row["services"]) for row in report["by_expert"]]),  # fmt: skip
    ]


def grade_text(grade: str | None) -> str:
    return f"{grade} ({name('grade', grade, STAFF)})" if grade else word("dash")


# --- the files ------------------------------------------------------------------------------------


def as_json(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode()


CSV_HEADER = ("kode", "tanggal", "saluran", "asal", "status", "koperasi", "nomor_induk", "jenis",
              "kecamatan", "topik", "bidang_masalah", "tenaga_ahli", "resep", "kepuasan",
              "teratasi", *(f"skm_{element}" for element in ELEMENTS), "skm_komentar")  # fmt: skip


def _service_line(row) -> list[Cell]:
    (code, start, channel, origin, status, coop, nik, kind, kecamatan, topic, area, expert,
     details, prescribed, satisfaction, solved, *skm) = row  # fmt: skip
    *levels, comment = skm
    return [code, start.astimezone(WIB).strftime("%Y-%m-%d %H:%M"), channel, origin, status,
            coop, nik or "", kind, kecamatan, topic, area,
            expert or (details or {}).get("expert_name", ""), "ya" if prescribed else "tidak",
            satisfaction, {True: "ya", False: "tidak"}.get(solved, ""), *levels,
            comment or ""]  # fmt: skip


def service_lines(session: Session, year: int) -> Iterable[list[Cell]]:
    for row in service_rows(session, year):
        yield _service_line(row)


def as_csv(session: Session, year: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(service_lines(session, year))
    return out.getvalue().encode("utf-8-sig")  # Excel opens it with the right letters


def as_xlsx(session: Session, report: dict[str, Any], made: datetime) -> bytes:
    """Several sheets, each under the department's heading; numbers stay numbers. Written
    row by row (openpyxl's write-only mode): a year of services never sits in memory."""
    # imported here, like reportlab below: ~150 ms that no other command or worker should pay
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheets: dict[str, Any] = {}

    def bold(sheet, value: str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        return cell

    def sheet(title: str):
        if title not in sheets:
            new = sheets[title] = book.create_sheet(title[:31])
            new.column_dimensions["A"].width = 48
            new.append([bold(new, word("department"))])
            new.append([bold(new, word("title", year=report["year"]))])
            new.append([word("made", day=format_day(made.astimezone(WIB).date()))])
        return sheets[title]

    for section in sections(report):
        target = sheet(section.sheet or word("breakdown_sheet"))
        target.append([])
        target.append([bold(target, section.title)])
        if any(section.header):
            target.append(list(section.header))
        for row in section.rows:
            target.append(list(row))
    services = sheet(word("services_sheet"))
    services.append([])
    services.append(list(CSV_HEADER))
    for line in service_lines(session, report["year"]):
        services.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(report: dict[str, Any], made: datetime) -> bytes:
    """A4, the department's heading, the chart and every table: for the report to the Bupati."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=word("title", year=report["year"]),
                                 author=word("department"), leftMargin=2 * cm,
                                 rightMargin=2 * cm, topMargin=1.8 * cm)  # fmt: skip
    story: list[Any] = [
        Paragraph(str(escape(word("department"))), styles["Heading3"]),
        Paragraph(str(escape(word("title", year=report["year"]))), styles["Title"]),
        Paragraph(str(escape(word("made", day=format_day(made.astimezone(WIB).date())))),
                  styles["Normal"]),  # fmt: skip
        Spacer(1, 0.4 * cm),
    ]
    chart = Drawing(17 * cm, 6 * cm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 1.2 * cm, 0.8 * cm, 15 * cm, 4.6 * cm
    cumulative = [(row["month"], row["cumulative"]) for row in report["monthly"]]
    lines = [cumulative]
    if report["target"]:
        lines.append([(0, 0), (12, report["target"])])
    plot.data = lines
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = colors.HexColor("#1f6f43"), 2
    if len(lines) > 1:
        plot.lines[1].strokeColor, plot.lines[1].strokeDashArray = colors.grey, (4, 3)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, 12
    plot.xValueAxis.valueSteps = list(range(13))
    plot.yValueAxis.valueMin = 0
    chart.add(plot)
    chart.add(String(1.2 * cm, 5.6 * cm, word("monthly"), fontSize=9))
    story += [chart, Spacer(1, 0.3 * cm)]
    for section in sections(report):
        rows = [list(section.header)] if any(section.header) else []
        rows += [[shown_cell(cell) for cell in row] for row in section.rows]
        table = Table(rows, hAlign="LEFT", colWidths=[9 * cm] + [2.6 * cm] * (len(rows[0]) - 1))
        table.setStyle([("FONTSIZE", (0, 0), (-1, -1), 8),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                        ("ALIGN", (1, 0), (-1, -1), "RIGHT")]
                       + ([("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
                          if any(section.header) else []))  # fmt: skip
        story.append(KeepTogether([Paragraph(str(escape(section.title)), styles["Heading4"]),
                                   table, Spacer(1, 0.2 * cm)]))  # fmt: skip
    document.build(story)
    return out.getvalue()


def percent_text(value: float | None) -> str:
    """The realisation as Indonesian writes it: 40,0%; none (no target) as a dash."""
    return f"{value:.1f}%".replace(".", ",") if value is not None else word("dash")


def shown_cell(cell: Cell) -> str:
    """A figure as Indonesian writes it (3,5, never 3.5); none as a dash: the page and the PDF."""
    if cell is None:
        return word("dash")
    if isinstance(cell, float):
        return f"{cell:g}".replace(".", ",")
    return str(cell)


def export_report(session: Session, year: int, kind: str, made: datetime) -> bytes:
    """The year's report as one of FORMATS."""
    if kind == "csv":
        return as_csv(session, year)
    report = year_report(session, year)
    if kind == "xlsx":
        return as_xlsx(session, report, made)
    if kind == "pdf":
        return as_pdf(report, made)
    return as_json(report)


# --- the page's chart ----------------------------------------------------------------------------


def cumulative_chart(report: dict[str, Any]) -> Markup:
    """The services, cumulative by month, against the straight target line: an SVG made of
    numbers the server computed (nothing of the user's in it but escaped words)."""
    width, height, left, bottom, top = 480, 240, 40, 30, 14
    plot_w, plot_h = width - left - 12, height - bottom - top
    monthly = report["monthly"]
    largest = max([report["target"] or 0, *(row["cumulative"] for row in monthly), 1])
    step = -(-largest // 4)  # whole numbers on the axis: 4 steps up to the largest figure
    highest = step * 4

    def x(month: float) -> float:
        return round(left + plot_w * month / 12, 1)

    def y(value: float) -> float:
        return round(top + plot_h * (1 - value / highest), 1)

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(word("monthly"))}" xmlns="http://www.w3.org/2000/svg">']
    for tick in range(5):
        value = step * tick
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 12}" y1="{y(value)}" '
                     f'y2="{y(value)}"/><text class="axis" x="{left - 6}" y="{y(value) + 4}" '
                     f'text-anchor="end">{value}</text>')  # fmt: skip
    short = names("calendar")["months_short"]
    for month in range(1, 13):
        parts.append(f'<text class="axis" x="{x(month)}" y="{height - 10}" '
                     f'text-anchor="middle">{escape(short[month - 1])}</text>')  # fmt: skip
    if report["target"]:
        parts.append(f'<line class="target" x1="{x(0)}" y1="{y(0)}" x2="{x(12)}" '
                     f'y2="{y(report["target"])}"><title>{escape(word("target_line"))}: '
                     f'{report["target"]}</title></line>')  # fmt: skip
    points = " ".join(f"{x(row['month'])},{y(row['cumulative'])}" for row in monthly)
    parts.append(f'<polyline class="done" points="{x(0)},{y(0)} {points}"/>')
    for row in monthly:
        parts.append(f'<circle class="done" cx="{x(row["month"])}" cy="{y(row["cumulative"])}" '
                     f'r="3"><title>{escape(month_name(row["month"]))}: {row["services"]} '
                     f'({escape(word("cumulative").lower())} {row["cumulative"]})</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
