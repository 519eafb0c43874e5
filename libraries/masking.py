"""Secret masking: every key value the suite knows becomes `sk-bf-…abcd` in any text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from urllib.parse import quote

from variables import SECRET_VARIABLES

VK_PREFIX = "sk-bf-"
# Showing the last four characters only makes sense when they are a small part of the secret.
_MIN_LENGTH_FOR_TAIL = 12


def mask_value(secret: str) -> str:
    """`sk-bf-…abcd` for prefixed keys, `…abcd` for others; short values show nothing."""
    prefix = secret[: len(VK_PREFIX)] if secret.lower().startswith(VK_PREFIX) else ""
    rest = secret[len(prefix) :]
    tail = rest[-4:] if len(secret) >= _MIN_LENGTH_FOR_TAIL and len(rest) > 4 else ""
    return f"{prefix}…{tail}"


def recase_prefix(value: str) -> str:
    """`value` with the letters of its first six characters (the sk-bf- prefix) in the other case."""
    return value[: len(VK_PREFIX)].swapcase() + value[len(VK_PREFIX) :]


class Masker:
    """Replaces each known secret (and its URL-encoded form) with its masked form."""

    def __init__(self, secrets: Iterable[str]) -> None:
        pairs: dict[str, str] = {}
        for secret in filter(None, secrets):
            pairs[secret] = mask_value(secret)
            pairs.setdefault(quote(secret, safe=""), mask_value(secret))
        # Longest first, so a secret that contains another is replaced whole.
        self._pairs = sorted(pairs.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, text: str) -> str:
        for secret, masked in self._pairs:
            text = text.replace(secret, masked)
        return text


def secrets_from_environment(extra: Iterable[str] = ()) -> list[str]:
    """The secret values, plus each prefixed key with its prefix in the other case (tests send that too)."""
    found = [value for value in [*(os.environ.get(n, "").strip() for n in SECRET_VARIABLES), *extra] if value]
    return found + [recase_prefix(value) for value in found if value.lower().startswith(VK_PREFIX)]
