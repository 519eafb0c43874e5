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


def _prefixed(value: str | None, faults: Faults, unprefixed_fault: str) -> str | None:
    if not value:
        return None
    prefix = value[: len(VK_PREFIX)]
    if prefix == VK_PREFIX or (prefix.lower() == VK_PREFIX and not faults.on("vk-prefix-case-sensitive")):
        return value
    # The regression: the prefix check is missing, so any value in this header is a key.
    return value if faults.on(unprefixed_fault) else None


def key_source(headers: Mapping[str, str], faults: Faults, *, poll: bool = False) -> tuple[str, str] | None:
    """The virtual key a request carries and the header it came in, or None.

    `x-bf-vk` is taken as is; the other formats only when the value has the `sk-bf-` prefix
    (case-insensitive). When several are present, the first in this order wins (Bifrost's order
    is unconfirmed, so tests should not send several).
    """
    direct = headers.get("x-bf-vk")
    if direct and (not faults.on("x-bf-vk-prefix-required") or direct.lower().startswith(VK_PREFIX)):
        return direct, "x-bf-vk"
    scheme, _, token = headers.get("authorization", "").partition(" ")
    bearer_read = not faults.on("bearer-ignored") and not (poll and faults.on("bearer-poll-ignored"))
    if (
        bearer_read
        and scheme.lower() == "bearer"
        and (key := _prefixed(token.strip(), faults, "unprefixed-bearer-is-a-key"))
    ):
        return key, "authorization"
    for header, fault, unprefixed in (
        ("x-api-key", "x-api-key-ignored", "unprefixed-x-api-key-is-a-key"),
        ("x-goog-api-key", "goog-key-ignored", "unprefixed-goog-key-is-a-key"),
        ("api-key", "api-key-ignored", "unprefixed-api-key-is-a-key"),
    ):
        if not faults.on(fault) and (key := _prefixed(headers.get(header), faults, unprefixed)):
            return key, header
    return None


def virtual_key(headers: Mapping[str, str], faults: Faults, *, poll: bool = False) -> str | None:
    """The virtual key a request carries, or None (see `key_source`)."""
    found = key_source(headers, faults, poll=poll)
    return None if found is None else found[0]


class KeyRing:
    """The virtual keys this gateway knows; any non-empty string can be one."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._ids = {key: key_id(key) for key in keys}

    def resolve(self, key: str) -> str | None:
        """The id of a known key, or None."""
        return self._ids.get(key)

    def __len__(self) -> int:
        return len(self._ids)
