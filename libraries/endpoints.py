"""The endpoint catalogue: the 11 async endpoints, their fixtures and their request variants.

Fixtures follow the upstream e2e suite (upstream-checks.md); models come from the environment.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from variables import Config

MEDIA = Path(__file__).resolve().parent / "media"
SPEECH_SAMPLE = MEDIA / "sample.mp3"
PROMPT = "Say hello in one word."


@dataclass(frozen=True)
class FilePart:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Payload:
    """One request body: JSON, raw bytes, or multipart fields plus files."""

    json: dict[str, Any] | None = None
    raw: bytes | None = None
    raw_content_type: str = "application/json"
    fields: dict[str, str] | None = None
    files: tuple[FilePart, ...] = field(default_factory=tuple)

    @property
    def is_multipart(self) -> bool:
        return self.fields is not None


@dataclass(frozen=True)
class Endpoint:
    name: str  # kebab-case, also the test tag
    title: str  # as test names spell it
    request_type: str  # Bifrost's name
    path: str  # submit path; polls are GET path/{id}
    multipart: bool

    def poll_path(self, job_id: str) -> str:
        return f"{self.path}/{job_id}"


CATALOGUE: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("text-completions", "Text Completions", "text_completion", "/v1/async/completions", False),
        Endpoint(
            "chat-completions", "Chat Completions", "chat_completion", "/v1/async/chat/completions", False
        ),
        Endpoint("responses", "Responses", "responses", "/v1/async/responses", False),
        Endpoint("embeddings", "Embeddings", "embedding", "/v1/async/embeddings", False),
        Endpoint("speech", "Speech", "speech", "/v1/async/audio/speech", False),
        Endpoint("transcriptions", "Transcriptions", "transcription", "/v1/async/audio/transcriptions", True),
        Endpoint(
            "image-generations",
            "Image Generations",
            "image_generation",
            "/v1/async/images/generations",
            False,
        ),
        Endpoint("image-edits", "Image Edits", "image_edit", "/v1/async/images/edits", True),
        Endpoint(
            "image-variations", "Image Variations", "image_variation", "/v1/async/images/variations", True
        ),
        Endpoint("rerank", "Rerank", "rerank", "/v1/async/rerank", False),
        Endpoint("ocr", "OCR", "ocr", "/v1/async/ocr", False),
    )
}

VARIANTS = ("default", "stream", "malformed-json", "missing-model", "missing-file", "stream-ignored")
# What each endpoint requires besides its model, as the contract's validation table names it. The
# `missing-<field>` variant leaves that field out of the fixture (spaces become dashes).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "text-completions": ("prompt",),
    "chat-completions": ("messages",),
    "responses": ("input",),
    "embeddings": ("input",),
    "speech": ("input", "voice"),
    "transcriptions": ("file",),
    "image-generations": ("prompt",),
    "image-edits": ("image",),
    "image-variations": ("image",),
    "rerank": ("query", "documents"),
    "ocr": ("document type",),
}
# Endpoints whose async handler has a stream check; the others ignore a stream field.
STREAM_CHECKED = (
    "text-completions",
    "chat-completions",
    "responses",
    "speech",
    "transcriptions",
    "image-generations",
    "image-edits",
)
WITH_STREAM = "+stream"


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
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


@cache
def speech_sample() -> bytes:
    return SPEECH_SAMPLE.read_bytes()


def image_part() -> FilePart:
    return FilePart("image", "image.png", "image/png", white_png())


def audio_part() -> FilePart:
    return FilePart("file", "sample.mp3", "audio/mpeg", speech_sample())


def _rerank_body(model: str | None) -> dict[str, Any]:
    return {
        **({"model": model} if model else {}),
        "query": "What is the capital of France?",
        "documents": [
            {"text": "Paris is the capital of France."},
            {"text": "London is the capital of the United Kingdom."},
            {"text": "Berlin is the capital of Germany."},
        ],
    }


def fixture(name: str, config: Config, model: str | None = None) -> Payload:
    """The upstream fixture of an endpoint; `model` overrides the configured one."""
    m = model or config.model(name)
    bodies: dict[str, dict[str, Any]] = {
        "text-completions": {"model": m, "prompt": PROMPT, "max_tokens": 10},
        "chat-completions": {"model": m, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": 10},
        "responses": {"model": m, "input": PROMPT},
        "embeddings": {"model": m, "input": "Hello world"},
        "speech": {"model": m, "input": "Hello", "voice": "alloy"},
        "image-generations": {
            "model": m,
            "prompt": "A simple red circle on a white background",
            "n": 1,
            "size": "1024x1024",
        },
        "rerank": _rerank_body(m),
        "ocr": {"model": m, "document": {"type": "image_url", "image_url": config.ocr_image_url}},
    }
    if name in bodies:
        return Payload(json=bodies[name])
    if name == "transcriptions":
        return Payload(fields={"model": m}, files=(audio_part(),))
    if name == "image-edits":
        return Payload(
            fields={"model": m, "prompt": "Make it blue", "n": "1", "size": "256x256"}, files=(image_part(),)
        )
    if name == "image-variations":
        return Payload(fields={"model": m, "n": "1", "size": "256x256"}, files=(image_part(),))
    raise ValueError(f"unknown endpoint {name!r}")


def _stream_variant(name: str, config: Config) -> Payload:
    m = config.model(name)
    bodies: dict[str, dict[str, Any]] = {
        "text-completions": {"model": m, "prompt": "Hello", "stream": True},
        "chat-completions": {"model": m, "messages": [{"role": "user", "content": "Hello"}], "stream": True},
        "responses": {"model": m, "input": "Hello", "stream": True},
        "image-generations": {"model": m, "prompt": "A circle", "stream": True},
        # Speech streams through stream_format, not a stream flag.
        "speech": {"model": m, "input": "Hello", "voice": "alloy", "stream_format": "sse"},
    }
    if name in bodies:
        return Payload(json=bodies[name])
    if name == "transcriptions":
        return Payload(fields={"model": m, "stream": "true"}, files=(audio_part(),))
    if name == "image-edits":
        return Payload(fields={"model": m, "prompt": "Make it blue", "stream": "true"}, files=(image_part(),))
    raise ValueError(f"endpoint {name!r} has no stream variant (the gateway has no stream check there)")


def _missing_model_variant(name: str, config: Config) -> Payload:
    if endpoint(name).multipart:
        return _without(name, "model", config)
    bodies: dict[str, dict[str, Any]] = {
        "chat-completions": {"messages": [{"role": "user", "content": PROMPT}]},
        "text-completions": {"prompt": PROMPT},
        "embeddings": {"input": "Hello world"},
        "responses": {"input": PROMPT},
        "speech": {"input": "Hello", "voice": "alloy"},
        "rerank": {"query": "test", "documents": [{"text": "test document"}]},
        "ocr": {"document": {"type": "image_url", "image_url": config.ocr_image_url}},
    }
    if name not in bodies:
        raise ValueError(f"endpoint {name!r} has no missing-model variant")
    return Payload(json=bodies[name])


def _missing_file_variant(name: str, config: Config) -> Payload:
    m = config.model(name)
    fields = {
        "transcriptions": {"model": m},
        "image-edits": {"model": m, "prompt": "Make it blue"},
        "image-variations": {"model": m},
    }
    if name not in fields:
        raise ValueError(f"endpoint {name!r} takes no file")
    return Payload(fields=fields[name])


def _without(name: str, field_name: str, config: Config) -> Payload:
    """The fixture with one required field (or the file part) left out."""
    base = fixture(name, config)
    if base.json is not None:
        body = dict(base.json)
        if field_name == "document type":
            body["document"] = {k: v for k, v in body["document"].items() if k != "type"}
        elif field_name in body:
            del body[field_name]
        else:
            raise ValueError(f"endpoint {name!r} has no field {field_name!r} to leave out")
        return Payload(json=body)
    fields = dict(base.fields or {})
    if field_name in ("file", "image"):
        return Payload(fields=fields)
    if field_name not in fields:
        raise ValueError(f"endpoint {name!r} has no form field {field_name!r} to leave out")
    del fields[field_name]
    return Payload(fields=fields, files=base.files)


def _with_stream(name: str, base: Payload) -> Payload:
    """`base` asking for streaming the way the endpoint's stream check reads it."""
    if base.json is not None:
        extra: dict[str, Any] = {"stream_format": "sse"} if name == "speech" else {"stream": True}
        return Payload(json={**base.json, **extra})
    if base.fields is not None:
        return Payload(fields={**base.fields, "stream": "true"}, files=base.files)
    raise ValueError(f"cannot ask for streaming in a raw body ({name!r})")


def payload(name: str, variant: str, config: Config, model: str | None = None) -> Payload:
    """The body of one request variant (see VARIANTS, plus `missing-<field>` and `<variant>+stream`)."""
    key = endpoint(name).name
    if variant.endswith(WITH_STREAM):
        return _with_stream(key, payload(key, variant.removesuffix(WITH_STREAM), config, model))
    if variant == "stream-ignored":
        if key in STREAM_CHECKED:
            raise ValueError(f"endpoint {key!r} has a stream check; use the stream variant")
        return _with_stream(key, fixture(key, config, model))
    if variant.startswith("missing-") and variant not in ("missing-model", "missing-file"):
        field_name = variant.removeprefix("missing-").replace("-", " ")
        if field_name not in REQUIRED_FIELDS[key]:
            raise ValueError(
                f"endpoint {key!r} does not require {field_name!r}; it requires"
                f" {', '.join(REQUIRED_FIELDS[key])}"
            )
        return _without(key, field_name, config)
    if variant == "default":
        return fixture(key, config, model)
    if variant == "stream":
        return _stream_variant(key, config)
    if variant == "malformed-json":
        if endpoint(key).multipart:
            raise ValueError(f"endpoint {key!r} takes multipart, not JSON")
        return Payload(raw=b"{invalid json")
    if variant == "missing-model":
        return _missing_model_variant(key, config)
    if variant == "missing-file":
        return _missing_file_variant(key, config)
    raise ValueError(f"unknown payload variant {variant!r}; use one of {', '.join(VARIANTS)}")


def integration_body(model: str, stream: bool = False) -> dict[str, Any]:
    """The body upstream sends to the OpenAI Responses integration route."""
    if stream:
        return {"model": model, "input": "Hello", "stream": True}
    return {"model": model, "input": PROMPT}


def anthropic_body(model: str, stream: bool = False) -> dict[str, Any]:
    """An Anthropic Messages request for the `/anthropic/v1/messages` integration route."""
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": 16,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    if stream:
        body["stream"] = True
    return body


def chat_body(model: str) -> dict[str, Any]:
    """An OpenAI chat request, for integration routes that have no async support."""
    return {"model": model, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": 10}


def request_arguments(body: Payload) -> dict[str, Any]:
    """RequestsLibrary's arguments for a body: `json=`, raw `data=` with its type, or `files=`.

    Form fields go in `files=` as parts without a filename, so a form without a file is still
    multipart, as the gateway's multipart routes expect.
    """
    if body.json is not None:
        return {"json": body.json}
    if body.raw is not None:
        return {"data": body.raw, "headers": {"Content-Type": body.raw_content_type}}
    files: dict[str, Any] = {name: (None, value) for name, value in (body.fields or {}).items()}
    files.update({part.field: (part.filename, part.data, part.content_type) for part in body.files})
    return {"files": files}
