"""No inbound message is lost while the database is unreachable.

The webhook checks Twilio's signature, and when the database cannot be reached (down, hung
past the connect or statement timeout) it writes the request's fields to a file in the spool
folder — written to a temporary name, fsync'd, renamed, the folder fsync'd — and answers with
a short polite "received". The scheduler replays the spool in arrival order once the database
answers again; the replies go out through the outbox. The MessageSid keeps a replay exactly
once, whoever replays it and however often.

The files hold message text and phone numbers: the folder is private to the service (0700,
files 0600) and each file is deleted once its message is stored.
"""

import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from bot.config import Settings
from bot.inbound.receive import receive

log = logging.getLogger(__name__)


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, form: dict[str, str], received_at: datetime) -> Path:
        """Keep one request durably; its name sorts in arrival order."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.json"
        temporary = self.folder / f".{name}.tmp"
        entry = {"form": form, "received_at": received_at.isoformat()}
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(entry, file, ensure_ascii=False)
            file.flush()
            os.fsync(file.fileno())
        final = self.folder / name
        os.replace(temporary, final)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        return final

    def waiting(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.json"))

    def replay(self, handle: Callable[[dict[str, str], datetime], object]) -> int:
        """Hand each kept request to `handle` (form, when it arrived), oldest first, deleting
        it once handled. An error (the database still away) stops the replay: the rest wait
        for the next pass, in order."""
        done = 0
        for path in self.waiting():
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # another scheduler replayed it
            except ValueError:
                log.error("spool file %s is unreadable; moved aside", path.name)
                path.rename(path.with_suffix(".unreadable"))
                continue
            handle(entry["form"], datetime.fromisoformat(entry["received_at"]))
            path.unlink(missing_ok=True)
            done += 1
        return done


def replay_spool(spool: Spool, engine: Engine, settings: Settings) -> int:
    """The scheduler's chore: every kept message handled as it would have been on arrival,
    its replies queued. Returns how many were replayed."""
    if not spool.waiting():
        return 0
    done = spool.replay(lambda form, at: receive(engine, form, at, settings, by_outbox=True))
    log.info("replayed %s spooled inbound messages", done)
    return done
