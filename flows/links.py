"""Which meeting links reach a cooperative: https, at most 500 characters, on a host the
department has allowed (MEETING_LINK_HOSTS; Zoom's by default). A host allows its subdomains:
`zoom.us` allows `us02web.zoom.us`."""

import re
from urllib.parse import urlsplit

DEFAULT_HOSTS = ("zoom.us",)
MAX_LENGTH = 500  # the meeting_link columns

_SHAPE = re.compile(r"https://[A-Za-z0-9.\-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?")


def allowed_hosts(entries: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`zoom.us, *.zoom.us, Meet.Google.com` → ("zoom.us", "meet.google.com")."""
    hosts = (entry.strip().lower().removeprefix("*.").strip(".") for entry in entries)
    return tuple(dict.fromkeys(host for host in hosts if host)) or DEFAULT_HOSTS


def is_meeting_link(url: str, hosts: tuple[str, ...] = DEFAULT_HOSTS) -> bool:
    if len(url) > MAX_LENGTH or not url.isascii() or _SHAPE.fullmatch(url) is None:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return any(host == allowed or host.endswith("." + allowed) for allowed in hosts)
