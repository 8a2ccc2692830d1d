"""Meeting links, in order: the administrator's URL, a new Zoom meeting, the expert's own link."""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import requests

from flows.dates import WIB

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


@dataclass
class MeetingLinks:
    zoom: ZoomClient | None = None

    def link_for(
        self, given: str | None, topic: str, start: datetime, minutes: int, standing: str | None
    ) -> str | None:
        if given:
            return given
        if self.zoom is not None:
            try:
                return self.zoom.create_meeting(topic, start, minutes)
            except (ZoomError, requests.RequestException, KeyError, ValueError) as error:
                log.warning("Zoom meeting not created, using the expert's own link: %s", error)
        return standing


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
