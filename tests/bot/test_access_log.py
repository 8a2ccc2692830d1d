"""Gunicorn's access log (make run, deploy/): paths only, no query string or referer query
(they may carry a phone number), and not the simulator's polling."""

import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from bot.access_log import AccessLog


def _logged(path: str, query: str = "", referer: str = "-") -> list[str]:
    config = Config()
    config.set("accesslog", "-")
    log = AccessLog(config)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    log.access_log.handlers = [Keep()]
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"{path}?{query}" if query else path,
               "PATH_INFO": path, "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_REFERER": referer}  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    log.access(response, request, environ, timedelta(milliseconds=3))
    return records


def test_a_query_string_never_reaches_the_log() -> None:
    [line] = _logged("/admin/", "q=%2B6281234567890",
                     referer="http://127.0.0.1:5000/admin/?q=%2B6281234567890")  # fmt: skip
    assert "GET /admin/ HTTP/1.1" in line
    assert "6281234567890" not in line


def test_the_simulators_polling_and_static_files_are_not_logged() -> None:
    assert _logged("/simulator/api/thread", "phone=%2B6281234567890") == []
    assert _logged("/static/simulator.js") == []
    assert len(_logged("/whatsapp/inbound")) == 1
