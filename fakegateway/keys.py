"""Virtual keys: which request header carries one (contract §7), and which keys the gateway knows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from fakegateway.contract import VK_PREFIX
from fakegateway.faults import Faults


def mask(key: str) -> str:
    """A key as it may appear in output: `sk-bf-…abcd` (prefix, ellipsis, last 4)."""
    if key.lower().startswith(VK_PREFIX) and len(key) > len(VK_PREFIX) + 4:
        return key[: len(VK_PREFIX)] + "…" + key[-4:]
    return "…" + key[-4:] if len(key) > 8 else "…"


def key_id(key: str) -> str:
    """A stable id for a key, so the job store never holds key values."""
    return "vk-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _prefixed(value: str | None, faults: Faults) -> str | None:
    if not value:
        return None
    prefix = value[: len(VK_PREFIX)]
    if prefix == VK_PREFIX or (prefix.lower() == VK_PREFIX and not faults.on("vk-prefix-case-sensitive")):
        return value
    return None


def virtual_key(headers: Mapping[str, str], faults: Faults, *, poll: bool = False) -> str | None:
    """The virtual key a request carries, or None.

    `x-bf-vk` is taken as is; the other formats only when the value has the `sk-bf-` prefix
    (case-insensitive). When several are present, the first in this order wins (Bifrost's order
    is unconfirmed, so tests should not send several).
    """
    direct = headers.get("x-bf-vk")
    if direct:
        return direct
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer_read = not faults.on("bearer-ignored") and not (poll and faults.on("bearer-poll-ignored"))
    if bearer_read and scheme.lower() == "bearer" and (key := _prefixed(token.strip(), faults)):
        return key
    for header, fault in (
        ("x-api-key", "x-api-key-ignored"),
        ("x-goog-api-key", "goog-key-ignored"),
        ("api-key", "api-key-ignored"),
    ):
        if not faults.on(fault) and (key := _prefixed(headers.get(header), faults)):
            return key
    return None


class KeyRing:
    """The virtual keys this gateway knows; any non-empty string can be one."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._ids = {key: key_id(key) for key in keys}

    def resolve(self, key: str) -> str | None:
        """The id of a known key, or None."""
        return self._ids.get(key)

    def __len__(self) -> int:
        return len(self._ids)
