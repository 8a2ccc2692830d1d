"""gunicorn workers killed under load: a SIGTERM'd worker finishes what it holds; a SIGKILL'd
one loses its requests, which Twilio sends again with the same MessageSid — and each message
is still handled exactly once and answered."""

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlmodel import col, func, select
from twilio.request_validator import RequestValidator

from storage.db import transaction
from storage.models import InboundMessage, OutboundMessage
from tests.helpers import (
    AUTH_TOKEN,
    GUNICORN,
    ROOT,
    free_port,
    prepared_engine,
    process_environment,
    wait_for_port,
)

MESSAGES = 120


def _workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


@pytest.fixture
def gunicorn(postgres_url, tmp_path):
    engine = prepared_engine(postgres_url)
    port = free_port()
    env = process_environment(DATABASE_URL=postgres_url, EKLINIK_DEMO="1",
                              TWILIO_AUTH_TOKEN=AUTH_TOKEN, ADMIN_NUMBERS="",
                              SPOOL_DIR=str(tmp_path / "spool"))  # fmt: skip
    command = [GUNICORN, "--chdir", str(ROOT),
               "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}",
               "--graceful-timeout", "10", "wsgi:app"]  # fmt: skip
    master = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    assert wait_for_port(port, 60), "gunicorn did not start"
    deadline = time.monotonic() + 30
    while len(_workers(master.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    yield master, f"http://127.0.0.1:{port}/whatsapp/inbound", engine
    master.terminate()
    master.wait(timeout=30)
    engine.dispose()


def _post_until_answered(url: str, phone: str, sid: str, tries: list[int],
                         answered: list[int]) -> str:  # fmt: skip
    """As Twilio does: the same signed request again when no answer came back."""
    form = {"From": f"whatsapp:{phone}", "WaId": phone.lstrip("+"), "Body": "halo",
            "MessageSid": sid, "NumMedia": "0"}  # fmt: skip
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    for _ in range(20):
        tries.append(1)
        try:
            answer = requests.post(url, data=form, headers={"X-Twilio-Signature": signature},
                                   timeout=15)  # fmt: skip
        except requests.RequestException:
            time.sleep(0.2)
            continue
        if answer.status_code == 200:
            answered.append(1)
            return answer.text
        time.sleep(0.2)
    return ""


def _load(url: str, kill: callable) -> tuple[list[str], int]:
    """Every message from its own number, eight at a time; `kill` once a fifth is answered,
    while the workers hold requests."""
    tries: list[int] = []
    answered: list[int] = []
    phones = [f"+6281288800{number:03d}" for number in range(MESSAGES)]

    def killer() -> None:
        while len(answered) < MESSAGES // 5:
            time.sleep(0.005)
        kill()

    thread = threading.Thread(target=killer)
    thread.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(
            lambda n: _post_until_answered(url, phones[n], f"SMw{n:030d}", tries, answered),
            range(MESSAGES)))  # fmt: skip
    thread.join()
    return answers, len(tries)


def _handled_once(engine) -> None:
    with transaction(engine) as session:
        stored = session.exec(select(func.count()).select_from(InboundMessage)).one()
        per_sid = session.exec(
            select(OutboundMessage.reply_to, func.count())
            .where(col(OutboundMessage.reply_to).is_not(None))
            .group_by(OutboundMessage.reply_to)
        ).all()
    assert stored == MESSAGES
    assert len(per_sid) == MESSAGES and len({count for _, count in per_sid}) == 1


@pytest.mark.postgres
def test_a_killed_worker_loses_nothing_and_doubles_nothing(gunicorn) -> None:
    master, url, engine = gunicorn
    answers, tries = _load(url, lambda: os.kill(_workers(master.pid)[0], signal.SIGKILL))
    assert all("Selamat datang" in answer for answer in answers), "every message answered"
    _handled_once(engine)
    print(f"SIGKILL: {tries - MESSAGES} retried requests, 0 lost, 0 doubled")


@pytest.mark.postgres
def test_a_terminated_worker_finishes_its_requests(gunicorn) -> None:
    master, url, engine = gunicorn
    answers, tries = _load(url, lambda: os.kill(_workers(master.pid)[0], signal.SIGTERM))
    assert all("Selamat datang" in answer for answer in answers)
    _handled_once(engine)
    print(f"SIGTERM: {tries - MESSAGES} retried requests, 0 lost, 0 doubled")
