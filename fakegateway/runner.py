"""`python -m fakegateway run`: a gateway on a free loopback port around one command."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from types import FrameType
from urllib.parse import urlsplit
from uuid import uuid4

from fakegateway.app import build_app
from fakegateway.gateway import GATEWAY, GatewayConfig
from fakegateway.keys import mask
from fakegateway.server import BackgroundServer
from fakegateway.webhooks import Declaration, mask_secret

HEALTH_DEADLINE_S = 15.0
KEY_VARIABLES = ("BIFROST_VK", "BIFROST_ALT_VK")
# Set only where the caller has not set them: the models that make a job fail or take its time.
MODEL_DEFAULTS = {
    "ASYNC_FAILING_MODEL": "openai/gpt-4o-mini-fail-429",
    "ASYNC_FAILING_STATUS": "429",
    "ASYNC_SLOW_MODEL": "openai/gpt-4o-mini-delay-1500ms",
}
# How long the suite watches for a notification that must not come. One second is safe here
# because run shrinks the fake's retry backoff (the suite's own default allows for Bifrost's).
WEBHOOK_DEFAULTS = {"BIFROST_WEBHOOK_QUIET": "1s"}
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def note(message: str) -> None:
    print(f"fakegateway run: {message}", file=sys.stderr, flush=True)


def with_generated_keys(given: Sequence[str], *, no_keys: bool) -> tuple[str, ...]:
    """The given keys, topped up to two with fresh `sk-bf-<uuid4>` keys (none with --no-keys)."""
    keys = list(given)
    while not no_keys and len(keys) < 2:
        keys.append(f"sk-bf-{uuid4()}")
    return tuple(keys)


def webhook_env(declared: Sequence[Declaration]) -> dict[str, str]:
    """A declared endpoint (the first) for the suite's pre-declared mode, and its receiver address."""
    if not declared:
        return {}
    spec = declared[0].spec
    return {"BIFROST_WEBHOOK_NAME": spec.name, "BIFROST_WEBHOOK_SECRET": declared[0].secret}


def command_env(
    base: Mapping[str, str],
    *,
    url: str,
    keys: Sequence[str],
    default_ttl: int,
    no_keys: bool,
    webhooks: Sequence[Declaration] = (),
) -> dict[str, str]:
    """COMMAND's environment; notes name the variables replaced, never their values."""
    env = dict(base)
    ours = {"BIFROST_BASE_URL": url, "BIFROST_DEFAULT_TTL": str(default_ttl), **webhook_env(webhooks)}
    if not no_keys:
        ours.update(zip(KEY_VARIABLES, keys, strict=False))
    for name, value in ours.items():
        if name in env and env[name] != value:
            note(f"{name} from your environment is replaced by this gateway's value")
        env[name] = value
    if no_keys:
        for name in KEY_VARIABLES:
            if env.pop(name, None) is not None:
                note(f"{name} from your environment is removed (--no-keys)")
    for name, value in {**MODEL_DEFAULTS, **WEBHOOK_DEFAULTS}.items():
        env.setdefault(name, value)
    if webhooks:
        parts = urlsplit(webhooks[0].spec.url)
        env.setdefault("BIFROST_WEBHOOK_LISTEN", f"{parts.hostname}:{parts.port or 80}")
    return env


def modes(config: GatewayConfig) -> str:
    """The switched-on modes for a start-up line, each as `; ...` (empty when none is on)."""
    parts = []
    if config.enforce_virtual_keys:
        parts.append("; enforcing virtual keys")
    if config.job_latency_s:
        parts.append(f"; job latency {config.job_latency_s * 1000:g}ms")
    return "".join(parts)


def wait_until_answering(url: str, deadline_s: float = HEALTH_DEADLINE_S) -> None:
    """Return once /health gives any HTTP answer (a 503 is an answer: the suite judges it)."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1.0):
                return
        except urllib.error.HTTPError:
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the gateway at {url} did not answer /health within {deadline_s:.0f} s"
                ) from exc
        time.sleep(0.05)


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _ChildSignals:
    """Forward SIGINT/SIGTERM/SIGHUP to the command's process group once it runs; before, abort."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self._previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def __enter__(self) -> _ChildSignals:
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.child is None:
            raise _Interrupted(signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.child.pid, signum)


def exit_status(returncode: int) -> int:
    """A shell's view of a child's end: its code, or 128 + the signal that killed it."""
    return returncode if returncode >= 0 else 128 - returncode


def run_command(
    config: GatewayConfig,
    command: Sequence[str],
    *,
    host: str,
    port: int,
    no_keys: bool,
    access_log: logging.Logger | None = None,
) -> int:
    """Serve, run COMMAND against the gateway, stop the gateway whatever happens; COMMAND's status."""
    app = build_app(config)
    server = BackgroundServer(app, host, port, access_log)
    with _ChildSignals() as signals:
        try:
            url = server.start()
        except _Interrupted as exc:
            server.stop()
            return 128 + exc.signum
        except OSError as exc:
            note(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
            return 1
        try:
            wait_until_answering(url)
            keys = ", ".join(mask(k) for k in config.virtual_keys) or "none"
            faults = ", ".join(sorted(app[GATEWAY].faults.active)) or "none"
            scale = config.webhook_backoff_scale
            backoff = f"; webhook backoff x{scale:g} (fake-only)" if scale != 1 else ""
            note(f"gateway on {url} (keys: {keys}; faults: {faults}{modes(config)}{backoff})")
            for declared in config.webhooks:
                note(f"webhook {declared.spec.name} -> {declared.spec.url} ({mask_secret(declared.secret)})")
            env = command_env(
                os.environ,
                url=url,
                keys=config.virtual_keys,
                default_ttl=config.default_ttl,
                no_keys=no_keys,
                webhooks=config.webhooks,
            )
            try:
                signals.child = subprocess.Popen(list(command), env=env, process_group=0)
            except FileNotFoundError:
                note(f"command not found: {command[0]}")
                return 127
            except PermissionError:
                note(f"command is not executable: {command[0]}")
                return 126
            status = exit_status(signals.child.wait())
            note(f"command exited with status {status}; stopping the gateway")
            return status
        except _Interrupted as exc:
            return 128 + exc.signum
        except TimeoutError as exc:
            note(str(exc))
            return 1
        finally:
            server.stop()
