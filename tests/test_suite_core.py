"""Unit tests of libraries/core.py: response helpers, curl reproductions from prepared requests, the
recording transport, and the Core settings/failure plumbing outside Robot; plus the request
building of the job keywords."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
from robot.api import Failure, SkipExecution

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import variables  # noqa: E402
from libraries import core, endpoints, keys, replay  # noqa: E402
from libraries.checks import CheckKeywords  # noqa: E402
from libraries.core import Core, Exchange, GatewayError, Job, RecordingAdapter, Request  # noqa: E402
from libraries.jobs import TTL_HEADER, JobKeywords  # noqa: E402
from libraries.run import RunKeywords  # noqa: E402

VK = "sk-bf-primary-0001"
JOB_ID = "3f2a6c1e-8d4b-4a7e-9c2f-1b5d7e9a0c3d"
POLL_URL = f"http://gw/v1/async/chat/completions/{JOB_ID}"


def prepared(method: str = "GET", url: str = POLL_URL, **arguments: Any) -> requests.PreparedRequest:
    return requests.Request(method, url, **arguments).prepare()


def response(
    status: int,
    body: bytes,
    content_type: str = "application/json",
    request: requests.PreparedRequest | None = None,
    reason: str | None = None,
) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.reason = reason  # type: ignore[assignment]
    answer._content = body
    if content_type:
        answer.headers["Content-Type"] = content_type
    answer.request = request or prepared()
    return answer


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No secret and no setting from the environment of whoever runs the tests."""
    for name in [
        *variables.SECRET_VARIABLES,
        *variables.settings(variables.Config()),
        *core.WEBHOOK_VARIABLES,
    ]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# ---------------------------------------------------------------------- response helpers
def test_labels_name_method_and_path_with_query() -> None:
    request = prepared("GET", "http://gw:8080/v1/async/ocr/abc?x=1")
    assert core.label(request) == "GET /v1/async/ocr/abc?x=1"
    assert core.label(response(200, b"{}", request=request)) == "GET /v1/async/ocr/abc?x=1"


def test_snippets_collapse_whitespace_and_cut_long_text() -> None:
    assert core.snippet(response(200, b'{\n  "a":   1\n}')) == repr('{ "a": 1 }')
    long = core.snippet(response(200, b"x" * 300), limit=10)
    assert long == repr("x" * 10 + "…")
    assert core.content_type(response(200, b"", "text/plain")) == "text/plain"
    assert core.content_type(response(200, b"", "")) == ""


@pytest.mark.parametrize(
    ("body", "expected"),
    [(b'{"a": 1}', {"a": 1}), (b"[1]", [1]), (b"", None), (b"{bad", None), (b"\xff\xfe", None)],
)
def test_json_or_none(body: bytes, expected: Any) -> None:
    assert core.json_or_none(response(200, body)) == expected


@pytest.mark.parametrize(
    ("status", "body", "kind", "problem"),
    [
        (
            502,
            b"<html><body>Bad gateway</body></html>",
            "text/html; charset=utf-8",
            "text/html; charset=utf-8 instead of JSON",
        ),
        (200, b"  <!DOCTYPE html><html></html>", "", "HTML instead of JSON"),
        (200, b"", "application/json", "an empty body"),
        (202, b'{"id": "abc", "status": "pend', "application/json", "a body that is not valid JSON"),
        (200, b"plain text", "text/plain", "a body that is not valid JSON"),
        (200, b'[{"id": "abc"}]', "application/json", "JSON list instead of an object"),
        (200, b'"completed"', "application/json", "JSON str instead of an object"),
        (200, b"42", "application/json", "JSON int instead of an object"),
    ],
)
def test_json_object_names_what_came_back_instead(status: int, body: bytes, kind: str, problem: str) -> None:
    with pytest.raises(GatewayError) as failure:
        core.json_object(response(status, body, kind))
    text = " ".join(body.decode().split())
    assert (
        str(failure.value)
        == f"GET /v1/async/chat/completions/{JOB_ID} answered {status} with {problem}: {text!r}"
    )


def test_json_object_returns_an_object() -> None:
    assert core.json_object(response(200, b'{"status": "completed"}')) == {"status": "completed"}


def test_a_json_null_body_is_named_as_json() -> None:
    with pytest.raises(GatewayError, match="JSON NoneType instead of an object"):
        core.json_object(response(200, b"null"))


class BrokenRaw:
    """A body whose connection closes mid-way, as urllib3 reports it."""

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        from urllib3.exceptions import ProtocolError

        yield b'{"status":'
        raise ProtocolError("Connection broken: IncompleteRead(10 bytes read, 90 more expected)")


def test_a_body_cut_short_is_said_so_instead_of_raising() -> None:
    answer = response(200, b"")
    answer._content = False
    answer.raw = BrokenRaw()
    assert core.text_of(answer) == "(body cut short)"
    assert core.json_or_none(answer) is None
    with pytest.raises(GatewayError, match=r"not valid JSON: '\(body cut short\)'"):
        core.json_object(answer)


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (requests.ReadTimeout("read timed out"), "no response within 2.5 s (BIFROST_HTTP_TIMEOUT)"),
        (requests.ConnectTimeout("connect timed out"), "no response within 2.5 s (BIFROST_HTTP_TIMEOUT)"),
        (
            requests.ConnectionError("Failed to establish a new connection: [Errno 111] Connection refused"),
            "connection refused (is the gateway running?)",
        ),
        (
            requests.ConnectionError(
                "('Connection aborted.', RemoteDisconnected('closed without response'))"
            ),
            "connection closed by the gateway without a complete response",
        ),
        (
            requests.ConnectionError("Connection reset by peer"),
            "connection closed by the gateway without a complete response",
        ),
        (
            requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(0 bytes read)"),
            "response body cut short (connection closed mid-body)",
        ),
        (requests.exceptions.InvalidURL("bad " + "x" * 300), "request failed: InvalidURL: bad " + "x" * 196),
    ],
)
def test_transport_errors_in_one_line(error: Exception, line: str) -> None:
    assert core.describe_error(error, 2.5) == line


# ---------------------------------------------------------------------- curl reproduction
def test_curl_for_a_json_submit_with_the_key_as_a_shell_variable() -> None:
    request = prepared(
        "POST",
        "http://gw/v1/async/chat/completions",
        json={"model": "openai/gpt-4o-mini", "note": "it's"},
        headers={"x-bf-vk": VK, TTL_HEADER: "60"},
    )
    command = replay.curl_arguments(request, {VK: "$BIFROST_VK"}, "")
    assert VK not in command
    assert command.split(" \\\n  ") == [
        "POST http://gw/v1/async/chat/completions",
        "-H 'x-bf-vk: '\"$BIFROST_VK\"",
        f"-H '{TTL_HEADER}: 60'",
        "-H 'Content-Type: application/json'",
        '--data-raw \'{"model": "openai/gpt-4o-mini", "note": "it\'"\'"\'s"}\'',
    ]


def test_curl_keeps_a_malformed_raw_body_and_its_content_type() -> None:
    arguments = endpoints.request_arguments(endpoints.Payload(raw=b"{invalid json"))
    command = replay.curl_arguments(prepared("POST", "http://gw/v1/async/embeddings", **arguments), {}, "")
    assert command.endswith("-H 'Content-Type: application/json' \\\n  --data-raw '{invalid json'")


def test_curl_leaves_implicit_headers_to_curl_and_sends_no_body_for_a_get() -> None:
    session = requests.Session()
    request = session.prepare_request(
        requests.Request("GET", POLL_URL, headers={"Authorization": f"Bearer {VK}"})
    )
    assert "User-Agent" in request.headers
    command = replay.curl_arguments(request, {VK: "$BIFROST_VK"}, "")
    assert command == f"GET {POLL_URL} \\\n  -H 'Authorization: Bearer '\"$BIFROST_VK\""


def test_curl_for_multipart_gives_form_options_for_files_and_fields() -> None:
    arguments = endpoints.request_arguments(
        endpoints.Payload(
            fields={"model": "openai/dall-e-2", "prompt": "Make it blue ✓"}, files=(endpoints.image_part(),)
        )
    )
    request = prepared("POST", "http://gw/v1/async/images/edits", headers={"x-bf-vk": VK}, **arguments)
    command = replay.curl_arguments(request, {VK: "$BIFROST_VK"}, "")
    assert command.split(" \\\n  ") == [
        "POST http://gw/v1/async/images/edits",
        "-H 'x-bf-vk: '\"$BIFROST_VK\"",
        "--form-string model=openai/dall-e-2",
        "--form-string 'prompt=Make it blue ✓'",
        "-F 'image=@image.png;type=image/png'",
    ]
    assert replay.file_notes(request) == [
        "# image.png: python3 -c 'from libraries.endpoints import white_png;"
        ' open("image.png", "wb").write(white_png())\' (in the suite\'s repository)'
    ]


def test_file_notes_name_where_each_file_comes_from() -> None:
    audio = endpoints.request_arguments(
        endpoints.payload("transcriptions", "default", variables.load_config({}))
    )
    request = prepared("POST", "http://gw/v1/async/audio/transcriptions", **audio)
    assert replay.file_notes(request) == [
        "# sample.mp3: libraries/media/sample.mp3 in the suite's repository"
    ]
    assert "-F 'file=@sample.mp3;type=audio/mpeg'" in replay.curl_arguments(request, {}, "")
    assert replay.file_notes(prepared("POST", "http://gw/x", json={})) == []


def test_secrets_anywhere_in_a_value_become_placeholders() -> None:
    recased = keys.recase_prefix(VK)
    placeholders = {VK: "$BIFROST_VK", recased: "SK-BF-${BIFROST_VK:6}", "tok": "$BIFROST_SETUP_TOKEN"}
    request = prepared(
        "POST",
        f"http://gw/x?key={VK}",
        headers={"Authorization": f"Bearer {recased}", "X-Bifrost-Setup-Token": "tok"},
        data=f"{VK}|{VK}",
    )
    command = replay.curl_arguments(request, placeholders, "")
    assert VK not in command and recased not in command
    assert "'http://gw/x?key='\"$BIFROST_VK\"" in command
    assert "-H 'Authorization: Bearer '\"SK-BF-${BIFROST_VK:6}\"" in command
    assert "-H 'X-Bifrost-Setup-Token: '\"$BIFROST_SETUP_TOKEN\"" in command
    assert '--data-raw "$BIFROST_VK"\'|\'"$BIFROST_VK"' in command


# ---------------------------------------------------------------------- the recording transport
class Gateway(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(202, {"id": JOB_ID, "status": "pending", "echo": json.loads(body)})

    def do_GET(self) -> None:
        if self.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"status":')
            self.close_connection = True
            return
        self.answer(200, {"id": JOB_ID, "status": "completed", "key": self.headers.get("x-bf-vk")})

    def answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def recording_session(record: list[Exchange], timeout: float = 2.0) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    adapter = RecordingAdapter(record, timeout)
    session.mount("http://", adapter)
    return session


def test_the_adapter_records_each_exchange_without_retries(gateway: str) -> None:
    record: list[Exchange] = []
    session = recording_session(record)
    adapter = session.get_adapter(gateway)
    assert isinstance(adapter, RecordingAdapter) and adapter.max_retries.total == 0
    submit = session.post(f"{gateway}/v1/async/chat/completions", json={"model": "m"}, timeout=2)
    poll = session.get(f"{gateway}/v1/async/chat/completions/{JOB_ID}", timeout=2)
    assert [exchange.response for exchange in record] == [submit, poll]
    assert [exchange.error for exchange in record] == [None, None]
    assert record[0].request.body == b'{"model": "m"}'
    assert core.json_object(submit)["echo"] == {"model": "m"}
    assert core.received_at(submit) == submit.received_at > 0  # type: ignore[attr-defined]
    assert core.received_at(submit) <= core.received_at(poll)


def test_the_adapter_records_a_refused_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    record: list[Exchange] = []
    with pytest.raises(requests.ConnectionError):
        recording_session(record).get(f"http://127.0.0.1:{port}/health", timeout=2)
    assert len(record) == 1 and record[0].response is None
    assert record[0].error == "connection refused (is the gateway running?)"
    assert core.label(record[0].request) == "GET /health"


def test_the_adapter_records_a_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        record: list[Exchange] = []
        with pytest.raises(requests.Timeout):
            recording_session(record, timeout=0.2).get(
                f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.2
            )
    assert record[0].error == "no response within 0.2 s (BIFROST_HTTP_TIMEOUT)"


def test_a_body_cut_short_on_the_wire_is_kept_as_such(gateway: str) -> None:
    record: list[Exchange] = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as failure:
        recording_session(record).get(f"{gateway}/cut", timeout=2)
    assert core.describe_error(failure.value, 2) == "response body cut short (connection closed mid-body)"
    assert record[0].response is not None
    assert core.text_of(record[0].response) == "(body cut short)"


# ---------------------------------------------------------------------- Core outside Robot
def test_setting_values_fall_back_to_the_environment_outside_robot(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_POLL_TIMEOUT", "3s")
    clean_env.setenv("ASYNC_ENDPOINTS", "ocr")
    values = Core.setting_values()
    assert values["BIFROST_POLL_TIMEOUT"] == "3s" and values["ASYNC_ENDPOINTS"] == "ocr"
    assert "BIFROST_HTTP_TIMEOUT" not in values
    cfg = Core().config
    assert (cfg.poll_timeout, cfg.endpoints, cfg.http_timeout) == (3.0, ("ocr",), 15.0)
    assert Core().hooks.listen_port == 0


class FakeBuiltIn:
    """Robot variables as `--variable` or the variables file would give them."""

    values: ClassVar[dict[str, Any]] = {}

    def get_variable_value(self, name: str) -> Any:
        assert name.startswith("${") and name.endswith("}")
        return self.values.get(name[2:-1])


def test_robot_variables_override_the_environment(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_POLL_TIMEOUT", "3s")
    clean_env.setenv("ASYNC_FAILING_STATUS", "502")
    clean_env.setattr(
        FakeBuiltIn,
        "values",
        {
            "BIFROST_POLL_TIMEOUT": 4.5,
            "ASYNC_ENDPOINTS": ["rerank", "ocr"],
            "BIFROST_REQUIRE_GATEWAY": True,
            "ASYNC_FAILING_STATUS": None,  # not set as a Robot variable: the environment's value stays
            "BIFROST_WEBHOOK_QUIET": "2s",
            "UNRELATED": "x",
        },
    )
    clean_env.setattr(core, "BuiltIn", FakeBuiltIn)
    values = Core.setting_values()
    assert values["BIFROST_POLL_TIMEOUT"] == "4.5" and values["ASYNC_ENDPOINTS"] == "rerank,ocr"
    assert values["ASYNC_FAILING_STATUS"] == "502" and "UNRELATED" not in values
    cfg = Core().config
    assert (cfg.poll_timeout, cfg.endpoints, cfg.require_gateway, cfg.failing_status) == (
        4.5,
        ("rerank", "ocr"),
        True,
        502,
    )
    assert Core().hooks.quiet == 2.0


def test_configuration_errors_gather_settings_webhooks_and_secret_variables(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("BIFROST_POLL_INTERVAL", "often")
    clean_env.setenv("BIFROST_WEBHOOK_QUIET", "never")
    assert Core().configuration_errors() == [
        "BIFROST_POLL_INTERVAL='often' is not a duration (use Go syntax such as 500ms, 30s or 1m30s)",
        "BIFROST_WEBHOOK_QUIET='never' is not a positive duration (e.g. 1s, 500ms)",
    ]
    clean_env.setattr(FakeBuiltIn, "values", {"BIFROST_VK": VK, "BIFROST_POLL_INTERVAL": "1s"})
    clean_env.setattr(core, "BuiltIn", FakeBuiltIn)
    errors = Core().configuration_errors()
    assert len(errors) == 2 and VK not in repr(errors)
    assert errors[1].startswith(
        "BIFROST_VK was passed with --variable: secrets are read from the environment"
    )


def test_failures_and_skips_are_masked(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_VK", VK)
    library = Core()
    assert str(library.fail(f"sent {VK}")) == "sent sk-bf-…0001"
    assert isinstance(library.skip(f"no {VK}"), SkipExecution)
    assert str(library.skip(f"no {VK}")) == "no sk-bf-…0001"

    def broken(value: str) -> None:
        raise AssertionError(f"bad {value}")

    with pytest.raises(Failure, match=r"^bad sk-bf-…0001$"):
        library.check(broken, VK)
    assert library.check(len, "abc") == 3
    # The recased prefix and the unknown key are masked too.
    assert library.masker(f"{keys.recase_prefix(VK)} {keys.UNKNOWN_KEY}") == "SK-BF-…0001 sk-bf-…4c1d"


def test_send_reads_the_whole_answer_and_fails_in_one_line(
    clean_env: pytest.MonkeyPatch, gateway: str
) -> None:
    library = Core()
    clean_env.setenv("BIFROST_BASE_URL", gateway)
    session = requests.Session()
    with pytest.raises(Failure, match=r"^No gateway session: the top suite setup \(Open Gateway Session\)"):
        library.session()
    library.watch_session(session)  # as Open Gateway Session hands over Create Session's session
    assert library.session() is session
    assert session.trust_env is False
    answer = library.send("GET", f"/v1/async/chat/completions/{JOB_ID}", "poll", headers={"x-bf-vk": "k"})
    assert answer.status_code == 200 and core.json_object(answer)["key"] == "k"
    assert [exchange.response for exchange in library.exchanges] == [answer]
    with pytest.raises(Failure, match=r"^waiting: GET /cut → response body cut short \(connection closed"):
        library.send("GET", "/cut", "waiting")
    assert len(library.exchanges) == 2
    library.start_test(None, None)
    assert library.exchanges == []


def test_a_send_without_an_answer_fails_in_one_line_naming_the_request(clean_env: pytest.MonkeyPatch) -> None:
    # Send (resources/http.resource) calls it when RequestsLibrary raised: the transport's reading wins.
    library = RunKeywords()
    exchange = Exchange(requests.Request("GET", "http://gateway/v1/async/x").prepare())
    exchange.error = "connection refused (is the gateway running?)"
    library.exchanges.append(exchange)
    raised = "ConnectionError: HTTPConnectionPool(host='gateway', port=80): Max retries exceeded"
    with pytest.raises(Failure, match=r"^GET /v1/async/x → connection refused \(is the gateway running\?\)$"):
        library.fail_for_no_answer("get", "/v1/async/x", raised)
    # Nothing was sent (a bad argument): RequestsLibrary's own words, not an earlier request's error.
    with pytest.raises(Failure, match=r"^POST /y → ValueError: bad$"):
        library.fail_for_no_answer("POST", "/y", "ValueError: bad")


def test_a_replay_captures_ids_from_answers_and_polls_until_the_job_ends(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("BIFROST_VK", VK)
    clean_env.setenv("BIFROST_SETUP_TOKEN", "setup-token-value-9999")
    session_headers = {"X-Bifrost-Setup-Token": "setup-token-value-9999"}
    submit = prepared(
        "POST",
        "http://gw/v1/async/chat/completions",
        json={"model": "m"},
        headers={"x-bf-vk": VK, **session_headers},
    )
    poll = prepared("GET", POLL_URL, headers={"x-bf-vk": VK, **session_headers})
    hook = prepared("POST", "http://gw/api/webhooks", json={"name": "n"})
    rotate = prepared("POST", "http://gw/api/webhooks/ep-12345678/rotate-secret")
    exchanges = [
        Exchange(submit, response(202, f'{{"id":"{JOB_ID}","status":"pending"}}'.encode(), request=submit)),
        Exchange(poll, response(202, b'{"status":"processing"}', request=poll)),
        Exchange(poll, response(200, b'{"status":"completed"}', request=poll)),
        Exchange(poll, response(202, b'{"status":"processing"}', request=poll)),
        Exchange(hook, response(201, b'{"endpoint":{"id":"ep-12345678"},"secret":"whsec_x"}', request=hook)),
        Exchange(rotate, error="connection refused (is the gateway running?)"),
    ]
    placeholders = {**keys.placeholders(), "setup-token-value-9999": "$BIFROST_SETUP_TOKEN"}
    text = replay.replay(exchanges, placeholders, "http://gw", "A Test", "expected 200 but got 202")
    assert VK not in text and "setup-token-value-9999" not in text
    assert JOB_ID not in text and "ep-12345678" not in text  # captured, not pasted
    lines = text.splitlines()
    assert lines[0] == "# Replay of 'A Test': paste into bash with BIFROST_BASE_URL and the keys exported."
    assert "ID_1=$(take id)" in lines and "ID_2=$(take endpoint id)" in lines
    assert 'until_final GET "$B"/v1/async/chat/completions/"$ID_1" \\' in lines
    assert lines.count('send GET "$B"/v1/async/chat/completions/"$ID_1" \\') == 1  # the poll after the end
    assert 'send POST "$B"/api/webhooks/"$ID_2"/rotate-secret' in lines
    assert "  -H 'x-bf-vk: '\"$BIFROST_VK\" \\" in lines
    assert "  -H 'X-Bifrost-Setup-Token: '\"$BIFROST_SETUP_TOKEN\" \\" in lines
    assert "echo; echo 'The test failed with: expected 200 but got 202'" in lines
    assert lines[-1].startswith('echo "The replay\'s last answer: HTTP $STATUS"')
    assert "BIFROST_UNKNOWN_VK" not in text


def test_a_replay_names_files_and_the_unknown_key(clean_env: pytest.MonkeyPatch) -> None:
    transcribe = prepared(
        "POST",
        "http://gw/v1/async/audio/transcriptions",
        headers={"x-bf-vk": keys.UNKNOWN_KEY},
        **endpoints.request_arguments(
            endpoints.payload("transcriptions", "default", variables.load_config({}))
        ),
    )
    exchanges = [Exchange(transcribe, response(400, b'{"error":{"message":"x"}}', request=transcribe))]
    text = replay.replay(exchanges, {keys.UNKNOWN_KEY: "$BIFROST_UNKNOWN_VK"}, "http://gw", "T", "failed")
    assert "# sample.mp3: libraries/media/sample.mp3 in the suite's repository" in text
    assert 'BIFROST_UNKNOWN_VK="${BIFROST_UNKNOWN_VK:-' in text and keys.UNKNOWN_KEY not in text
    assert "-F 'file=@sample.mp3;type=audio/mpeg'" in text


# ---------------------------------------------------------------------- job handles and requests
def test_requests_and_jobs_keep_keys_out_of_their_text() -> None:
    request = Request("POST", "/v1/async/ocr", {"headers": {"x-bf-vk": VK}}, "ocr", "primary")
    assert repr(request) == str(request) == "<POST /v1/async/ocr>"
    job = Job("ocr", JOB_ID, "primary")
    assert repr(job) == str(job) == f"<job {JOB_ID} (ocr)>"
    assert (job.terminal, job.envelope, job.key_format) == (None, {}, "x-bf-vk")


def test_submit_request_builds_the_arguments_for_post_on_session(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_VK", VK)
    library = JobKeywords()
    request = library.submit_request(
        "Chat-Completions", key="with-vk", ttl="60", request_id="r-1", headers={"x-extra": 1}
    )
    assert (request.method, request.path, request.endpoint, request.key) == (
        "POST",
        "/v1/async/chat/completions",
        "chat-completions",
        "primary",
    )
    assert request.arguments == {
        "json": endpoints.payload("chat-completions", "default", library.config).json,
        "headers": {"x-bf-vk": VK, TTL_HEADER: "60", "x-request-id": "r-1", "x-extra": "1"},
    }
    raw = library.submit_request("embeddings", variant="malformed-json", key="primary", key_format="bearer")
    assert raw.arguments["data"] == b"{invalid json"
    assert raw.arguments["headers"] == {"Content-Type": "application/json", "Authorization": f"Bearer {VK}"}
    form = library.submit_request("image-variations", key="global")
    assert set(form.arguments) == {"files", "headers"} and form.arguments["headers"] == {}


def test_poll_request_and_job_from_answer(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_VK", VK)
    library = JobKeywords()
    submit = library.submit_request("ocr", key="primary", key_format="x-api-key")
    answer = response(202, f'{{"id":"{JOB_ID}","status":"pending"}}'.encode())
    job = library.job_from_answer(submit, answer)
    assert (job.endpoint, job.id, job.key, job.key_format, job.response) == (
        "ocr",
        JOB_ID,
        "primary",
        "x-api-key",
        answer,
    )
    poll = library.poll_request(job)
    assert (poll.method, poll.path) == ("GET", f"/v1/async/ocr/{JOB_ID}")
    assert poll.arguments == {"headers": {"x-api-key": VK}}
    other = library.poll_request(job, key="none", endpoint="rerank")
    assert (other.path, other.arguments) == (f"/v1/async/rerank/{JOB_ID}", {"headers": {}})
    empty = library.job_from_answer(submit, response(202, b'{"status":"pending"}'))
    assert empty.id is None
    with pytest.raises(
        Failure, match=r"^no job to wait for: GET /v1/async/chat/\S+ answered 202 without a job id$"
    ):
        library.wait_until_job_is_terminal(empty)


def test_waiting_on_a_refused_submit_names_its_status() -> None:
    library = JobKeywords()
    refused = library.job_from_answer(
        library.submit_request("ocr"), response(400, b'{"error":{"message":"bad"}}')
    )
    assert refused.id is None
    with pytest.raises(Failure, match=r"no job to wait for: GET .* answered 400 without a job id"):
        library.wait_until_job_is_terminal(refused)


def test_response_status_checks_take_classes_and_job_handles() -> None:
    library = CheckKeywords()
    answer = response(429, b'{"error":{"message":"slow down"}}')
    library.response_status_should_be(answer, "4xx")
    library.response_status_should_be(Job("ocr", None, response=answer), "200", "429")
    with pytest.raises(Failure, match=r"answered 429, expected 200 or 5xx: '\{\"error\""):
        library.response_status_should_be(answer, "200", "5xx")


# ---------------------------------------------------------------------- settings: BIFROST_EXPECT
def test_settings_are_the_bottom_layer() -> None:
    """variables.py imports nothing from libraries/: the library reads the settings, never the reverse."""
    import ast

    tree = ast.parse((ROOT / "variables.py").read_text(encoding="utf-8"))
    modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert [m for m in modules if m.split(".")[0] == "libraries"] == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", set()),
        ("webhooks", {"webhooks"}),
        (" Webhooks , VK,,rerank ", {"webhooks", "vk", "rerank"}),
        ("all", set(variables.CAPABILITIES) - set(variables.KEY_MODES)),
        ("all,enforcement", set(variables.CAPABILITIES) - {"anonymous"}),
    ],
)
def test_expected_capabilities_are_read_and_all_leaves_the_key_mode_out(raw: str, expected: set[str]) -> None:
    cfg = variables.load_config({"BIFROST_EXPECT": raw})
    assert (cfg.expect, cfg.errors) == (expected, ())
    # Exported as a Robot variable and read back (`--variable BIFROST_EXPECT:...` works the same way).
    exported = variables.settings(cfg)["BIFROST_EXPECT"]
    assert variables.load_config({"BIFROST_EXPECT": exported}).expect == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "webhook,gateway",
            "BIFROST_EXPECT='webhook,gateway' names unknown capability(ies) webhook; known: gateway,",
        ),
        (
            "enforcement,anonymous",
            "BIFROST_EXPECT='enforcement,anonymous' has both enforcement and anonymous",
        ),
        ("all,anonymous,enforcement", "has both enforcement and anonymous"),
    ],
)
def test_a_bad_expectation_is_one_line_naming_the_known_capabilities(raw: str, message: str) -> None:
    cfg = variables.load_config({"BIFROST_EXPECT": raw})
    assert len(cfg.errors) == 1 and message in cfg.errors[0] and "\n" not in cfg.errors[0]
    assert cfg.expect == frozenset() and cfg.unusable == {"BIFROST_EXPECT": raw}
    if "unknown" in message:
        assert cfg.errors[0].endswith(", ".join((*variables.CAPABILITIES, "all")))


def test_what_is_missing_skips_unless_declared(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BIFROST_EXPECT", "webhooks")
    library = Core()
    lacking = library.missing("webhooks", "GET /api/webhooks answered 404")
    assert isinstance(lacking, Failure) and not isinstance(lacking, SkipExecution)
    assert str(lacking) == "BIFROST_EXPECT has webhooks, but GET /api/webhooks answered 404"
    undeclared = library.missing("vk", "BIFROST_VK is not set")
    assert isinstance(undeclared, SkipExecution) and str(undeclared) == "BIFROST_VK is not set"


@pytest.mark.parametrize(
    ("environ", "role", "key_format", "capability"),
    [
        ({}, "primary", "x-bf-vk", "vk"),
        ({"BIFROST_VK": VK}, "alternate", "x-bf-vk", "alt-vk"),
        ({"BIFROST_VK": "plain-primary-key-0001"}, "primary", "bearer", "vk-prefix"),
        ({"BIFROST_VK": "plain-primary-key-0001"}, keys.RECASED, "x-bf-vk", "vk-prefix"),
    ],
)
def test_a_missing_key_names_its_capability(
    clean_env: pytest.MonkeyPatch, environ: dict[str, str], role: str, key_format: str, capability: str
) -> None:
    for name, value in environ.items():
        clean_env.setenv(name, value)
    with pytest.raises(keys.KeyMissing) as lack:
        keys.key_headers(role, key_format)
    assert lack.value.capability == capability
    with pytest.raises(SkipExecution):
        Core().key_headers(role, key_format)
    clean_env.setenv("BIFROST_EXPECT", capability)
    with pytest.raises(Failure, match=f"^BIFROST_EXPECT has {capability}, but ") as failure:
        Core().key_headers(role, key_format)
    assert not isinstance(failure.value, SkipExecution)


def test_skips_are_grouped_by_reason_with_counts(capfd: pytest.CaptureFixture[str]) -> None:
    from robot.result import TestSuite

    from libraries.SkipSummary import SkipSummary

    top = TestSuite(name="Top")
    child = top.suites.create(name="Webhooks")
    for number in range(3):
        reason = "Skipped in parent suite setup:\nthe gateway has no /api/webhooks"
        child.tests.create(name=f"Hook {number}", status="SKIP", message=reason)
    top.tests.create(name="Keyed", status="SKIP", message="BIFROST_VK is not set")
    top.tests.create(name="Fine", status="PASS")
    top.tests.create(name="Broken", status="FAIL", message="BIFROST_EXPECT has vk, but BIFROST_VK is not set")
    top.visit(SkipSummary())
    lines = ["3 skipped: the gateway has no /api/webhooks", "1 skipped: BIFROST_VK is not set"]
    assert top.metadata["Skipped Tests"] == "\n".join(f"- {line}" for line in lines)
    assert "Skipped Tests" not in child.metadata
    assert capfd.readouterr().out.splitlines() == lines
    clean = TestSuite(name="Top")
    clean.tests.create(name="Fine", status="PASS")
    clean.visit(SkipSummary())
    assert clean.metadata["Skipped Tests"] == "none" and capfd.readouterr().out == ""
