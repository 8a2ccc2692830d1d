"""No over-booking by any path: two people taking the one free expert's time at the same
moment, through each path that chooses a time (both backends; the races matter on PostgreSQL).

Ir. Sri is the only finance expert of the fixtures, so a finance time holds at most one
booking. Each test lets two requests race for one such time and counts who holds it after."""

import threading
from collections.abc import Callable
from datetime import datetime

from sqlmodel import select

from flows.lifecycle import HOLDS_A_TIME, held_at
from storage.db import transaction
from storage.directory import add_admin
from storage.models import Booking
from tests.helpers import ADMIN, NOW, SRI, WhatsApp, at, request, set_link

SECOND_ADMIN = "+6281100000009"
FRIDAY_10 = at("2026-12-04 10:00")


def _race(*runs: Callable[[], str]) -> list[str]:
    """Run the calls at the same moment; their answers."""
    barrier = threading.Barrier(len(runs))
    answers: list[str] = [""] * len(runs)

    def go(index: int) -> None:
        barrier.wait()
        answers[index] = runs[index]()

    threads = [threading.Thread(target=go, args=(index,)) for index in range(len(runs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _holding(engine, start: datetime) -> list[str]:
    with transaction(engine) as session:
        rows = session.exec(select(Booking).where(Booking.status.in_(HOLDS_A_TIME))).all()
        return [b.code for b in rows
                if held_at(b.status, b.requested_start, b.proposed_start) == start]  # fmt: skip


def _says(app, phone: str, text: str) -> Callable[[], str]:
    return lambda: "\n".join(WhatsApp(app.test_client()).send(phone, text))


def _two_requests(app, engine) -> tuple[str, str]:
    app.extensions["clock"] = lambda: NOW
    with transaction(engine) as session:
        add_admin(session, SECOND_ADMIN, "Admin dua")
    first = request(engine, "+6281200000001", "2026-12-02 10:00")
    second = request(engine, "+6281200000002", "2026-12-02 11:00")
    for phone in ("+6281200000001", "+6281200000002"):  # they have written before
        WhatsApp(app.test_client()).send(phone, "halo")
    return first, second


def test_two_proposals_for_the_one_free_time(app, engine) -> None:
    """USUL used to propose a time without looking at the experts: both were proposed and
    both cooperatives' YA went through."""
    first, second = _two_requests(app, engine)
    answers = _race(_says(app, ADMIN, f"USUL {first} jumat 4 desember jam 10"),
                    _says(app, SECOND_ADMIN, f"USUL {second} jumat 4 desember jam 10"))  # fmt: skip
    assert sum("sudah dikirim" in answer for answer in answers) == 1, answers
    assert sum("Tidak ada tenaga ahli" in answer for answer in answers) == 1, answers
    assert len(_holding(engine, FRIDAY_10)) == 1


def test_two_counter_proposals_for_the_one_free_time(app, engine) -> None:
    """TIDAK <time> used to be checked without the lock: both held it in 11 of 11 races."""
    first, second = _two_requests(app, engine)
    WhatsApp(app.test_client()).send(ADMIN, f"USUL {first} kamis 3 desember jam 9")
    WhatsApp(app.test_client()).send(ADMIN, f"USUL {second} kamis 3 desember jam 13")
    answers = _race(_says(app, "+6281200000001", "TIDAK, jumat 4 desember jam 10"),
                    _says(app, "+6281200000002", "TIDAK, jumat 4 desember jam 10"))  # fmt: skip
    assert len(_holding(engine, FRIDAY_10)) == 1, answers


def test_two_confirmations_at_another_time(app, engine) -> None:
    first, second = _two_requests(app, engine)
    set_link(engine, SRI, "https://zoom.us/j/555")
    when = "jumat 4 desember jam 10"
    answers = _race(_says(app, ADMIN, f"KONFIRMASI {first} {when}"),
                    _says(app, SECOND_ADMIN, f"KONFIRMASI {second} {when}"))  # fmt: skip
    assert sum("terkonfirmasi" in answer for answer in answers) == 1, answers
    assert len(_holding(engine, FRIDAY_10)) == 1


def test_a_proposal_and_a_new_request_for_the_one_free_time(app, engine) -> None:
    """The cooperative's YA to a proposal races a confirmation of another request."""
    first, second = _two_requests(app, engine)
    set_link(engine, SRI, "https://zoom.us/j/555")
    WhatsApp(app.test_client()).send(ADMIN, f"USUL {first} jumat 4 desember jam 10")
    WhatsApp(app.test_client()).send(ADMIN, f"USUL {second} jumat 4 desember jam 11")
    answers = _race(_says(app, "+6281200000001", "YA"),
                    _says(app, SECOND_ADMIN, f"KONFIRMASI {second} jumat 4 desember jam 10"))
    assert len(_holding(engine, FRIDAY_10)) == 1, answers


def test_two_console_confirmations_at_another_time(app, engine) -> None:
    from bot.console.auth import hash_password
    from storage.users import save_user
    from tests.helpers import PASSWORD, log_in, token

    first, second = _two_requests(app, engine)
    set_link(engine, SRI, "https://zoom.us/j/555")
    with transaction(engine) as session:
        save_user(session, "rina@dinas.go.id", hash_password(PASSWORD), "admin", "Rina")
        save_user(session, "budi@dinas.go.id", hash_password(PASSWORD), "admin", "Budi")
    clients = [app.test_client(), app.test_client()]
    for client, email in zip(clients, ("rina@dinas.go.id", "budi@dinas.go.id"), strict=True):
        log_in(client, email)
    forms = [{"start": "jumat 4 desember jam 10", "csrf_token": token(client, "/admin/")}
             for client in clients]  # fmt: skip

    def confirm(client, code: str, form: dict) -> Callable[[], str]:
        return lambda: client.post(f"/admin/booking/{code}/move", data=form,
                                   follow_redirects=True).get_data(as_text=True)  # fmt: skip

    _race(confirm(clients[0], first, forms[0]), confirm(clients[1], second, forms[1]))
    assert len(_holding(engine, FRIDAY_10)) == 1
