"""Secret masking: every key value the suite knows becomes `sk-bf-…abcd` in any text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from urllib.parse import quote

# The environment variables whose values are secrets. The unknown key is added by keys.py.
SECRET_VARIABLES = (
    "BIFROST_VK",
    "BIFROST_ALT_VK",
    "BIFROST_SETUP_TOKEN",
    "BIFROST_ADMIN_TOKEN",
    "BIFROST_WEBHOOK_SECRET",
)
VK_PREFIX = "sk-bf-"
ELLIPSIS = "…"
# Showing the last four characters only makes sense when they are a small part of the secret.
_MIN_LENGTH_FOR_TAIL = 12


def mask_value(secret: str) -> str:
    """`sk-bf-…abcd` for prefixed keys, `…abcd` for others; short values show nothing."""
    prefix = secret[: len(VK_PREFIX)] if secret.lower().startswith(VK_PREFIX) else ""
    rest = secret[len(prefix) :]
    tail = rest[-4:] if len(secret) >= _MIN_LENGTH_FOR_TAIL and len(rest) > 4 else ""
    return f"{prefix}{ELLIPSIS}{tail}"


class Masker:
    """Replaces each known secret (and its URL-encoded form) with its masked form."""

    def __init__(self, secrets: Iterable[str]) -> None:
        pairs: dict[str, str] = {}
        for secret in secrets:
            if not secret:
                continue
            masked = mask_value(secret)
            pairs[secret] = masked
            pairs.setdefault(quote(secret, safe=""), masked)
        # Longest first, so a secret that contains another is replaced whole.
        self._pairs = sorted(pairs.items(), key=lambda item: len(item[0]), reverse=True)

    def __call__(self, text: str) -> str:
        for secret, masked in self._pairs:
            if secret in text:
                text = text.replace(secret, masked)
        return text

    def __bool__(self) -> bool:
        return bool(self._pairs)


def secrets_from_environment(extra: Iterable[str] = ()) -> list[str]:
    """The secret values, plus each prefixed key with its prefix in the other case (tests send that too)."""
    values = [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]
    found = [value for value in [*values, *extra] if value]
    recased = [
        value[: len(VK_PREFIX)].swapcase() + value[len(VK_PREFIX) :]
        for value in found
        if value.lower().startswith(VK_PREFIX)
    ]
    return found + recased


_default: Masker | None = None


def default_masker() -> Masker:
    """The process-wide masker, built once from the environment."""
    global _default
    if _default is None:
        from libraries.keys import UNKNOWN_KEY

        _default = Masker(secrets_from_environment([UNKNOWN_KEY]))
    return _default


def mask(text: str) -> str:
    return default_masker()(text)
