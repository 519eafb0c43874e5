"""Unit tests of the fake's small parsers: multipart bodies, TTL headers, virtual-key headers, masking."""

from __future__ import annotations

import pytest

from fakegateway.bodies import BodyError, header_params, multipart_form
from fakegateway.contract import HARD_DEFAULT_TTL
from fakegateway.faults import Faults
from fakegateway.keys import KeyRing, key_id, mask, virtual_key
from fakegateway.ttl import result_ttl

CLEAN = Faults()


def form(*parts: bytes, boundary: bytes = b"b0und") -> bytes:
    return (
        b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    )


def test_multipart_fields_and_files_keep_their_bytes() -> None:
    data = b"\r\n--b0un\x00\xff\r\n\r\nbinary"
    body = b"preamble\r\n" + form(
        b'Content-Disposition: form-data; name="model"\r\n\r\nopenai/whisper-1',
        b'Content-Disposition: form-data; name="model"\r\n\r\nsecond value ignored',
        b'Content-Disposition: form-data; name="file"; filename="a \\"b\\".mp3"\r\n'
        b"Content-Type: audio/mpeg\r\n\r\n" + data,
        b'Content-Disposition: form-data; name="blank"; filename=""\r\n\r\ntext',
    )
    fields, files = multipart_form('multipart/form-data; boundary="b0und"', body)
    assert fields == {"model": "openai/whisper-1", "blank": "text"}
    assert len(files) == 1
    assert (files[0].field, files[0].filename, files[0].content_type) == ("file", 'a "b".mp3', "audio/mpeg")
    assert files[0].data == data


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("application/json", b"{}", "request Content-Type isn't multipart/form-data"),
        ("multipart/form-data", b"", "no multipart boundary param in Content-Type"),
        ("multipart/form-data; boundary=x", b"nothing here", "multipart: NextPart: EOF"),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nno end",
            "unexpected EOF",
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nbad header line\r\n\r\nv\r\n--x--",
            "malformed MIME header",
        ),
    ],
)
def test_multipart_errors_name_the_problem(content_type: str, body: bytes, detail: str) -> None:
    with pytest.raises(BodyError) as error:
        multipart_form(content_type, body)
    assert error.value.message.startswith("failed to parse multipart form: ")
    assert detail in error.value.message


def test_header_params() -> None:
    assert header_params('Multipart/Form-Data; Boundary="a;b"; x=1') == (
        "multipart/form-data",
        {"boundary": "a;b", "x": "1"},
    )


@pytest.mark.parametrize(
    ("header", "faults", "expected"),
    [
        (None, (), 100),
        ("0", (), HARD_DEFAULT_TTL),
        ("5", ("ttl-minutes",), 300),
        ("0", ("ttl-zero-honoured",), 0),
        ("-3", ("ttl-negative-honoured",), -3),
        ("x", ("ttl-invalid-rejected",), None),
        ("5", ("ttl-ignored",), 100),
    ],
)
def test_result_ttl(header: str | None, faults: tuple[str, ...], expected: int | None) -> None:
    assert result_ttl(header, 100, Faults(faults)) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"x-bf-vk": ""}, None),
        ({"x-bf-vk": "anything"}, "anything"),
        ({"authorization": "Bearer sk-bf-1"}, "sk-bf-1"),
        ({"authorization": "Basic sk-bf-1"}, None),
        ({"authorization": "Bearer sk-other"}, None),
        ({"x-api-key": "Sk-Bf-2"}, "Sk-Bf-2"),
        ({"x-goog-api-key": "sk-bf-3"}, "sk-bf-3"),
        ({"api-key": "sk-bf-4"}, "sk-bf-4"),
        ({"api-key": "key"}, None),
        ({"x-bf-vk": "first", "x-api-key": "sk-bf-5"}, "first"),
    ],
)
def test_virtual_key_extraction(headers: dict[str, str], expected: str | None) -> None:
    assert virtual_key(headers, CLEAN) == expected


def test_bearer_poll_ignored_only_affects_polls() -> None:
    faults = Faults(["bearer-poll-ignored"])
    headers = {"authorization": "Bearer sk-bf-1"}
    assert virtual_key(headers, faults) == "sk-bf-1"
    assert virtual_key(headers, faults, poll=True) is None


def test_masking_and_key_ids_never_show_the_key() -> None:
    assert mask("sk-bf-0123456789abcdef") == "sk-bf-…cdef"
    assert mask("plain-key-1234") == "…1234"
    assert mask("short") == "…"
    assert "0123456789" not in key_id("sk-bf-0123456789abcdef")
    ring = KeyRing(["a", "b"])
    assert ring.resolve("a") == key_id("a") and ring.resolve("c") is None and len(ring) == 2
