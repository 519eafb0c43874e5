"""Request bodies: a strict JSON object reader and a small multipart/form-data parser.

Both work on the bytes already read (so the body size cap applies first) and report problems
as the 400 message Bifrost sends, never as an exception escaping to the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fakegateway.contract import INVALID_PAYLOAD, MULTIPART_PREFIX, BodyKind, Endpoint
from fakegateway.providers import FilePart

_PARAM = re.compile(r';\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


class BodyError(Exception):
    """The body cannot be read; `message` is what the client gets in the 400 envelope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Submission:
    """A submit body: JSON object fields or multipart text fields, plus multipart files."""

    fields: dict[str, Any]
    files: list[FilePart] = field(default_factory=list)

    @property
    def model(self) -> str:
        model = self.fields.get("model")
        return model if isinstance(model, str) else ""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, decoded as strictly as Go does (no NaN, UTF-8 only)."""
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BodyError(INVALID_PAYLOAD) from exc
    if payload is None:
        # Go leaves the struct untouched on `null`: validation then reports what is missing.
        return {}
    if not isinstance(payload, dict):
        raise BodyError(INVALID_PAYLOAD)
    return payload


def header_params(value: str) -> tuple[str, dict[str, str]]:
    """`type/subtype; a=1; b="2"` → ("type/subtype", {"a": "1", "b": "2"}) with a lower-cased type."""
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(";" + rest):
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[match.group(1).lower()] = raw
    return main.strip().lower(), params


def _part_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("utf-8", errors="replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BodyError(MULTIPART_PREFIX + f"malformed MIME header line: {line[:40]}")
        headers[name.strip().lower()] = value.strip()
    return headers


def multipart_form(content_type: str, body: bytes) -> tuple[dict[str, str], list[FilePart]]:
    """Text fields (first value of each name wins, as Go's FormValue) and file parts."""
    kind, params = header_params(content_type)
    if kind != "multipart/form-data":
        raise BodyError(MULTIPART_PREFIX + "request Content-Type isn't multipart/form-data")
    boundary = params.get("boundary", "")
    if not boundary:
        raise BodyError(MULTIPART_PREFIX + "no multipart boundary param in Content-Type")
    delimiter = b"--" + boundary.encode("utf-8", errors="replace")
    separator = b"\r\n" + delimiter
    if body.startswith(delimiter):
        pos = len(delimiter)
    else:
        first = body.find(separator)
        if first < 0:
            raise BodyError(MULTIPART_PREFIX + "multipart: NextPart: EOF")
        pos = first + len(separator)
    fields: dict[str, str] = {}
    files: list[FilePart] = []
    while not body.startswith(b"--", pos):
        line_end = body.find(b"\r\n", pos)
        if line_end < 0 or body[pos:line_end].strip(b" \t"):
            raise BodyError(MULTIPART_PREFIX + "multipart: NextPart: EOF")
        headers_end = body.find(b"\r\n\r\n", line_end)
        if headers_end < 0:
            raise BodyError(MULTIPART_PREFIX + "multipart: NextPart: EOF")
        headers = _part_headers(body[line_end + 2 : headers_end]) if headers_end > line_end else {}
        content_start = headers_end + 4
        content_end = body.find(separator, content_start)
        if content_end < 0:
            raise BodyError(MULTIPART_PREFIX + "unexpected EOF")
        _, disposition = header_params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        content = body[content_start:content_end]
        if name is not None:
            filename = disposition.get("filename")
            if filename:
                part_type = headers.get("content-type") or "application/octet-stream"
                files.append(FilePart(field=name, filename=filename, content_type=part_type, data=content))
            else:
                fields.setdefault(name, content.decode("utf-8", errors="replace"))
        pos = content_end + len(separator)
    return fields, files


def read_submission(endpoint: Endpoint, content_type: str, body: bytes) -> Submission:
    """The submit body of `endpoint`, or BodyError with Bifrost's message."""
    if endpoint.body is BodyKind.MULTIPART:
        fields, files = multipart_form(content_type, body)
        return Submission(dict(fields), files)
    return Submission(json_object(body))
