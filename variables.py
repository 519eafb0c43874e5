"""Every setting of the suite: environment variables read, validated and exposed as Robot variables.

The one source of settings. `get_variables()` is what Robot loads (`Variables variables.py`);
the keyword library reads the same names back as Robot variables, so `--variable NAME:VALUE`
works for every non-secret setting and goes through the same validation (`load_config`).

Bad values are not raised here (Robot would ignore the exception and run every test): an
unusable value is exported as given, and the top suite setup stops the run with one message per
bad value before anything is sent. Secrets (virtual keys, tokens, the webhook secret) are read
from the environment only and never exported; only whether each is set.
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ENDPOINT_NAMES: tuple[str, ...] = (
    "text-completions",
    "chat-completions",
    "responses",
    "embeddings",
    "speech",
    "transcriptions",
    "image-generations",
    "image-edits",
    "image-variations",
    "rerank",
    "ocr",
)

# endpoint name -> (environment variable, default model); upstream's names and defaults.
MODEL_VARIABLES: dict[str, tuple[str, str]] = {
    "text-completions": ("ASYNC_TEXT_COMPLETION_MODEL", "openai/gpt-3.5-turbo-instruct"),
    "chat-completions": ("ASYNC_CHAT_COMPLETION_MODEL", "openai/gpt-4o-mini"),
    "responses": ("ASYNC_RESPONSES_MODEL", "openai/gpt-4o-mini"),
    "embeddings": ("ASYNC_EMBEDDINGS_MODEL", "openai/text-embedding-3-small"),
    "speech": ("ASYNC_SPEECH_MODEL", "openai/tts-1"),
    "transcriptions": ("ASYNC_TRANSCRIPTION_MODEL", "openai/whisper-1"),
    "image-generations": ("ASYNC_IMAGE_GEN_MODEL", "openai/dall-e-3"),
    "image-edits": ("ASYNC_IMAGE_EDIT_MODEL", "openai/dall-e-2"),
    "image-variations": ("ASYNC_IMAGE_VARIATION_MODEL", "openai/dall-e-2"),
    "rerank": ("ASYNC_RERANK_MODEL", "cohere/rerank-english-v3.0"),
    "ocr": ("ASYNC_OCR_MODEL", "mistral/mistral-ocr-latest"),
}

DEFAULT_OCR_IMAGE_URL = (
    "https://pestworldcdn-dcf2a8gbggazaghf.z01.azurefd.net/media/561791/carpenter-ant4.jpg"
)
# BIFROST_EXPECT: what the gateway under test must have. A capability the suite finds missing skips
# the tests that need it, unless it is declared here: then those tests fail with the reason. The
# endpoint names are capabilities too (an endpoint left out of ASYNC_ENDPOINTS skips its tests).
CAPABILITIES: tuple[str, ...] = (
    "gateway",  # reachable and healthy (as BIFROST_REQUIRE_GATEWAY=1)
    "enforcement",  # the gateway enforces virtual keys: anonymous jobs fail with 401
    "anonymous",  # the gateway runs anonymous jobs (no key enforcement)
    "vk",  # BIFROST_VK is set
    "alt-vk",  # BIFROST_ALT_VK is set
    "vk-prefix",  # the keys start with sk-bf- (needed by the Bearer / x-api-key / ... formats)
    "failing-model",  # ASYNC_FAILING_MODEL is set and its jobs fail
    "slow-model",  # ASYNC_SLOW_MODEL is set and its jobs are seen in flight
    "models",  # every endpoint's job completes, so its result shape is checked
    "request-id",  # job envelopes carry request_id
    "webhooks",  # GET /api/webhooks answers 200
    "webhooks-api",  # the suite manages its own endpoints (BIFROST_WEBHOOK_NAME unset)
    *ENDPOINT_NAMES,
)
# A gateway either enforces virtual keys or runs anonymous jobs: `all` declares neither.
KEY_MODES = ("enforcement", "anonymous")
# Tests whose point is anonymous access: upstream's global mode and the public-job tests.
ANONYMOUS_TAGS = {"global", "anonymous"}
# What a test tag needs: tag -> (the Config field that must be set, the capability that declares it,
# the reason a test skips without it).
_NEEDS_VK = ("vk_set", "vk", "BIFROST_VK is not set: with-VK and key-scoped tests need a virtual key")
TAG_NEEDS = {
    "requires-vk": _NEEDS_VK,
    "with-vk": _NEEDS_VK,
    "requires-alt-vk": (
        "alt_vk_set",
        "alt-vk",
        "BIFROST_ALT_VK is not set: cross-key tests need a second virtual key",
    ),
    "requires-failing-model": (
        "failing_model",
        "failing-model",
        "ASYNC_FAILING_MODEL is not set: failed-job tests need a model the provider rejects",
    ),
    "requires-slow-model": (
        "slow_model",
        "slow-model",
        "ASYNC_SLOW_MODEL is not set: in-flight tests need a model whose jobs take a while",
    ),
}

# Secrets: environment only. A Robot variable of one of these names means it came from
# `--variable`, which pabot writes into its argument files: the run stops instead.
SECRET_VARIABLES = (
    "BIFROST_VK",
    "BIFROST_ALT_VK",
    "BIFROST_SETUP_TOKEN",
    "BIFROST_ADMIN_TOKEN",
    "BIFROST_WEBHOOK_SECRET",
)

# The webhook settings: the receiver's defaults live here, with every other setting; the webhook
# library (libraries/webhook_receiver.py, libraries/webhook_keywords.py) reads them.
WEBHOOK_SECRET_PREFIX = "whsec_"
DEFAULT_LISTEN = "127.0.0.1:0"
# The longest gap between two delivery attempts, and so how long the suite watches for one that
# must not come: the suite's endpoints back off 1-2 s (±20 %) and Bifrost scans its queue every 5 s.
DEFAULT_QUIET = 8.0
WEBHOOK_VARIABLES = (
    "BIFROST_WEBHOOK_LISTEN",
    "BIFROST_WEBHOOK_URL",
    "BIFROST_WEBHOOK_NAME",
    "BIFROST_WEBHOOK_QUIET",
)

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_duration(text: str) -> float:
    """Seconds from a Go duration (`500ms`, `1m30s`) or a plain number of seconds."""
    value = text.strip()
    if not value:
        raise ValueError("empty")
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    position, total = 0, 0.0
    while position < len(value):
        match = _DURATION_PART.match(value, position)
        if match is None:
            raise ValueError(value)
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    return total


@dataclass(frozen=True)
class Config:
    """Every setting of a run; key values are deliberately not part of it."""

    base_url: str = "http://localhost:8080"
    poll_timeout: float = 30.0
    poll_interval: float = 0.5
    http_timeout: float = 15.0
    submit_budget: float = 1.0
    default_ttl: int = 3600
    expiry_ttl: int = 10
    require_gateway: bool = False
    integration_path: str = "/openai/v1/responses"
    integration_model: str = "openai/gpt-4o-mini"
    anthropic_path: str = "/anthropic/v1/messages"
    anthropic_model: str = "anthropic/claude-3-5-haiku-latest"
    models: Mapping[str, str] = field(default_factory=dict)
    ocr_image_url: str = DEFAULT_OCR_IMAGE_URL
    endpoints: tuple[str, ...] = ENDPOINT_NAMES
    failing_model: str = ""
    failing_status: int | None = None
    slow_model: str = ""
    vk_set: bool = False
    alt_vk_set: bool = False
    setup_token_set: bool = False
    expect: frozenset[str] = frozenset()
    errors: tuple[str, ...] = ()
    unusable: Mapping[str, str] = field(default_factory=dict)

    def model(self, endpoint: str) -> str:
        return self.models.get(endpoint) or MODEL_VARIABLES[endpoint][1]


class _Reader:
    """Reads one variable at a time and records a one-line message for each bad value."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.errors: list[str] = []
        # name -> the unusable text, exported as given so that the library reports it.
        self.unusable: dict[str, str] = {}

    def raw(self, name: str) -> str:
        return str(self.environ.get(name, "")).strip()

    def bad(self, name: str, raw: str, message: str) -> None:
        self.errors.append(message)
        self.unusable[name] = raw

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def duration(self, name: str, default: float) -> float:
        raw = self.raw(name)
        if not raw:
            return default
        try:
            seconds = parse_duration(raw)
        except ValueError:
            self.bad(
                name, raw, f"{name}={raw!r} is not a duration (use Go syntax such as 500ms, 30s or 1m30s)"
            )
            return default
        if seconds <= 0:
            self.bad(name, raw, f"{name}={raw!r} must be a positive duration")
            return default
        return seconds

    def whole_seconds(self, name: str, default: int) -> int:
        raw = self.raw(name)
        seconds = self.duration(name, float(default))
        if raw and name not in self.unusable and seconds != int(seconds):
            self.bad(name, raw, f"{name}={raw!r} must be a whole number of seconds (the TTL header is)")
            return default
        return int(seconds)

    def flag(self, name: str) -> bool:
        raw = self.raw(name)
        if not raw or raw.lower() in _FALSE:
            return False
        if raw.lower() in _TRUE:
            return True
        self.bad(name, raw, f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")
        return False

    def route(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not value.startswith("/"):
            self.bad(name, value, f"{name}={value!r} must be a path starting with '/'")
            return default
        return value

    def status(self, name: str) -> int | None:
        raw = self.raw(name)
        if not raw or raw == "None":
            return None
        if not (raw.isascii() and raw.isdigit()) or not 100 <= int(raw) <= 599:
            self.bad(name, raw, f"{name}={raw!r} is not an HTTP status code (100-599)")
            return None
        return int(raw)

    def base_url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.bad(name, value, f"{name}={value!r} is not an http(s) URL such as http://localhost:8080")
            return default
        return value.rstrip("/")

    def endpoint_list(self, name: str) -> tuple[str, ...]:
        raw = self.raw(name)
        if not raw:
            return ENDPOINT_NAMES
        names = [part.strip().lower() for part in raw.split(",") if part.strip()]
        unknown = [item for item in names if item not in ENDPOINT_NAMES]
        if unknown or not names:
            self.bad(
                name,
                raw,
                f"{name}={raw!r} names unknown endpoint(s) {', '.join(unknown) or '(none given)'};"
                f" known: {', '.join(ENDPOINT_NAMES)}",
            )
            return ENDPOINT_NAMES
        return tuple(item for item in ENDPOINT_NAMES if item in names)

    def capabilities(self, name: str) -> frozenset[str]:
        raw = self.raw(name)
        names = {part.strip().lower() for part in raw.split(",") if part.strip()}
        known = (*CAPABILITIES, "all")
        if unknown := sorted(names - set(known)):
            problem = f"names unknown capability(ies) {', '.join(unknown)}; known: {', '.join(known)}"
        elif set(KEY_MODES) <= names:
            problem = "has both enforcement and anonymous: a gateway enforces virtual keys or it does not"
        else:
            return frozenset(set(CAPABILITIES) - set(KEY_MODES) if "all" in names else ()) | (names - {"all"})
        self.bad(name, raw, f"{name}={raw!r} {problem}")
        return frozenset()

    def key_pair(self) -> tuple[bool, bool]:
        primary = self.raw("BIFROST_VK")
        alternate = self.raw("BIFROST_ALT_VK")
        # Key values stay out of every message: only the names are reported.
        if alternate and not primary:
            self.errors.append("BIFROST_ALT_VK is set but BIFROST_VK is not (set both, or only BIFROST_VK)")
        elif alternate and alternate == primary:
            self.errors.append(
                "BIFROST_ALT_VK must be a different virtual key from BIFROST_VK (both are equal)"
            )
        return bool(primary), bool(alternate)


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Parse the settings from `environ` (os.environ by default); never raises."""
    reader = _Reader(os.environ if environ is None else environ)
    models = {name: reader.text(var, default) for name, (var, default) in MODEL_VARIABLES.items()}
    vk_set, alt_vk_set = reader.key_pair()
    return Config(
        base_url=reader.base_url("BIFROST_BASE_URL", "http://localhost:8080"),
        poll_timeout=reader.duration("BIFROST_POLL_TIMEOUT", 30.0),
        poll_interval=reader.duration("BIFROST_POLL_INTERVAL", 0.5),
        http_timeout=reader.duration("BIFROST_HTTP_TIMEOUT", 15.0),
        submit_budget=reader.duration("BIFROST_SUBMIT_BUDGET", 1.0),
        default_ttl=reader.whole_seconds("BIFROST_DEFAULT_TTL", 3600),
        expiry_ttl=reader.whole_seconds("ASYNC_EXPIRY_TTL", 10),
        require_gateway=reader.flag("BIFROST_REQUIRE_GATEWAY"),
        integration_path=reader.route("BIFROST_INTEGRATION_PATH", "/openai/v1/responses"),
        integration_model=reader.text("BIFROST_INTEGRATION_MODEL", models["responses"]),
        anthropic_path=reader.route("BIFROST_ANTHROPIC_PATH", "/anthropic/v1/messages"),
        anthropic_model=reader.text("BIFROST_ANTHROPIC_MODEL", "anthropic/claude-3-5-haiku-latest"),
        models=models,
        ocr_image_url=reader.text("ASYNC_OCR_IMAGE_URL", DEFAULT_OCR_IMAGE_URL),
        endpoints=reader.endpoint_list("ASYNC_ENDPOINTS"),
        failing_model=reader.text("ASYNC_FAILING_MODEL", ""),
        failing_status=reader.status("ASYNC_FAILING_STATUS"),
        slow_model=reader.text("ASYNC_SLOW_MODEL", ""),
        vk_set=vk_set,
        alt_vk_set=alt_vk_set,
        setup_token_set=bool(reader.raw("BIFROST_SETUP_TOKEN")),
        expect=reader.capabilities("BIFROST_EXPECT"),
        errors=tuple(reader.errors),
        unusable=dict(reader.unusable),
    )


@dataclass(frozen=True)
class WebhookConfig:
    """The webhook variables; secret values stay in the environment, only their presence is here."""

    listen_host: str = "127.0.0.1"
    listen_port: int = 0
    public_url: str = ""
    endpoint_name: str = ""
    secret_set: bool = False
    admin_token_set: bool = False
    quiet: float = DEFAULT_QUIET
    errors: tuple[str, ...] = ()

    @property
    def predeclared(self) -> bool:
        return bool(self.endpoint_name)


def load_webhook_config(environ: Mapping[str, str] | None = None) -> WebhookConfig:
    """Parse the webhook variables; problems are collected as one-line messages, never raised."""
    env = os.environ if environ is None else environ
    errors: list[str] = []
    listen = env.get("BIFROST_WEBHOOK_LISTEN", "").strip() or DEFAULT_LISTEN
    host, port = _host_port(listen, errors)
    public_url = env.get("BIFROST_WEBHOOK_URL", "").strip().rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(f"BIFROST_WEBHOOK_URL={public_url!r} is not an http(s) URL")
        elif port == 0:
            errors.append(
                "BIFROST_WEBHOOK_URL is set but BIFROST_WEBHOOK_LISTEN has no fixed port"
                f" ({listen!r}): the gateway could not reach an ephemeral port"
            )
    name = env.get("BIFROST_WEBHOOK_NAME", "").strip()
    secret = env.get("BIFROST_WEBHOOK_SECRET", "").strip()
    if name and not secret:
        errors.append("BIFROST_WEBHOOK_NAME is set but BIFROST_WEBHOOK_SECRET is not (set both)")
    if secret and not name:
        errors.append("BIFROST_WEBHOOK_SECRET is set but BIFROST_WEBHOOK_NAME is not (set both)")
    if secret:
        try:
            secret_key(secret)
        except ValueError as err:
            errors.append(f"BIFROST_WEBHOOK_SECRET is not usable: {err}")  # never the value itself
    if name and port == 0:
        errors.append(
            "BIFROST_WEBHOOK_NAME is set but BIFROST_WEBHOOK_LISTEN has no fixed port: the declared"
            " endpoint's URL must reach the receiver"
        )
    quiet = DEFAULT_QUIET
    raw_quiet = env.get("BIFROST_WEBHOOK_QUIET", "").strip()
    if raw_quiet:
        try:
            quiet = parse_duration(raw_quiet)
            if quiet <= 0:
                raise ValueError(raw_quiet)
        except ValueError:
            errors.append(f"BIFROST_WEBHOOK_QUIET={raw_quiet!r} is not a positive duration (e.g. 1s, 500ms)")
            quiet = DEFAULT_QUIET
    return WebhookConfig(
        listen_host=host,
        listen_port=port,
        public_url=public_url,
        endpoint_name=name,
        secret_set=bool(secret),
        admin_token_set=bool(env.get("BIFROST_ADMIN_TOKEN", "").strip()),
        quiet=quiet,
        errors=tuple(errors),
    )


def _host_port(text: str, errors: list[str]) -> tuple[str, int]:
    host, colon, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        errors.append(f"BIFROST_WEBHOOK_LISTEN={text!r} is not HOST:PORT (e.g. 127.0.0.1:0 or 0.0.0.0:8765)")
        return "127.0.0.1", 0
    return host, int(port_text)


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret: its base64 part, decoded."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(WEBHOOK_SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("the part after whsec_ is not base64") from None
    if not key:
        raise ValueError("the part after whsec_ is empty")
    return key


def settings(cfg: Config) -> dict[str, Any]:
    """The Robot variables of the non-secret settings (unusable values as given)."""
    values: dict[str, Any] = {
        "BIFROST_BASE_URL": cfg.base_url,
        "BIFROST_POLL_TIMEOUT": cfg.poll_timeout,
        "BIFROST_POLL_INTERVAL": cfg.poll_interval,
        "BIFROST_HTTP_TIMEOUT": cfg.http_timeout,
        "BIFROST_SUBMIT_BUDGET": cfg.submit_budget,
        "BIFROST_DEFAULT_TTL": cfg.default_ttl,
        "BIFROST_REQUIRE_GATEWAY": cfg.require_gateway,
        "BIFROST_INTEGRATION_PATH": cfg.integration_path,
        "BIFROST_INTEGRATION_MODEL": cfg.integration_model,
        "BIFROST_ANTHROPIC_PATH": cfg.anthropic_path,
        "BIFROST_ANTHROPIC_MODEL": cfg.anthropic_model,
        "ASYNC_OCR_IMAGE_URL": cfg.ocr_image_url,
        "ASYNC_ENDPOINTS": ",".join(cfg.endpoints),
        "ASYNC_EXPIRY_TTL": cfg.expiry_ttl,
        "ASYNC_FAILING_MODEL": cfg.failing_model,
        "ASYNC_FAILING_STATUS": cfg.failing_status,
        "ASYNC_SLOW_MODEL": cfg.slow_model,
        "BIFROST_EXPECT": ",".join(name for name in CAPABILITIES if name in cfg.expect),
    }
    for endpoint, (name, _default) in MODEL_VARIABLES.items():
        values[name] = cfg.model(endpoint)
    values.update(cfg.unusable)
    return values


def as_text(value: object) -> str:
    """A Robot variable's value as the environment would spell it."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def get_variables() -> dict[str, Any]:
    cfg = load_config()
    variables = settings(cfg)
    # The webhook settings as given: the library validates them with the same parser.
    defaults = {"BIFROST_WEBHOOK_LISTEN": DEFAULT_LISTEN, "BIFROST_WEBHOOK_QUIET": DEFAULT_QUIET}
    for name in WEBHOOK_VARIABLES:
        variables[name] = os.environ.get(name, "").strip() or defaults.get(name, "")
    # Which secrets are set, never their values.
    for name in SECRET_VARIABLES:
        variables[f"{name}_SET"] = bool(os.environ.get(name, "").strip())
    # A safety net above the suite's own bounds: the longest wait a test can legitimately have.
    variables["TEST_TIMEOUT"] = f"{test_timeout(cfg):.0f} seconds"
    return variables


def test_timeout(cfg: Config) -> float:
    return 2 * cfg.poll_timeout + cfg.expiry_ttl + 10 + 8 * cfg.http_timeout + 60
