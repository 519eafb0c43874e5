"""The result TTL of a job, from the `x-bf-async-job-result-ttl` header (contract §6)."""

from __future__ import annotations

import re

from fakegateway.contract import HARD_DEFAULT_TTL
from fakegateway.faults import Faults

TTL_HEADER = "x-bf-async-job-result-ttl"
_GO_INT = re.compile(r"[+-]?[0-9]+")
_INT64_MAX = 2**63 - 1
# What `ttl-default-ignored` uses instead of the configured default.
IGNORED_DEFAULT_TTL = 86400


def _go_atoi(text: str) -> int | None:
    """What Go's strconv.Atoi accepts: an optional sign and decimal digits, within int64."""
    if not _GO_INT.fullmatch(text):
        return None
    value = int(text)
    return value if -_INT64_MAX - 1 <= value <= _INT64_MAX else None


def result_ttl(header: str | None, default: int, faults: Faults) -> int | None:
    """Seconds the result lives after completion; None means the header is rejected (fault only).

    Missing, empty, non-numeric or negative → the configured default; "0" → 3600 (SubmitJob's
    hard-coded value, not the configured default); positive → as given.
    """
    if faults.on("ttl-default-ignored"):
        default = IGNORED_DEFAULT_TTL
    if faults.on("ttl-ignored") or not header:
        return default
    value = _go_atoi(header)
    if value is None:
        return None if faults.on("ttl-invalid-rejected") else default
    if value < 0:
        return value if faults.on("ttl-negative-honoured") else default
    if value == 0:
        return 0 if faults.on("ttl-zero-honoured") else HARD_DEFAULT_TTL
    return value * 60 if faults.on("ttl-minutes") else value
