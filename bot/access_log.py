"""Gunicorn's access log, kept free of personal data and of the simulator's polling.

A query string or a referer may carry a phone number (the simulator's thread, a console
search): the log shows paths only. The simulator asks for its thread every 1.5 seconds; those
requests and the static files are not logged at all. Used with
`gunicorn --logger-class bot.access_log.AccessLog` (make run, deploy/eklinik-web.service).
"""

from urllib.parse import urlsplit

from gunicorn.glogging import Logger

QUIET = ("/simulator/api/", "/static/")


class AccessLog(Logger):
    def access(self, resp, req, environ, request_time) -> None:
        if str(environ.get("PATH_INFO", "")).startswith(QUIET):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = ""
        referer = atoms.get("f", "-")
        atoms["f"] = (urlsplit(referer).path or "-") if referer != "-" else "-"
        if "{referer}i" in atoms:  # the same header, as the format's %({referer}i)s
            atoms["{referer}i"] = atoms["f"]
        return atoms
