"""The library's core, under every keyword class: settings, the RequestsLibrary session `bifrost` (handed
over by resources/http.resource from `Create Session`: the waits send on it, the resources send through
`Send Request`; one pool, timeout and header set), the record of every exchange, masking and readable
failures."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from robot.api import Failure, SkipExecution, logger
from robot.libraries.BuiltIn import BuiltIn, RobotNotRunningError

import variables
from libraries import keys
from libraries.masking import Masker, secrets_from_environment
from libraries.replay import Exchange, replay
from libraries.webhook_receiver import SecretMasker
from variables import WEBHOOK_VARIABLES, WebhookConfig, load_webhook_config

POOL_SIZE = 50  # connections kept per host: enough for the concurrency batch
LOG_LIMIT = 4000  # characters of a RequestsLibrary request or response log kept in the log
_REQUESTS_LOG = re.compile(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (Request|Response) : ")


class GatewayError(AssertionError):
    """A request that got no usable answer; the message names the request and what happened."""

    ROBOT_SUPPRESS_NAME = True


@dataclass
class Request:
    """What a resource keyword sends with `Send Request` (resources/http.resource): method, path and
    RequestsLibrary's arguments."""

    method: str
    path: str
    arguments: dict[str, Any]
    endpoint: str = ""
    key: str = "none"
    key_format: str = "x-bf-vk"
    route: str = ""
    model: str = ""

    def __repr__(self) -> str:  # Robot logs assigned values: keep the headers (keys) out of it
        return f"<{self.method} {self.path}>"

    __str__ = __repr__


@dataclass
class Job:
    """A job handle: the id, how it was submitted, and what the suite has seen of it."""

    endpoint: str
    id: str | None
    key: str = "none"
    key_format: str = "x-bf-vk"
    sent_at: float = 0.0  # monotonic clock, just before the submit
    response: requests.Response | None = None  # the submit (or integration create) answer
    route: str = ""  # the integration route it was created on, if any
    terminal: requests.Response | None = None  # the first poll that saw it completed or failed
    seen_terminal_at: float | None = None
    envelope: dict[str, Any] = field(default_factory=dict)  # that poll's body
    model: str = ""
    failure: BaseException | None = None  # how its wait failed when followed in a suite setup

    def __repr__(self) -> str:
        return f"<job {self.id} ({self.endpoint})>"

    __str__ = __repr__


# ---------------------------------------------------------------------- responses
def label(response: requests.Response | requests.PreparedRequest) -> str:
    request = response.request if isinstance(response, requests.Response) else response
    return f"{request.method} {request.path_url}"


def answered(response: requests.Response) -> str:
    """How a failure message names an answer: the request, then the status it got."""
    return f"{label(response)} answered {response.status_code}"


def text_of(response: requests.Response) -> str:
    try:
        return response.content.decode("utf-8", errors="replace")
    except requests.RequestException:
        return "(body cut short)"


def snippet(response: requests.Response, limit: int = 120) -> str:
    text = " ".join(text_of(response).split())
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def short(value: Any, limit: int = 300) -> str:
    """A value (a body, an envelope, a field) for a failure message, cut at `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def content_type(response: requests.Response) -> str:
    return str(response.headers.get("Content-Type", ""))


def is_json(kind: str) -> bool:
    """Whether a Content-Type is JSON: application/json or any +json type, whatever its parameters."""
    value = kind.split(";", 1)[0].strip().lower()
    return value == "application/json" or value.endswith("+json")


def json_or_none(response: requests.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except (ValueError, requests.RequestException):
        return None


def json_object(response: requests.Response) -> dict[str, Any]:
    """The body as a JSON object, or a GatewayError naming what came back instead."""
    text = text_of(response)
    try:
        body, parsed = (json.loads(text), True) if text else (None, False)
    except ValueError:
        body, parsed = None, False
    if isinstance(body, dict):
        return body
    if parsed:
        problem = f"JSON {type(body).__name__} instead of an object"
    elif not text:
        problem = "an empty body"
    elif "html" in content_type(response).lower() or text.lstrip()[:15].lower().startswith("<!doctype html"):
        problem = f"{content_type(response) or 'HTML'} instead of JSON"
    else:
        problem = "a body that is not valid JSON"
    raise GatewayError(f"{answered(response)} with {problem}: {snippet(response)}")


def describe_error(err: Exception, timeout: float) -> str:
    """One line for a transport failure."""
    if isinstance(err, requests.Timeout):
        return f"no response within {timeout:g} s (BIFROST_HTTP_TIMEOUT)"
    lowered = str(err).lower()
    if "refused" in lowered:
        return "connection refused (is the gateway running?)"
    if any(word in lowered for word in ("reset", "aborted", "remotedisconnected", "without response")):
        return "connection closed by the gateway without a complete response"
    if any(word in lowered for word in ("incompleteread", "chunked", "incomplete")):
        return "response body cut short (connection closed mid-body)"
    return f"request failed: {err.__class__.__name__}: {str(err)[:200]}"


class RecordingAdapter(HTTPAdapter):
    """The session's transport: no retries (a retry would hide a fault), and a record of each exchange."""

    def __init__(self, record: list[Exchange], timeout: float) -> None:
        super().__init__(max_retries=0, pool_connections=4, pool_maxsize=POOL_SIZE)
        self.record = record
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        exchange = Exchange(request)
        self.record.append(exchange)
        try:
            exchange.response = super().send(request, *args, **kwargs)
        except requests.RequestException as err:
            exchange.error = describe_error(err, self.timeout)
            raise
        exchange.response.received_at = time.monotonic()  # type: ignore[attr-defined]
        exchange.response.received_wall = time.time()  # type: ignore[attr-defined]
        return exchange.response


def received_at(response: requests.Response) -> float:
    return float(getattr(response, "received_at", 0.0)) or time.monotonic()


# ---------------------------------------------------------------------- the core
class Core:
    """Settings, session, exchanges and failures: what every keyword class uses."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self._config: variables.Config | None = None
        self._hooks: WebhookConfig | None = None
        self._session: requests.Session | None = None  # `Create Session`'s, from Open Gateway Session
        # The secrets of the environment, and every webhook secret (whsec_…) by its pattern: also
        # one the gateway creates at run time, in the very answer RequestsLibrary logs.
        self.masker = SecretMasker(Masker(secrets_from_environment([keys.UNKNOWN_KEY])))
        self.exchanges: list[Exchange] = []
        # Gateway timings of this process: (endpoint, "submit" or "terminal", seconds).
        self.timings: list[tuple[str, str, float]] = []
        # The shortest time a job took, per (endpoint, model): when to poll the next one first.
        self.shortest: dict[tuple[str, str], float] = {}
        # Whether the gateway enforces virtual keys (the preflight's finding): the `default` key
        # role is then the primary key instead of none.
        self.enforcing = False

    # listener: each test starts with an empty record
    def start_test(self, data: object, result: object) -> None:
        self.exchanges.clear()

    # listener: every message, whoever logs it (RequestsLibrary logs headers and bodies), is masked
    # before it is written; RequestsLibrary's request and response logs are cut at LOG_LIMIT
    # characters (a multipart body with a file would otherwise fill the log; the curl reproduction of
    # a failed test has the whole request).
    def log_message(self, message: Any) -> None:
        text = getattr(message, "message", None)
        if not isinstance(text, str):
            return
        if len(text) > LOG_LIMIT and _REQUESTS_LOG.match(text):
            text = text[:LOG_LIMIT] + f"… ({len(text) - LOG_LIMIT} more characters cut)"
        message.message = self.masker(text)

    message = log_message  # Robot's own messages (errors, warnings) too

    def end_keyword(self, data: object, result: Any) -> None:
        # A key can reach a keyword's arguments or failure only if written into a .robot file.
        result.args = tuple(self.masker(a) if isinstance(a, str) else a for a in result.args)
        if isinstance(getattr(result, "message", None), str):
            result.message = self.masker(result.message)
        # A test's failed step shows the replay of the test's requests: log.html opens it by itself.
        test: Any = getattr(result, "parent", None)
        if result.failed and type(test).__name__ == "TestCase" and self.exchanges:
            logger.info(self.replay(str(test.name), result.message))

    def end_test(self, data: object, result: Any) -> None:
        result.message, result.doc = self.masker(result.message), self.masker(result.doc)

    def end_suite(self, data: object, result: Any) -> None:
        self.end_test(data, result)
        for name, value in list(result.metadata.items()):
            result.metadata[name] = self.masker(value)

    def add_secret(self, secret: str) -> None:
        """A secret learnt at run time (a webhook secret the gateway created): masked from now on."""
        self.masker.add(secret)

    # ------------------------------------------------------------------ settings
    @staticmethod
    def robot_variables(names: Iterable[str]) -> dict[str, Any]:
        """The Robot variables of these names that are set (none outside a Robot run)."""
        try:
            builtin = BuiltIn()
            values = {name: builtin.get_variable_value(f"${{{name}}}") for name in names}
        except RobotNotRunningError:
            return {}
        return {name: value for name, value in values.items() if value is not None}

    @staticmethod
    def setting_values() -> dict[str, str]:
        """The environment, overridden by each setting's Robot variable (`--variable` included)."""
        given = Core.robot_variables([*variables.settings(variables.Config()), *WEBHOOK_VARIABLES])
        return {**os.environ, **{name: variables.as_text(value) for name, value in given.items()}}

    @property
    def config(self) -> variables.Config:
        if self._config is None:
            self._config = variables.load_config(self.setting_values())
        return self._config

    @property
    def hooks(self) -> WebhookConfig:
        if self._hooks is None:
            self._hooks = load_webhook_config(self.setting_values())
        return self._hooks

    def configuration_errors(self) -> list[str]:
        return [*self.config.errors, *self.hooks.errors] + [
            f"{name} was passed with --variable: secrets are read from the environment only"
            " (pabot writes every --variable into its argument files); export it instead"
            for name in self.robot_variables(variables.SECRET_VARIABLES)
        ]

    # ------------------------------------------------------------------ session
    def session(self) -> requests.Session:
        """The RequestsLibrary session `bifrost`, as `Create Session` returned it (the top suite setup)."""
        if self._session is None:
            raise self.fail("No gateway session: the top suite setup (Open Gateway Session) did not run")
        return self._session

    def watch_session(self, session: requests.Session) -> None:
        """Keeps the session for the waits and mounts the recording transport on it."""
        self._session = session
        adapter = RecordingAdapter(self.exchanges, self.config.http_timeout)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.trust_env = False  # no proxies from the environment for the gateway

    def send(self, method: str, path: str, what: str, **arguments: Any) -> requests.Response:
        """One request on the shared session, for the waits; logged at DEBUG only."""
        session, timeout = self.session(), self.config.http_timeout
        url = self.config.base_url.rstrip("/") + path
        try:
            response = session.request(method, url, timeout=timeout, **arguments)
            response.content  # noqa: B018 - read the whole body here, where errors are caught
        except requests.RequestException as err:
            raise self.fail(f"{what}: {method} {path} → {describe_error(err, timeout)}") from None
        logger.debug(self.masker(f"{answered(response)}: {snippet(response, 300)}"))
        return response

    def role(self, key: str) -> str:
        """A key role or mode; ``default`` (a test's key when not its point): none, or primary if enforced."""
        if key.strip().lower() == "default":
            return "primary" if self.enforcing else "none"
        return keys.role_of(key)

    # ------------------------------------------------------------------ failures
    def fail(self, message: str) -> Failure:
        return Failure(self.masker(message))

    def check(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a pure check; its AssertionError becomes a masked Robot failure."""
        try:
            return check(*args, **kwargs)
        except AssertionError as err:
            raise self.fail(str(err)) from None

    def skip(self, message: str) -> SkipExecution:
        return SkipExecution(self.masker(message))

    def missing(self, capability: str, reason: str) -> Failure | SkipExecution:
        """What this run lacks: a skip, or a failure when BIFROST_EXPECT declares the ``capability``."""
        if capability in self.config.expect:
            return self.fail(f"BIFROST_EXPECT has {capability}, but {reason}")
        return self.skip(reason)

    def key_headers(self, key: str, key_format: str = "x-bf-vk") -> dict[str, str]:
        """The headers of a key role or mode; a key this run lacks is ``missing``."""
        try:
            return keys.key_headers(self.role(key), key_format)
        except keys.KeyMissing as lack:
            raise self.missing(lack.capability, str(lack)) from None

    def set_metadata(self, name: str, value: str) -> None:
        BuiltIn().set_suite_metadata(name, self.masker(value), top=True)

    def replay(self, name: str, failure: str) -> str:
        """The test's requests as a bash snippet that replays them (secrets as shell variables)."""
        placeholders = keys.placeholders()
        placeholders[keys.UNKNOWN_KEY] = "$BIFROST_UNKNOWN_VK"
        for variable in ("BIFROST_SETUP_TOKEN", "BIFROST_ADMIN_TOKEN"):
            if token := os.environ.get(variable, "").strip():
                placeholders[token] = f"${variable}"
        base = self.config.base_url
        return self.masker(replay(self.exchanges, placeholders, base, name, failure))
