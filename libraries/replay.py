"""A failed test's requests as a bash snippet that replays them against `$BIFROST_BASE_URL`.

Keys and tokens are shell variables (`$BIFROST_VK`, ...), never values. An id that an earlier answer
gave (a job id, a webhook endpoint id) is captured from that answer in the replay, not pasted from
the original run. A request the test repeated (polls) is sent until the answer is no longer 202.
The last lines print what the test asserted and what the replay got. Needs only curl and python3.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, cast

import requests

# Headers requests adds by itself; curl sends its own.
_IMPLICIT_HEADERS = {"user-agent", "accept-encoding", "accept", "connection", "content-length"}
# Where the files of a multipart request come from, by the part that carries them.
_FILE_NOTES = {
    b'filename="sample.mp3"': "# sample.mp3: libraries/media/sample.mp3 in the suite's repository",
    b'filename="image.png"': "# image.png: python3 -c 'from libraries.endpoints import white_png;"
    ' open("image.png", "wb").write(white_png())\' (in the suite\'s repository)',
}
_ID_FIELDS = {"id", "job_id", "endpoint_id", "webhook_id", "async_job_id"}
_PRELUDE = r"""B="${BIFROST_BASE_URL:?export BIFROST_BASE_URL first}"; B="${B%/}"; T="$(mktemp -d)"
send() { STATUS=$(curl -sS -o "$T/body" -w '%{http_code}' -X "$@"); BODY=$(cat "$T/body")
  printf '%s %s -> HTTP %s %.300s\n' "$1" "${2#"$B"}" "$STATUS" "$BODY"; }
until_final() { local end=$((SECONDS + ${POLL_SECONDS:-60})); send "$@"
  while [ "$STATUS" = 202 ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.5; send "$@"; done; }
take() { python3 -c 'import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$BODY" "$@"; }"""


@dataclass
class Exchange:
    """One request the session sent, and what came back (or the transport error instead)."""

    request: requests.PreparedRequest
    response: requests.Response | None = None
    error: str | None = None


def quote(value: str, placeholders: dict[str, str]) -> str:
    """Shell-quote `value`, turning placeholder values (secrets, ids) into their $VARIABLE."""
    secrets = sorted(filter(None, placeholders), key=len, reverse=True)  # the longest first, whole
    if not secrets:
        return shlex.quote(value)
    parts = re.split(f"({'|'.join(map(re.escape, secrets))})", value)  # the secrets at odd places
    quoted = [
        f'"{placeholders[part]}"' if i % 2 else shlex.quote(part) for i, part in enumerate(parts) if part
    ]
    return "".join(quoted) or "''"


def _form_parts(request: requests.PreparedRequest, kind: str) -> list[str]:
    """`-F` options for a multipart body, read back from what was sent."""
    body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
    options: list[str] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if filename := part.get_filename():
            options.append(f"-F {shlex.quote(f'{name}={chr(64)}{filename};type={part.get_content_type()}')}")
        else:
            value = cast(bytes, part.get_payload(decode=True) or b"").decode("utf-8", "replace")
            options.append(f"--form-string {shlex.quote(f'{name}={value}')}")
    return options


def curl_arguments(request: requests.PreparedRequest, placeholders: dict[str, str], base: str) -> str:
    """`METHOD URL -H ... --data-raw ...` of one request: `send`'s (and curl -X's) arguments."""
    url = str(request.url)
    relative = bool(base) and url.startswith(base)
    target = f'"$B"{quote(url[len(base) :], placeholders)}' if relative else quote(url, placeholders)
    lines = [f"{request.method} {target}"]
    kind = str(request.headers.get("Content-Type", ""))
    for name, value in request.headers.items():
        if name.lower() in _IMPLICIT_HEADERS or (name.lower() == "content-type" and "multipart" in kind):
            continue
        lines.append(f"-H {quote(f'{name}: {value}', placeholders)}")
    if kind.startswith("multipart/"):
        lines += _form_parts(request, kind)
    elif request.body:
        body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else request.body
        lines.append(f"--data-raw {quote(str(body), placeholders)}")
    return " \\\n  ".join(lines)


def file_notes(request: requests.PreparedRequest) -> list[str]:
    """Where the files of a multipart request come from."""
    body = request.body if isinstance(request.body, bytes) else b""
    return [note for marker, note in _FILE_NOTES.items() if marker in body]


def _ids(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(id value, JSON path) of the id fields of an answer, two levels of nesting at most."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _ID_FIELDS and isinstance(item, str) and len(item) >= 8:
                yield item, (*path, key)
            elif len(path) < 2:
                yield from _ids(item, (*path, key))
    elif isinstance(value, list) and len(path) < 2:
        for index, item in enumerate(value[:20]):
            yield from _ids(item, (*path, str(index)))


def _answer(exchange: Exchange) -> Any:
    try:
        return json.loads(exchange.response.content) if exchange.response is not None else None
    except (ValueError, requests.RequestException):
        return None


def _request_text(request: requests.PreparedRequest) -> str:
    raw = request.body or b""
    body = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    return f"{request.url}\n{dict(request.headers)}\n{body}"


def replay(
    exchanges: list[Exchange], placeholders: dict[str, str], base: str, name: str, failure: str
) -> str:
    """The bash snippet that replays `exchanges` (the test's requests, in order)."""
    base = base.rstrip("/")
    texts = [_request_text(e.request) for e in exchanges]
    # Ids that a later request uses: captured from the first answer that carried them.
    captures: dict[int, list[tuple[str, str, tuple[str, ...]]]] = {}
    names: dict[str, str] = {}
    for index, exchange in enumerate(exchanges):
        for value, path in _ids(_answer(exchange)):
            if value not in names and any(value in text for text in texts[index + 1 :]):
                names[value] = f"ID_{len(names) + 1}"
                captures.setdefault(index, []).append((names[value], value, path))
    # Consecutive sends of one request are one step: `until_final` when the test saw it end.
    steps: list[tuple[int, int]] = []  # (first exchange, how many times)
    for index, text in enumerate(texts):
        if steps and texts[steps[-1][0]] == text and not captures.get(index - 1):
            steps[-1] = (steps[-1][0], steps[-1][1] + 1)
        else:
            steps.append((index, 1))
    lines = [f"# Replay of {name!r}: paste into bash with BIFROST_BASE_URL and the keys exported."]
    lines += list(dict.fromkeys(note for e in exchanges for note in file_notes(e.request)))
    unknown = [value for value, shell in placeholders.items() if shell == "$BIFROST_UNKNOWN_VK"]
    if any(value in text for value in unknown for text in texts):
        lines.append('BIFROST_UNKNOWN_VK="${BIFROST_UNKNOWN_VK:-sk-bf-unknown-key-for-replay}"')
    lines.append(_PRELUDE)
    known = dict(placeholders)  # value -> shell text, growing with each capture
    for first, count in steps:
        arguments = curl_arguments(exchanges[first].request, known, base)
        # (A Response is falsy for 4xx and 5xx: compare with None.)
        answers = [
            e.response.status_code if e.response is not None else 0 for e in exchanges[first : first + count]
        ]
        if count > 1 and any(status != 202 for status in answers):
            # A poll: until the job ends, then the sends the test made after that (three at most).
            after = next(i for i, status in enumerate(answers) if status != 202) + 1
            lines += [f"until_final {arguments}"] + [f"send {arguments}"] * min(count - after, 3)
        else:
            lines += [f"send {arguments}"] * min(count, 3)
        for variable, value, path in captures.get(first + count - 1, []):  # a step ends at a capture
            lines.append(f"{variable}=$(take {' '.join(shlex.quote(p) for p in path)})")
            known[value] = f"${variable}"
    lines += [
        "echo; echo " + shlex.quote(f"The test failed with: {' '.join(failure.split())[:500]}"),
        'echo "The replay\'s last answer: HTTP $STATUS"; printf \'%.2000s\\n\' "$BODY"',
    ]
    return "\n".join(lines)
