"""Bad requests never crash the gateway or lose a job: random bodies, wrong types, caps, disconnects."""

from __future__ import annotations

import json
import logging
import random
import socket
import sqlite3
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import (
    JSON_BODIES,
    MULTIPART_FIELDS,
    MULTIPART_FILES,
    REQUEST_TYPES,
    GatewayFactory,
    RunningGateway,
    path_of,
)

from fakegateway.contract import BY_TYPE, BodyKind

SEED = 20261126
ROUNDS = 400
CAP = 64 * 1024
INTEGRATION_PATHS = ("/openai/v1/responses", "/anthropic/v1/messages", "/openai/v1/chat/completions")
ODD_VALUES: tuple[Any, ...] = (
    None,
    -1,
    0,
    3,
    1.5,
    "",
    "x" * 50,
    [],
    {},
    [1, "a"],
    {"a": 1},
    True,
    "openai/x",
)
CONTENT_TYPES = (
    "application/json",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "text/plain",
    "application/x-www-form-urlencoded",
    "",
    "garbage/;;;=",
)


def mutated_json(rng: random.Random, request_type: str) -> bytes:
    body: dict[str, Any] = dict(JSON_BODIES.get(request_type, JSON_BODIES["chat_completion"]))
    for _ in range(rng.randint(1, 3)):
        action = rng.random()
        key = rng.choice([*body, "stream", "extra", "model"]) if body else "model"
        if action < 0.3:
            body.pop(key, None)
        elif action < 0.8:
            body[key] = rng.choice(ODD_VALUES)
        else:
            body[f"k{rng.randint(0, 9)}"] = rng.choice(ODD_VALUES)
    text = json.dumps(body).encode()
    if rng.random() < 0.2:
        text = text[: rng.randint(0, len(text))]
    return text


def mutated_multipart(rng: random.Random, request_type: str) -> bytes:
    fields = dict(MULTIPART_FIELDS.get(request_type, MULTIPART_FIELDS["image_edit"]))
    files = MULTIPART_FILES.get(request_type, MULTIPART_FILES["image_edit"])
    parts = [
        f'--fuzz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
        if rng.random() < 0.85
    ]
    for name, (filename, data, kind) in files.items():
        if rng.random() < 0.85:
            head = f'--fuzz\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(
                f"{head}Content-Type: {kind}\r\n\r\n".encode() + data[: rng.randint(0, 2000)] + b"\r\n"
            )
    body = b"".join(parts) + b"--fuzz--\r\n"
    if rng.random() < 0.3:
        body = body[: rng.randint(0, len(body))]
    return body


def random_body(rng: random.Random, request_type: str) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return b"x" * (CAP + rng.randint(1, 4096))
    if roll < 0.25:
        return rng.randbytes(rng.randint(0, 2048))
    if roll < 0.3:
        return b"[" * 50_000
    if BY_TYPE[request_type].body is BodyKind.MULTIPART:
        return mutated_multipart(rng, request_type)
    return mutated_json(rng, request_type)


def random_request(rng: random.Random) -> tuple[str, str, dict[str, str], bytes]:
    request_type = rng.choice(REQUEST_TYPES)
    roll = rng.random()
    headers = {"Content-Type": rng.choice(CONTENT_TYPES)}
    if BY_TYPE[request_type].body is BodyKind.MULTIPART and rng.random() < 0.6:
        headers["Content-Type"] = "multipart/form-data; boundary=fuzz"
    method = "POST"
    if roll < 0.6:
        path = path_of(request_type)
    elif roll < 0.75:
        job_id = rng.choice(["", "x", "00000000-0000-0000-0000-000000000000", "%00", ".."])
        path = f"{path_of(request_type)}/{job_id}"
        method = rng.choice(["GET", "POST", "DELETE"])
    elif roll < 0.9:
        path = rng.choice(INTEGRATION_PATHS)
        headers[rng.choice(["x-bf-async", "x-bf-async-id"])] = rng.choice(["true", "nope", "0" * 36])
    else:
        path = "/" + "/".join(
            rng.choice(["v1", "async", "api", "x", "%2e%2e", "health"]) for _ in range(rng.randint(0, 4))
        )
        method = rng.choice(["GET", "POST", "PUT", "OPTIONS"])
    if rng.random() < 0.1:
        headers["x-bf-async-job-result-ttl"] = rng.choice(["-5", "abc", "0", "2", "99999999999999999999999"])
    return method, path, headers, random_body(rng, request_type)


def raw_exchange(url: str, payload: bytes, *, read: bool) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=5) as sock:
        sock.sendall(payload)
        if not read:
            return b""
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def statuses(db_path: str) -> list[str]:
    with sqlite3.connect(db_path) as db:
        return [row[0] for row in db.execute("SELECT status FROM async_jobs")]


def test_fuzzed_requests_never_crash_or_lose_jobs(
    gateway_factory: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    running: RunningGateway = gateway_factory(max_body_bytes=CAP)
    before = running.submit_ok(model="openai/gpt-4o-mini-delay-200ms")
    rng = random.Random(SEED)
    accepted = 1
    seen: dict[int, int] = {}
    for _ in range(ROUNDS):
        method, path, headers, body = random_request(rng)
        response = running.request(method, path, headers=headers, data=body)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert "internal server error" not in response.text, (method, path, response.text)
        created_on_route = (
            path in INTEGRATION_PATHS and "x-bf-async" in headers and response.status_code == 200
        )
        accepted += response.status_code == 202 or created_on_route
        if response.status_code >= 500:
            # Only synchronous integration calls may pass a provider's 5xx through.
            assert path in INTEGRATION_PATHS, (method, path, response.status_code, response.text[:200])
    assert seen.get(413), seen
    assert seen.get(202), seen

    # Disconnects: a body cut short, headers cut short, a non-HTTP line, and submits never read back.
    submit = json.dumps(JSON_BODIES["chat_completion"]).encode()
    host = urlsplit(running.url).netloc
    request_head = (
        f"POST /v1/async/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
    )
    raw_exchange(running.url, f"{request_head}Content-Length: 5000\r\n\r\n".encode() + submit, read=False)
    raw_exchange(running.url, request_head.encode()[:40], read=False)
    assert raw_exchange(running.url, b"\x16\x03\x01 not http at all\r\n\r\n", read=True).startswith(
        b"HTTP/1.0 400"
    )
    complete = f"{request_head}Content-Length: {len(submit)}\r\nConnection: close\r\n\r\n".encode() + submit
    for _ in range(5):
        raw_exchange(running.url, complete, read=False)
    accepted += 5

    assert running.get("/health").status_code == 200
    assert running.wait_terminal("chat_completion", before).json()["status"] == "completed"
    db_path = str(running.state.store.path)
    deadline = time.monotonic() + 10
    while len(found := statuses(db_path)) < accepted or any(s in ("pending", "processing") for s in found):
        assert time.monotonic() < deadline, (
            f"jobs lost or stuck: {len(found)} of {accepted}: {sorted(set(found))}"
        )
        time.sleep(0.02)
    assert len(found) == accepted
    unhandled = [r for r in caplog.records if r.name.startswith("fakegateway") and r.levelno >= logging.ERROR]
    assert not unhandled, [r.getMessage() for r in unhandled]
