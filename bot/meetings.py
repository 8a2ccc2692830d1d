"""Meeting links, in order: the administrator's URL, a new Zoom meeting, the expert's own link.

A Zoom meeting is an HTTP call, and no HTTP call runs inside a database transaction: the work
that needs one stops (`MeetingNeeded`), the meeting is made, and the work runs again.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import requests
from sqlalchemy import Engine
from sqlmodel import Session

from flows.dates import WIB
from storage.db import transaction

T = TypeVar("T")

log = logging.getLogger(__name__)


class ZoomError(Exception):
    pass


class ZoomClient:
    """Zoom's REST API with Server-to-Server OAuth (account credentials grant)."""

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        api_base: str = "https://api.zoom.us/v2",
        oauth_url: str = "https://zoom.us/oauth/token",
        timeout: float = 10.0,
    ) -> None:
        self.account_id = account_id
        self.auth = (client_id, client_secret)
        self.api_base = api_base.rstrip("/")
        self.oauth_url = oauth_url
        self.timeout = timeout
        self.http = requests.Session()
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _access_token(self) -> str:
        with self._lock:
            if self._token and self._token[1] > time.monotonic() + 60:
                return self._token[0]
            response = self.http.post(
                self.oauth_url,
                params={"grant_type": "account_credentials", "account_id": self.account_id},
                auth=self.auth,
                timeout=self.timeout,
            )
            if response.status_code != 200:
                raise ZoomError(f"OAuth token refused: HTTP {response.status_code}")
            body = response.json()
            self._token = (body["access_token"], time.monotonic() + int(body["expires_in"]))
            return self._token[0]

    def create_meeting(self, topic: str, start: datetime, minutes: int) -> str:
        """A scheduled meeting at `start` (sent in WIB with its time zone); its join URL."""
        local = start.astimezone(WIB)
        payload = {
            "topic": topic[:200],
            "type": 2,
            "start_time": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "timezone": "Asia/Jakarta",
            "duration": minutes,
            "settings": {"join_before_host": False, "waiting_room": True},
        }
        try:
            response = self.http.post(
                f"{self.api_base}/users/me/meetings",
                json=payload,
                headers={"Authorization": f"Bearer {self._access_token()}"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ZoomError(f"Zoom unreachable: {error}") from error
        if response.status_code != 201:
            raise ZoomError(f"meeting not created: HTTP {response.status_code}")
        return response.json()["join_url"]


@dataclass(frozen=True)
class MeetingRequest:
    """A Zoom meeting to create: for one session, at one time."""

    topic: str
    start: datetime
    minutes: int


class MeetingNeeded(Exception):
    """Raised inside a transaction: create this meeting outside it, then do the work again."""

    def __init__(self, request: MeetingRequest) -> None:
        super().__init__(request.topic)
        self.request = request


@dataclass
class MeetingLinks:
    """Where a session's link comes from: the administrator's URL, a new Zoom meeting when
    Zoom is configured, else the expert's standing link."""

    zoom: ZoomClient | None = None

    def create(self, request: MeetingRequest) -> str | None:
        """A new Zoom meeting's join URL (an HTTP call: never inside a transaction)."""
        if self.zoom is None:
            return None
        try:
            return self.zoom.create_meeting(request.topic, request.start, request.minutes)
        except (ZoomError, requests.RequestException, KeyError, ValueError) as error:
            log.warning("Zoom meeting not created, using the expert's own link: %s", error)
            return None


@dataclass
class Prepared:
    """The meetings made for one unit of work, before its transaction began."""

    links: MeetingLinks = field(default_factory=MeetingLinks)
    made: dict[MeetingRequest, str | None] = field(default_factory=dict)
    last_try: bool = False  # no more meetings: use the standing link

    def link_for(
        self, given: str | None, request: MeetingRequest, standing: str | None
    ) -> str | None:
        if given:
            return given
        if self.links.zoom is None or self.last_try:
            return self.made.get(request) or standing
        if request not in self.made:
            raise MeetingNeeded(request)
        return self.made[request] or standing


def with_meetings(engine: Engine, links: MeetingLinks, work: Callable[[Session, Prepared], T]) -> T:
    """Run `work` in one transaction; when it needs a Zoom meeting, the transaction is rolled
    back, the meeting made with no transaction open, and `work` run again with the link."""
    made: dict[MeetingRequest, str | None] = {}
    for attempt in range(3):
        try:
            with transaction(engine) as session:
                return work(session, Prepared(links, made, last_try=attempt == 2))
        except MeetingNeeded as needed:
            made[needed.request] = links.create(needed.request)
    raise AssertionError("unreachable: the last try makes no meeting")


def make_meeting_links(config) -> MeetingLinks:
    if config.get("ZOOM_ACCOUNT_ID") and config.get("ZOOM_CLIENT_ID"):
        return MeetingLinks(
            ZoomClient(
                config["ZOOM_ACCOUNT_ID"],
                config["ZOOM_CLIENT_ID"],
                config.get("ZOOM_CLIENT_SECRET", ""),
                config.get("ZOOM_API_BASE_URL") or "https://api.zoom.us/v2",
                config.get("ZOOM_OAUTH_URL") or "https://zoom.us/oauth/token",
            )
        )
    return MeetingLinks()
