"""The job store: one SQLite table shaped like Bifrost's `async_jobs` (contract §6).

One connection in WAL mode, used from the event loop's thread only. Every statement is a
single-row lookup or write on an indexed column, so it never holds the loop for long.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PENDING = "pending"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
TERMINAL = frozenset({COMPLETED, FAILED})

# Bifrost's cleaner drops jobs stuck in processing after a day (contract §6).
STALE_PROCESSING = timedelta(hours=24)
_LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS async_jobs (
    id                  TEXT PRIMARY KEY,
    request_id          TEXT,
    request_type        TEXT NOT NULL,
    status              TEXT NOT NULL,
    virtual_key_id      TEXT,
    webhook_endpoint_id TEXT,
    result_ttl          INTEGER NOT NULL DEFAULT 3600,
    status_code         INTEGER NOT NULL DEFAULT 0,
    response            TEXT,
    error               TEXT,
    created_at          TEXT NOT NULL,
    completed_at        TEXT,
    expires_at          TEXT
);
CREATE INDEX IF NOT EXISTS idx_async_jobs_status ON async_jobs (status);
CREATE INDEX IF NOT EXISTS idx_async_jobs_request_type ON async_jobs (request_type);
CREATE INDEX IF NOT EXISTS idx_async_jobs_virtual_key_id ON async_jobs (virtual_key_id);
CREATE INDEX IF NOT EXISTS idx_async_jobs_expires_at ON async_jobs (expires_at);
CREATE INDEX IF NOT EXISTS idx_async_jobs_created_at ON async_jobs (created_at);
"""
_COLUMNS = (
    "id, request_id, request_type, status, virtual_key_id, result_ttl, status_code, response, error, "
    "created_at, completed_at, expires_at"
)


def now() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """Fixed-width UTC text, so that stored timestamps also compare correctly as strings."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text)


def add_seconds(moment: datetime, seconds: int) -> datetime:
    """`moment + seconds`, pinned to the calendar's ends instead of overflowing."""
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return _LATEST if seconds > 0 else datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class JobRow:
    id: str
    request_id: str | None
    request_type: str
    status: str
    virtual_key_id: str | None
    result_ttl: int
    status_code: int
    response: str | None  # the job's result as JSON text
    error: str | None  # the stored BifrostError as JSON text
    created_at: datetime
    completed_at: datetime | None
    expires_at: datetime | None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


def _row(values: tuple[object, ...]) -> JobRow:
    (
        id_,
        request_id,
        request_type,
        status,
        vk_id,
        ttl,
        code,
        response,
        error,
        created,
        completed,
        expires,
    ) = values
    return JobRow(
        id=str(id_),
        request_id=None if request_id is None else str(request_id),
        request_type=str(request_type),
        status=str(status),
        virtual_key_id=None if vk_id is None else str(vk_id),
        result_ttl=int(str(ttl)),
        status_code=int(str(code)),
        response=None if response is None else str(response),
        error=None if error is None else str(error),
        created_at=parse_rfc3339(str(created)),
        completed_at=None if completed is None else parse_rfc3339(str(completed)),
        expires_at=None if expires is None else parse_rfc3339(str(expires)),
    )


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        # The store is created and used on the event loop's thread only.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=2000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def ping(self) -> bool:
        try:
            row = self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return bool(row == (1,))

    def insert(self, row: JobRow) -> None:
        self._db.execute(
            f"INSERT INTO async_jobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.request_id,
                row.request_type,
                row.status,
                row.virtual_key_id,
                row.result_ttl,
                row.status_code,
                row.response,
                row.error,
                rfc3339(row.created_at),
                None if row.completed_at is None else rfc3339(row.completed_at),
                None if row.expires_at is None else rfc3339(row.expires_at),
            ),
        )

    def mark_processing(self, job_id: str) -> None:
        self._db.execute(
            "UPDATE async_jobs SET status = ? WHERE id = ? AND status = ?", (PROCESSING, job_id, PENDING)
        )

    def finish(
        self,
        job_id: str,
        *,
        status: str,
        status_code: int,
        response: str | None,
        error: str | None,
        completed_at: datetime,
        expires_at: datetime,
    ) -> None:
        self._db.execute(
            "UPDATE async_jobs SET status = ?, status_code = ?, response = ?, error = ?, completed_at = ?, "
            "expires_at = ? WHERE id = ?",
            (status, status_code, response, error, rfc3339(completed_at), rfc3339(expires_at), job_id),
        )

    def find(self, job_id: str, *, at: datetime, include_expired: bool = False) -> JobRow | None:
        """The job, unless it has expired by `at` (Bifrost filters expiry in the lookup itself)."""
        query = f"SELECT {_COLUMNS} FROM async_jobs WHERE id = ?"
        params: tuple[str, ...] = (job_id,)
        if not include_expired:
            query += " AND (expires_at IS NULL OR expires_at > ?)"
            params = (job_id, rfc3339(at))
        values = self._db.execute(query, params).fetchone()
        return None if values is None else _row(values)

    def latest(self, *, limit: int) -> list[JobRow]:
        values = self._db.execute(
            f"SELECT {_COLUMNS} FROM async_jobs ORDER BY created_at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_row(v) for v in values]

    def delete(self, job_id: str) -> None:
        self._db.execute("DELETE FROM async_jobs WHERE id = ?", (job_id,))

    def latest_completed(self, request_type: str) -> JobRow | None:
        values = self._db.execute(
            f"SELECT {_COLUMNS} FROM async_jobs WHERE request_type = ? AND status = ? "
            "ORDER BY completed_at DESC LIMIT 1",
            (request_type, COMPLETED),
        ).fetchone()
        return None if values is None else _row(values)

    def clean(self, *, at: datetime) -> int:
        """Bifrost's cleaner: drop expired jobs and jobs stuck in processing for a day."""
        expired = self._db.execute(
            "DELETE FROM async_jobs WHERE expires_at IS NOT NULL AND expires_at < ?", (rfc3339(at),)
        ).rowcount
        stale = self._db.execute(
            "DELETE FROM async_jobs WHERE status = ? AND created_at < ?",
            (PROCESSING, rfc3339(at - STALE_PROCESSING)),
        ).rowcount
        return int(expired) + int(stale)

    def count(self) -> int:
        (total,) = self._db.execute("SELECT COUNT(*) FROM async_jobs").fetchone()
        return int(total)
