"""Shared fixtures: fake gateways started in-process on free loopback ports, and request helpers."""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from suite_inventory import DryRun, SuiteTest, dry_run

from fakegateway.app import build_app
from fakegateway.contract import BY_TYPE, BodyKind
from fakegateway.gateway import GATEWAY, Gateway, GatewayConfig
from fakegateway.server import BackgroundServer

ROOT = Path(__file__).resolve().parent.parent
VK = "sk-bf-test-primary-0001"
ALT_VK = "sk-bf-test-secondary-0002"
UNKNOWN_VK = "sk-bf-nonexistent-key-for-tests"
NIL_UUID = "00000000-0000-0000-0000-000000000000"
TERMINAL = ("completed", "failed")
DEADLINE_S = 10.0


def png_bytes(size: int = 8) -> bytes:
    """A small white RGBA PNG, built by hand so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff" * 4 * size
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


MP3 = (ROOT / "libraries" / "media" / "sample.mp3").read_bytes()
PNG = png_bytes()

# The upstream suite's fixtures (upstream-checks.md), one per request type.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "text_completion": {
        "model": "openai/gpt-3.5-turbo-instruct",
        "prompt": "Say hello in one word.",
        "max_tokens": 10,
    },
    "chat_completion": {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "Say hello in one word."}],
        "max_tokens": 10,
    },
    "responses": {"model": "openai/gpt-4o-mini", "input": "Say hello in one word."},
    "embedding": {"model": "openai/text-embedding-3-small", "input": "Hello world"},
    "speech": {"model": "openai/tts-1", "input": "Hello", "voice": "alloy"},
    "image_generation": {
        "model": "openai/dall-e-3",
        "prompt": "A simple red circle on a white background",
        "n": 1,
        "size": "1024x1024",
    },
    "rerank": {
        "model": "cohere/rerank-english-v3.0",
        "query": "What is the capital of France?",
        "documents": [
            {"text": "Paris is the capital of France."},
            {"text": "London is the capital of the United Kingdom."},
            {"text": "Berlin is the capital of Germany."},
        ],
    },
    "ocr": {
        "model": "mistral/mistral-ocr-latest",
        "document": {"type": "image_url", "image_url": "https://example.invalid/carpenter-ant4.jpg"},
    },
}
MULTIPART_FIELDS: dict[str, dict[str, str]] = {
    "transcription": {"model": "openai/whisper-1"},
    "image_edit": {"model": "openai/dall-e-2", "prompt": "Make it blue", "n": "1", "size": "256x256"},
    "image_variation": {"model": "openai/dall-e-2", "n": "1", "size": "256x256"},
}
MULTIPART_FILES: dict[str, dict[str, tuple[str, bytes, str]]] = {
    "transcription": {"file": ("sample.mp3", MP3, "audio/mpeg")},
    "image_edit": {"image": ("image.png", PNG, "image/png")},
    "image_variation": {"image": ("image.png", PNG, "image/png")},
}
REQUEST_TYPES = tuple(BY_TYPE)


def path_of(request_type: str) -> str:
    return BY_TYPE[request_type].path


@dataclass
class RunningGateway:
    """A started fake gateway and a requests session aimed at it."""

    url: str
    server: BackgroundServer
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def state(self) -> Gateway:
        return self.server.app[GATEWAY]

    def get(
        self, path: str, headers: Mapping[str, str] | None = None, timeout: float = 5.0, **kwargs: Any
    ) -> requests.Response:
        return self.session.get(self.url + path, headers=dict(headers or {}), timeout=timeout, **kwargs)

    def post(
        self, path: str, headers: Mapping[str, str] | None = None, timeout: float = 5.0, **kwargs: Any
    ) -> requests.Response:
        return self.session.post(self.url + path, headers=dict(headers or {}), timeout=timeout, **kwargs)

    def request(self, method: str, path: str, timeout: float = 5.0, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.url + path, timeout=timeout, **kwargs)

    def submit(
        self,
        request_type: str = "chat_completion",
        headers: Mapping[str, str] | None = None,
        *,
        model: str | None = None,
        drop: tuple[str, ...] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        """Submit the upstream fixture of a request type, optionally with another model or fields."""
        endpoint = BY_TYPE[request_type]
        if endpoint.body is BodyKind.MULTIPART:
            fields = {**MULTIPART_FIELDS[request_type], **{k: str(v) for k, v in (extra or {}).items()}}
            if model is not None:
                fields["model"] = model
            # Text fields go in as `files` entries too, so the body is multipart even without a file.
            parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in fields.items() if k not in drop]
            parts += [(k, v) for k, v in MULTIPART_FILES[request_type].items() if k not in drop]
            return self.post(endpoint.path, headers, files=parts)
        body = {**JSON_BODIES[request_type], **(extra or {})}
        if model is not None:
            body["model"] = model
        return self.post(endpoint.path, headers, json={k: v for k, v in body.items() if k not in drop})

    def submit_ok(
        self, request_type: str = "chat_completion", headers: Mapping[str, str] | None = None, **kw: Any
    ) -> str:
        response = self.submit(request_type, headers, **kw)
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        assert isinstance(job_id, str)
        return job_id

    def poll(
        self, request_type: str, job_id: str, headers: Mapping[str, str] | None = None, timeout: float = 5.0
    ) -> requests.Response:
        return self.get(f"{path_of(request_type)}/{job_id}", headers, timeout)

    def wait_terminal(
        self,
        request_type: str,
        job_id: str,
        headers: Mapping[str, str] | None = None,
        deadline_s: float = DEADLINE_S,
    ) -> requests.Response:
        """Poll until the job is completed or failed; fail the test at the deadline."""
        return wait_for(
            lambda: self.poll(request_type, job_id, headers),
            lambda r: r.status_code != 202 or r.json().get("status") in TERMINAL,
            deadline_s,
        )


def wait_for(
    attempt: Callable[[], requests.Response],
    done: Callable[[requests.Response], bool],
    deadline_s: float = DEADLINE_S,
    interval_s: float = 0.01,
) -> requests.Response:
    """Repeat `attempt` until `done` holds for its response; fail at the deadline with the last one."""
    deadline = time.monotonic() + deadline_s
    while True:
        response = attempt()
        if done(response):
            return response
        if time.monotonic() > deadline:
            pytest.fail(
                f"condition not met within {deadline_s} s; last: {response.status_code} {response.text[:300]}"
            )
        time.sleep(interval_s)


GatewayFactory = Callable[..., RunningGateway]


def start_gateway(config: GatewayConfig) -> RunningGateway:
    server = BackgroundServer(build_app(config))
    return RunningGateway(server.start(), server)


@pytest.fixture
def gateway_factory() -> Iterator[GatewayFactory]:
    """Start gateways with any configuration (default: the two test keys); all stop after the test."""
    started: list[RunningGateway] = []

    def start(*faults: str, keys: tuple[str, ...] = (VK, ALT_VK), **options: Any) -> RunningGateway:
        running = start_gateway(GatewayConfig(virtual_keys=keys, faults=faults, **options))
        started.append(running)
        return running

    yield start
    for running in started:
        running.session.close()
        running.server.stop()


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    """A clean gateway with the two test keys, shared by a test module."""
    running = start_gateway(GatewayConfig(virtual_keys=(VK, ALT_VK)))
    yield running
    running.session.close()
    running.server.stop()


@pytest.fixture(scope="session")
def suite_dry_run(tmp_path_factory: pytest.TempPathFactory) -> DryRun:
    """The Robot suite as a dry run lists it, once per session: the source of every expected count."""
    return dry_run(tmp_path_factory.mktemp("dryrun"))


@pytest.fixture(scope="session")
def suite_tests(suite_dry_run: DryRun) -> list[SuiteTest]:
    """Every Robot test (short name, tags, long name, file), from the session's dry run."""
    return suite_dry_run.tests


# Slow tests in modules whose owners keep their source as it is: marked here, by module and name.
# test_markers.py checks that each still exists, so a rename cannot silently unmark one.
SLOW_ELSEWHERE = {
    "test_suite_webhooks.py": {
        "test_the_webhook_suite_passes_against_the_fake",  # a robot run of the webhook suite, ~8 s
        "test_with_a_declared_endpoint_the_api_tests_skip",  # another, ~5 s
        "test_without_webhook_support_every_webhook_test_skips",  # a robot run: seconds on a busy machine
    },
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if getattr(item, "originalname", item.name) in SLOW_ELSEWHERE.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
