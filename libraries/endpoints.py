"""The endpoint catalogue: one row per async endpoint with upstream's bodies (upstream-checks.md), and every
request variant built from the row; models come from the environment."""

from __future__ import annotations

import copy
import struct
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from variables import Config

MEDIA = Path(__file__).resolve().parent / "media"
PROMPT = "Say hello in one word."


@dataclass(frozen=True)
class FilePart:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Payload:
    """One request body: JSON, raw bytes (sent as JSON), or multipart fields plus files."""

    json: dict[str, Any] | None = None
    raw: bytes | None = None
    fields: dict[str, str] | None = None
    files: tuple[FilePart, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """One async endpoint, with upstream's request bodies for it, each without the model."""

    name: str  # kebab-case, also the test tag
    path: str  # submit path; polls are GET path/{id}
    # What it requires besides its model, as the contract's validation table names them; the
    # `missing-<field>` variant leaves that one out of the fixture (spaces become dashes).
    required: tuple[str, ...]
    body: dict[str, Any]  # the fixture: JSON, or a multipart form's fields
    file: str = ""  # a multipart endpoint's file part: `file` (audio) or `image`
    streams: bool = False  # whether its async handler has a stream check (others ignore a stream field)
    # Upstream's bodies where they are not the fixture: of the stream and missing-file requests, and
    # of the request without a model.
    short: dict[str, Any] | None = None
    no_model: dict[str, Any] | None = None

    def poll_path(self, job_id: str) -> str:
        return f"{self.path}/{job_id}"


def _ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


# fmt: off
CATALOGUE: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "text-completions", "/v1/async/completions", ("prompt",), {"prompt": PROMPT, "max_tokens": 10},
            streams=True, short={"prompt": "Hello"}, no_model={"prompt": PROMPT},
        ),
        Endpoint(
            "chat-completions", "/v1/async/chat/completions", ("messages",),
            {"messages": _ask(PROMPT), "max_tokens": 10},
            streams=True, short={"messages": _ask("Hello")}, no_model={"messages": _ask(PROMPT)},
        ),
        Endpoint(
            "responses", "/v1/async/responses", ("input",), {"input": PROMPT},
            streams=True, short={"input": "Hello"},
        ),
        Endpoint("embeddings", "/v1/async/embeddings", ("input",), {"input": "Hello world"}),
        Endpoint(
            "speech", "/v1/async/audio/speech", ("input", "voice"), {"input": "Hello", "voice": "alloy"},
            streams=True,
        ),
        Endpoint(
            "transcriptions", "/v1/async/audio/transcriptions", ("file",), {}, file="file", streams=True,
        ),
        Endpoint(
            "image-generations", "/v1/async/images/generations", ("prompt",),
            {"prompt": "A simple red circle on a white background", "n": 1, "size": "1024x1024"},
            streams=True, short={"prompt": "A circle"},
        ),
        Endpoint(
            "image-edits", "/v1/async/images/edits", ("image",),
            {"prompt": "Make it blue", "n": "1", "size": "256x256"},
            file="image", streams=True, short={"prompt": "Make it blue"},
        ),
        Endpoint(
            "image-variations", "/v1/async/images/variations", ("image",), {"n": "1", "size": "256x256"},
            file="image", short={},
        ),
        Endpoint(
            "rerank", "/v1/async/rerank", ("query", "documents"),
            {
                "query": "What is the capital of France?",
                "documents": [
                    {"text": "Paris is the capital of France."},
                    {"text": "London is the capital of the United Kingdom."},
                    {"text": "Berlin is the capital of Germany."},
                ],
            },
            no_model={"query": "test", "documents": [{"text": "test document"}]},
        ),
        # The document's image_url is a setting (ASYNC_OCR_IMAGE_URL), added when the body is built.
        Endpoint("ocr", "/v1/async/ocr", ("document type",), {"document": {"type": "image_url"}}),
    )
}
# fmt: on


def endpoint(name: str) -> Endpoint:
    try:
        return CATALOGUE[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown endpoint {name!r}; known: {', '.join(CATALOGUE)}") from None


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def white_png(size: int = 256) -> bytes:
    """A size×size opaque white RGBA PNG, built without an imaging library."""
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    row = b"\x00" + b"\xff" * (4 * size)  # filter byte 0, then RGBA pixels
    pixels = zlib.compress(row * size, 9)
    chunks = _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def image_part() -> FilePart:
    return FilePart("image", "image.png", "image/png", white_png())


@cache
def audio_part() -> FilePart:
    return FilePart("file", "sample.mp3", "audio/mpeg", (MEDIA / "sample.mp3").read_bytes())


def _build(
    target: Endpoint, model: str | None, base: dict[str, Any], cfg: Config, file: bool = True
) -> Payload:
    """A body from one of the endpoint's rows: the model first, then `base`, then its file part."""
    body = {**({"model": model} if model else {}), **copy.deepcopy(base)}
    if "document" in body:
        body["document"]["image_url"] = cfg.ocr_image_url
    if not target.file:
        return Payload(json=body)
    part = image_part() if target.file == "image" else audio_part()
    return Payload(fields=body, files=(part,) if file else ())


def _short(target: Endpoint) -> dict[str, Any]:
    return target.body if target.short is None else target.short


def _with_stream(name: str, base: Payload) -> Payload:
    """`base` asking for streaming the way the endpoint's stream check reads it."""
    if base.json is not None:
        extra: dict[str, Any] = {"stream_format": "sse"} if name == "speech" else {"stream": True}
        return Payload(json={**base.json, **extra})
    if base.fields is not None:
        return Payload(fields={**base.fields, "stream": "true"}, files=base.files)
    raise ValueError(f"cannot ask for streaming in a raw body ({name!r})")


def payload(name: str, variant: str, config: Config, model: str | None = None) -> Payload:
    """The body of one request variant: `default`, `stream`, `malformed-json`, `missing-model`,
    `missing-file`, `stream-ignored`, `missing-<field>`, and any of them with `+stream`."""
    target = endpoint(name)
    chosen = model or config.model(target.name)
    if variant.endswith("+stream"):
        return _with_stream(target.name, payload(target.name, variant.removesuffix("+stream"), config, model))
    if variant == "default":
        return _build(target, chosen, target.body, config)
    if variant == "stream":
        if not target.streams:
            raise ValueError(f"endpoint {target.name!r} has no stream check, so no stream variant")
        return _with_stream(target.name, _build(target, chosen, _short(target), config))
    if variant == "stream-ignored":
        if target.streams:
            raise ValueError(f"endpoint {target.name!r} has a stream check; use the stream variant")
        return _with_stream(target.name, _build(target, chosen, target.body, config))
    if variant == "malformed-json":
        if target.file:
            raise ValueError(f"endpoint {target.name!r} takes multipart, not JSON")
        return Payload(raw=b"{invalid json")
    if variant == "missing-model":
        return _build(target, None, target.body if target.no_model is None else target.no_model, config)
    if variant == "missing-file":
        if not target.file:
            raise ValueError(f"endpoint {target.name!r} takes no file")
        return _build(target, chosen, _short(target), config, file=False)
    if variant.startswith("missing-"):
        missing = variant.removeprefix("missing-").replace("-", " ")
        if missing not in target.required:
            wanted = ", ".join(target.required)
            raise ValueError(f"endpoint {target.name!r} does not require {missing!r}; it requires {wanted}")
        if missing == target.file:
            return _build(target, chosen, target.body, config, file=False)
        full = _build(target, chosen, target.body, config)
        body: dict[str, Any] = full.json if full.json is not None else full.fields or {}
        if missing == "document type":
            del body["document"]["type"]
        else:
            del body[missing]
        return full
    raise ValueError(
        f"unknown payload variant {variant!r}; use default, stream, malformed-json, missing-model,"
        " missing-file, stream-ignored or missing-<field>"
    )


def anthropic_body(model: str, stream: bool = False) -> dict[str, Any]:
    """An Anthropic Messages request for the `/anthropic/v1/messages` integration route."""
    body = {"model": model, "max_tokens": 16, "messages": _ask(PROMPT)}
    return {**body, "stream": True} if stream else body


def request_arguments(body: Payload) -> dict[str, Any]:
    """RequestsLibrary's arguments for a body: `json=`, raw `data=` with its type, or `files=` (form fields
    as parts without a filename, so a form without a file is still multipart, as the gateway expects)."""
    if body.json is not None:
        return {"json": body.json}
    if body.raw is not None:
        return {"data": body.raw, "headers": {"Content-Type": "application/json"}}
    files: dict[str, Any] = {name: (None, value) for name, value in (body.fields or {}).items()}
    files.update({part.field: (part.filename, part.data, part.content_type) for part in body.files})
    return {"files": files}
