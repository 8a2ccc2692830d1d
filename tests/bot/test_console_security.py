"""The console resists abuse: log-in throttling shared by every worker, sessions that end on
log-out, deactivation and a new password, security headers, strong passwords only."""

from datetime import timedelta

import pytest

from bot.app import create_app
from bot.console.auth import hash_password, password_problem
from storage.db import transaction
from storage.users import save_user
from tests.helpers import NOW, PASSWORD, eklinik, log_in

EMAIL = "admin@dinas.go.id"


@pytest.fixture
def clock(app, engine):
    now = {"at": NOW}
    app.extensions["clock"] = lambda: now["at"]
    with transaction(engine) as session:
        save_user(session, EMAIL, hash_password(PASSWORD), "admin", "Rina")
    return now


def _attempt(client, password: str, address: str = "10.0.0.1"):
    from tests.helpers import token

    csrf = token(client, "/admin/login")
    return client.post("/admin/login", data={"email": EMAIL, "password": password,
                                              "csrf_token": csrf},
                       headers={"X-Forwarded-For": address})  # fmt: skip


def _signed_in(response) -> bool:
    return response.status_code == 302 and "/admin/login" not in response.location


def test_after_five_failures_each_try_waits_longer(app, clock) -> None:
    client = app.test_client()
    for _ in range(5):
        assert _attempt(client, "salah-salah-salah").status_code == 200
    refused = _attempt(client, PASSWORD)
    assert refused.status_code == 429 and "Terlalu banyak" in refused.get_data(as_text=True)
    clock["at"] += timedelta(seconds=2)
    assert _signed_in(_attempt(client, PASSWORD)), "the wait is over and the password is right"


def test_ten_failures_lock_the_account_for_fifteen_minutes(app, clock) -> None:
    """It used to let 200 wrong passwords through at 12/s, then the right one."""
    client = app.test_client()
    for number in range(10):
        clock["at"] += timedelta(seconds=20)  # slower than the growing wait
        _attempt(client, f"tebakan-nomor-{number}", address=f"10.0.1.{number}")
    clock["at"] += timedelta(minutes=10)
    page = _attempt(client, PASSWORD, address="10.0.2.1")
    assert page.status_code == 429 and "menit" in page.get_data(as_text=True)
    clock["at"] += timedelta(minutes=6)
    assert _signed_in(_attempt(client, PASSWORD, address="10.0.2.1"))


def test_one_address_trying_many_accounts_is_locked_too(app, clock, engine) -> None:
    client = app.test_client()
    for number in range(10):
        clock["at"] += timedelta(seconds=20)
        csrf = __import__("tests.helpers", fromlist=["token"]).token(client, "/admin/login")
        client.post("/admin/login", data={"email": f"orang{number}@dinas.go.id",
                                          "password": "x" * 12, "csrf_token": csrf},
                    headers={"X-Forwarded-For": "10.9.9.9"})  # fmt: skip
    assert _attempt(client, PASSWORD, address="10.9.9.9").status_code == 429
    assert _signed_in(_attempt(client, PASSWORD, address="10.0.0.7"))


def test_the_throttle_holds_across_workers(app, clock, db_url) -> None:
    """Two apps on one database are two gunicorn workers: failures count on both."""
    other = create_app({"TESTING": True, "DATABASE_URL": db_url, "DEMO": True})
    other.extensions["clock"] = lambda: clock["at"]
    for number in range(5):
        worker = (app if number % 2 else other).test_client()
        _attempt(worker, "salah-salah-salah")
    assert _attempt(other.test_client(), PASSWORD).status_code == 429
    assert _attempt(app.test_client(), PASSWORD).status_code == 429
    other.extensions["engine"].dispose()


def test_a_cookie_saved_before_log_out_no_longer_works(app, clock) -> None:
    client = app.test_client()
    assert _signed_in(log_in(client))
    saved = client.get_cookie("session").value
    assert client.get("/admin/").status_code == 200
    from tests.helpers import token

    client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/admin/").status_code == 302


def test_deactivation_and_a_new_password_end_every_session(app, clock, db_url) -> None:
    first, second = app.test_client(), app.test_client()
    assert _signed_in(log_in(first)) and _signed_in(log_in(second))
    reset = eklinik(db_url, "user", "add", "--email", EMAIL, "--role", "admin", "--reset",
                    stdin="Lapangan-Hijau-Tigaraksa-7\n")  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    assert first.get("/admin/").status_code == 302 and second.get("/admin/").status_code == 302
    assert _signed_in(log_in(first, password="Lapangan-Hijau-Tigaraksa-7"))
    done = eklinik(db_url, "user", "deactivate", "--email", EMAIL)
    assert done.returncode == 0, done.stderr
    assert first.get("/admin/").status_code == 302
    assert not _signed_in(log_in(first, password="Lapangan-Hijau-Tigaraksa-7"))


def test_every_page_carries_the_security_headers(app, clock) -> None:
    client = app.test_client()
    for path in ("/admin/login", "/simulator/"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in headers
    secure = client.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(("password", "refused"), [
    ("12345678", "paling sedikit 12"), ("password1234", "mudah ditebak"),
    ("adminadminadmin", "mudah ditebak"), ("qwertyuiop123", "mudah ditebak"),
    ("Lapangan-Hijau-Tigaraksa-7", None), ("rahasia-sekali", None),
])  # fmt: skip
def test_a_password_needs_twelve_characters_and_must_not_be_common(password, refused) -> None:
    problem = password_problem(password)
    assert (problem is None) if refused is None else (refused in problem)


def test_user_add_refuses_a_weak_password_and_an_existing_email(sqlite_url) -> None:
    weak = eklinik(sqlite_url, "user", "add", "--email", "baru@dinas.go.id", "--role", "admin",
                   stdin="12345678\n")  # fmt: skip
    assert weak.returncode != 0 and "12 karakter" in weak.stderr
    good = eklinik(sqlite_url, "user", "add", "--email", "baru@dinas.go.id", "--role", "admin",
                   stdin="Lapangan-Hijau-Tigaraksa-7\n")  # fmt: skip
    assert good.returncode == 0, good.stderr
    again = eklinik(sqlite_url, "user", "add", "--email", "Baru@dinas.go.id", "--role", "admin",
                    stdin="Lapangan-Hijau-Tigaraksa-8\n")  # fmt: skip
    assert again.returncode != 0 and "--reset" in again.stderr
    assert "--password" not in eklinik(sqlite_url, "user", "add", "--help").stdout


def test_seed_demo_is_refused_outside_demo_mode(sqlite_url) -> None:
    from tests.helpers import PRODUCTION

    refused = eklinik(sqlite_url, "seed-demo", EKLINIK_DEMO="", **PRODUCTION)
    assert refused.returncode != 0 and "demo mode only" in refused.stderr
