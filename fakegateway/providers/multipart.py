"""multipart/form-data in both directions: adapters encode request bodies, fake providers parse them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from .common import ProviderError

_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass(frozen=True)
class FormPart:
    """One part of a form; `filename` is None for text fields."""

    name: str
    filename: str | None
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode(errors="replace")


def _header_params(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, raw in _PARAM.findall(value):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[key.lower()] = raw
    return params


def parse_form(content_type: str, body: bytes) -> list[FormPart]:
    """The parts of a multipart/form-data body, or a 400 ProviderError naming what is wrong."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ProviderError(400, "Expected a multipart/form-data request body.")
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise ProviderError(400, "The multipart Content-Type header has no boundary.")
    delimiter = b"--" + boundary.encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise ProviderError(400, "The multipart body is malformed or truncated.")
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise ProviderError(400, "A multipart part has no header/body separator.")
        headers: dict[str, str] = {}
        for line in head.decode(errors="replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        params = _header_params(headers.get("content-disposition", ""))
        filename = params.get("filename")
        if "filename*" in params:
            filename = unquote(params["filename*"].split("''", 1)[-1])
        parts.append(
            FormPart(
                params.get("name", ""),
                filename,
                headers.get(
                    "content-type", "application/octet-stream" if filename is not None else "text/plain"
                ),
                data,
            )
        )
    return parts


def _quoted(value: str) -> str:
    """A header parameter value with backslashes and quotes escaped, as Go's mime/multipart writes it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


def encode_form(fields: Sequence[tuple[str, str]], files: Sequence[FormPart]) -> tuple[str, bytes]:
    """A multipart/form-data body, text fields first, then files; returns (content type, body)."""
    boundary = "----fakegateway" + secrets.token_hex(12)
    chunks: list[bytes] = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'.encode()
        )
        chunks.append(value.encode() + b"\r\n")
    for part in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(part.name)}"; '
            f'filename="{_quoted(part.filename or part.name)}"\r\nContent-Type: {part.content_type}\r\n\r\n'
        )
        chunks.append(head.encode() + part.data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)
