"""Virtual keys by role and header format; the values come only from the environment."""

from __future__ import annotations

import os

from robot.api import SkipExecution

from libraries.masking import VK_PREFIX, recase_prefix

# A syntactically valid key that no gateway has: it proves unknown keys are refused.
UNKNOWN_KEY = "sk-bf-acceptance-suite-unknown-key-4c1d"

# `primary-recased-prefix` is the primary key with its sk-bf- prefix in the other letter case
# (SK-BF-…): the prefix check is case-insensitive, but the key lookup may not be.
RECASED = "primary-recased-prefix"
ROLES = ("primary", "alternate", "unknown", "none", RECASED)
# Test modes name the key they use: upstream's `global` sends none, `with_vk` the primary key.
MODE_ROLES = {"global": "none", "with-vk": "primary"}
FORMATS = ("x-bf-vk", "bearer", "x-api-key", "x-goog-api-key", "api-key")
# Where each key comes from; a reproduction names it by that variable, never by its value.
VARIABLES = {"primary": "BIFROST_VK", "alternate": "BIFROST_ALT_VK", "unknown": "BIFROST_UNKNOWN_VK"}


class KeyMissing(SkipExecution):
    """A key this run lacks: a skip (Core.key_headers fails instead if BIFROST_EXPECT has the capability)."""

    def __init__(self, capability: str, message: str) -> None:
        super().__init__(message)
        self.capability = capability


def role_of(key: str) -> str:
    """A role from a role or mode name (`with-vk` -> `primary`); rejects anything else."""
    name = MODE_ROLES.get(key.strip().lower(), key.strip().lower())
    if name not in ROLES:
        raise ValueError(
            f"unknown key role {key!r}; use one of {', '.join(ROLES)} or a mode (global, with-vk)"
        )
    return name


def has_vk_prefix(value: str) -> bool:
    return value.lower().startswith(VK_PREFIX)


def key_value(role: str) -> str | None:
    if role == "unknown":
        return UNKNOWN_KEY
    if role == RECASED:
        primary = key_value("primary")
        return recase_prefix(primary) if primary and has_vk_prefix(primary) else None
    return os.environ.get(VARIABLES.get(role, ""), "").strip() or None


def key_headers(key: str, key_format: str = "x-bf-vk") -> dict[str, str]:
    """The headers that carry `key` in `key_format`; skips the test when that is impossible."""
    role = role_of(key)
    if key_format not in FORMATS:
        raise ValueError(f"unknown key format {key_format!r}; use one of {', '.join(FORMATS)}")
    if role == "none":
        return {}
    value = key_value(role)
    variable = VARIABLES.get(role, "BIFROST_VK")
    if value is None and role == RECASED and key_value("primary"):
        raise KeyMissing(
            "vk-prefix",
            f"BIFROST_VK lacks the {VK_PREFIX} prefix, so there is no prefix whose case could change",
        )
    if value is None:
        capability = "alt-vk" if variable == "BIFROST_ALT_VK" else "vk"
        raise KeyMissing(capability, f"{variable} is not set: this test needs the {role} virtual key")
    if key_format != "x-bf-vk" and not has_vk_prefix(value):
        header = "Authorization: Bearer" if key_format == "bearer" else key_format
        raise KeyMissing(
            "vk-prefix",
            f"{variable} lacks the {VK_PREFIX} prefix: the gateway reads a key sent as {header}"
            " as a virtual key only with that prefix",
        )
    return {"Authorization": f"Bearer {value}"} if key_format == "bearer" else {key_format: value}


def placeholders() -> dict[str, str]:
    """Key value -> shell variable, for the roles whose key is known."""
    result = {value: f"${name}" for role, name in VARIABLES.items() if (value := key_value(role))}
    if recased := key_value(RECASED):
        # The shell rebuilds it: the changed prefix, then the key after its own prefix.
        result[recased] = f"{recased[: len(VK_PREFIX)]}${{BIFROST_VK:{len(VK_PREFIX)}}}"
    return result
