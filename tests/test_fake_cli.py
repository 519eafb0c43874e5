"""The command line: serve, run, faults, providers, and bad input."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from fakegateway.cli import build_parser, main
from fakegateway.faults import FAULTS

PYTHON = sys.executable
DEADLINE_S = 15.0


def fakegateway(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-m", "fakegateway", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Lines:
    """Lines of a pipe, collected on a thread so a test can wait for one with a deadline."""

    def __init__(self, pipe: object) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(pipe,), daemon=True).start()

    def _pump(self, pipe: object) -> None:
        for line in pipe:  # type: ignore[attr-defined]
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str, deadline_s: float = DEADLINE_S) -> re.Match[str]:
        deadline = time.monotonic() + deadline_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        pytest.fail(f"no line matching {pattern!r}; seen: {self.seen}")

    def rest(self, deadline_s: float = 5.0) -> str:
        deadline = time.monotonic() + deadline_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
        return "".join(self.seen)


def http_status(url: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def refuses_connections(url: str) -> bool:
    try:
        urllib.request.urlopen(url + "/health", timeout=2)
    except urllib.error.HTTPError:
        return False
    except OSError:
        return True
    return False


@pytest.fixture
def stop_later() -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(5)


# faults and bad input


def test_faults_lists_every_fault_with_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(FAULTS)
    for line, description in zip(lines, FAULTS.values(), strict=True):
        assert line.endswith("  " + description)


BAD_INPUT = [
    (["serve", "--fault", "no-such-fault"], "no-such-fault"),
    (["serve", "--port", "http"], "port"),
    (["serve", "--port", "70000"], "port"),
    (["serve", "--port", "-1"], "port"),
    (["serve", "--virtual-key", ""], "empty"),
    (
        [
            "serve",
            "--virtual-key",
            "sk-bf-duplicated-secret-9876",
            "--virtual-key",
            "sk-bf-duplicated-secret-9876",
        ],
        "twice",
    ),
    (["serve", "--default-ttl", "0"], "default-ttl"),
    (["serve", "--default-ttl", "an hour"], "default-ttl"),
    (["serve", "--db", "/no/such/directory/jobs.db"], "does not exist"),
    (
        [
            "run",
            "--",
        ],
        "command",
    ),
    (["run"], "command"),
    (["run", "--no-keys", "--virtual-key", "sk-bf-k-0001", "--", "true"], "--no-keys"),
    (["launch"], "launch"),
    (["serve", "--provider-timeout", "0"], "--provider-timeout"),
    (["serve", "--provider-timeout", "30"], "--provider-timeout"),  # Go durations need a unit
    (["serve", "--provider-timeout", "soon"], "--provider-timeout"),
    (["run", "--provider-timeout=-1s", "--", "true"], "--provider-timeout"),
    (["serve", "--provider-timeout", "2h"], "--provider-timeout"),
    # The standalone providers have no timeout: a real Bifrost in front of them enforces its own.
    (["providers", "--provider-timeout", "1s"], "--provider-timeout"),
]


@pytest.mark.parametrize(("argv", "named"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert named in lines[0]
    assert "duplicated-secret" not in lines[0]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30.0), ("0.5s", 0.5), ("500ms", 0.5), ("1m30s", 90.0)])
def test_provider_timeout_takes_a_duration(text: str, seconds: float) -> None:
    for command in (["serve"], ["run", "--no-keys"]):
        args = build_parser().parse_args([*command, "--provider-timeout", text])
        assert args.provider_timeout == seconds
    assert build_parser().parse_args(["serve"]).provider_timeout == 30.0


def test_db_that_is_not_sqlite_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("these are not the jobs you are looking for\n" * 100)
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--db", str(text_file)])
    assert exit_info.value.code == 2
    assert "not a usable SQLite database" in capsys.readouterr().err
    assert text_file.read_text().startswith("these are not")


def test_bad_input_exit_status_from_a_real_process() -> None:
    done = subprocess.run(
        [PYTHON, "-m", "fakegateway", "serve", "--fault", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


# serve


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_logs_one_line_per_request_and_stops_on_signal(
    stop_signal: signal.Signals, stop_later: list[subprocess.Popen[str]]
) -> None:
    key = "sk-bf-serve-secret-value-5555"
    process = fakegateway("serve", "--port", "0", "--virtual-key", key)
    stop_later.append(process)
    err = Lines(process.stderr)
    url = err.wait_for(r"serving on (http://127\.0\.0\.1:\d+)").group(1)
    assert http_status(url + "/health", {"x-bf-vk": key, "Authorization": "Bearer top-secret-bearer"}) == 200
    body = json.dumps(
        {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    ).encode()
    assert http_status(url + "/v1/async/chat/completions", {"x-bf-vk": key}, body) == 202
    err.wait_for(r"^\S+ \S+ POST /v1/async/chat/completions 202 [0-9.]+ms$")
    process.send_signal(stop_signal)
    assert process.wait(10) == 0
    log = err.rest()
    assert re.search(r"GET /health 200 [0-9.]+ms", log)
    assert key not in log and "top-secret-bearer" not in log
    assert "sk-bf-…5555" in log
    assert refuses_connections(url)


def test_serve_reports_a_port_in_use(stop_later: list[subprocess.Popen[str]]) -> None:
    first = fakegateway("serve", "--port", "0")
    stop_later.append(first)
    port = Lines(first.stderr).wait_for(r"127\.0\.0\.1:(\d+)").group(1)
    second = subprocess.run(
        [PYTHON, "-m", "fakegateway", "serve", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 1
    assert len(second.stderr.strip().splitlines()) == 1 and port in second.stderr


def test_providers_command_serves_the_fake_providers(stop_later: list[subprocess.Popen[str]]) -> None:
    process = fakegateway("providers", "--port", "0")
    stop_later.append(process)
    url = Lines(process.stderr).wait_for(r"serving on (http://127\.0\.0\.1:\d+)").group(1)
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}).encode()
    headers = {"Authorization": "Bearer sk-test", "Content-Type": "application/json"}
    assert http_status(url + "/v1/chat/completions", headers, body) == 200
    process.terminate()
    assert process.wait(10) == 0


# run

ENV_DUMP = textwrap.dedent(
    """
    import json, os, sys, urllib.request
    names = [n for n in os.environ if n.startswith(("BIFROST_", "ASYNC_"))]
    with urllib.request.urlopen(os.environ["BIFROST_BASE_URL"] + "/health") as r:
        status = r.status
    print(json.dumps({"env": {n: os.environ[n] for n in names}, "health": status}))
    sys.exit(3)
    """
)


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    return subprocess.run(
        [PYTHON, "-m", "fakegateway", "run", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_gives_the_command_its_environment_and_exit_status() -> None:
    given = "sk-bf-given-key-0001"
    done = run_command(
        "--virtual-key",
        given,
        "--default-ttl",
        "90",
        "--",
        PYTHON,
        "-c",
        ENV_DUMP,
        env={"BIFROST_VK": "callers-own-secret-key", "ASYNC_SLOW_MODEL": "mine/slow", "OTHER": "kept"},
    )
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    env = report["env"]
    assert report["health"] == 200
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", env["BIFROST_BASE_URL"])
    assert env["BIFROST_VK"] == given
    assert re.fullmatch(
        r"sk-bf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", env["BIFROST_ALT_VK"]
    )
    assert env["BIFROST_DEFAULT_TTL"] == "90"
    assert env["ASYNC_SLOW_MODEL"] == "mine/slow"
    assert env["ASYNC_FAILING_MODEL"] == "openai/gpt-4o-mini-fail-429"
    assert env["ASYNC_FAILING_STATUS"] == "429"
    assert "BIFROST_VK" in done.stderr
    for secret in ("callers-own-secret-key", given, env["BIFROST_ALT_VK"]):
        assert secret not in done.stderr
    assert refuses_connections(env["BIFROST_BASE_URL"])


def test_run_generates_two_distinct_keys_the_gateway_knows() -> None:
    script = textwrap.dedent(
        """
        import os, sys, urllib.request, urllib.error
        url = os.environ["BIFROST_BASE_URL"] + "/v1/async/embeddings"
        body = b'{"model":"openai/text-embedding-3-small","input":"x"}'
        codes = []
        for key in (os.environ["BIFROST_VK"], os.environ["BIFROST_ALT_VK"], "sk-bf-unknown"):
            request = urllib.request.Request(url, data=body, headers={"x-bf-vk": key})
            try:
                codes.append(urllib.request.urlopen(request).status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
        print(codes, os.environ["BIFROST_VK"] != os.environ["BIFROST_ALT_VK"])
        """
    )
    done = run_command("--", PYTHON, "-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[202, 202, 400] True"


def test_run_with_no_keys_removes_the_key_variables() -> None:
    done = run_command(
        "--no-keys", "--", PYTHON, "-c", ENV_DUMP, env={"BIFROST_ALT_VK": "callers-alt-secret"}
    )
    assert done.returncode == 3, done.stderr
    env = json.loads(done.stdout)["env"]
    assert "BIFROST_VK" not in env and "BIFROST_ALT_VK" not in env
    assert "BIFROST_ALT_VK" in done.stderr and "callers-alt-secret" not in done.stderr


def test_run_passes_the_fault_to_the_gateway() -> None:
    script = "import os,urllib.request as u;u.urlopen(os.environ['BIFROST_BASE_URL']+'/health')"
    done = run_command("--fault", "health-503", "--", PYTHON, "-c", script)
    assert done.returncode == 1
    assert "503" in done.stderr


def test_run_reports_a_killed_command_the_shell_way() -> None:
    script = (
        "import os, signal; print(os.environ['BIFROST_BASE_URL'], flush=True); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = run_command("--", PYTHON, "-c", script)
    assert done.returncode == 128 + signal.SIGKILL
    assert refuses_connections(done.stdout.strip())


def test_run_reports_a_missing_command() -> None:
    done = run_command("--", "no-such-command-anywhere")
    assert done.returncode == 127
    assert "no-such-command-anywhere" in done.stderr


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_run_forwards_a_signal_to_the_command_and_stops(
    sent: signal.Signals, tmp_path: Path, stop_later: list[subprocess.Popen[str]]
) -> None:
    ready = tmp_path / "ready"
    got = tmp_path / "got"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        def stop(signum, frame):
            open({str(got)!r}, "w").write(signal.Signals(signum).name)
            sys.exit(128 + signum)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        open({str(ready)!r}, "w").write(os.environ["BIFROST_BASE_URL"])
        while True:
            signal.pause()
        """
    )
    runner = subprocess.Popen(
        [PYTHON, "-m", "fakegateway", "run", "--", PYTHON, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop_later.append(runner)
    deadline = time.monotonic() + DEADLINE_S
    while not (ready.exists() and ready.read_text()):
        assert time.monotonic() < deadline, "the command did not start"
        assert runner.poll() is None, runner.communicate()
        time.sleep(0.02)
    url = ready.read_text()
    assert http_status(url + "/health") == 200
    runner.send_signal(sent)
    assert runner.wait(15) == 128 + sent
    assert got.read_text() == sent.name
    assert refuses_connections(url)


def test_run_writes_the_request_log_only_when_asked(tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    script = "import os,urllib.request as u;u.urlopen(os.environ['BIFROST_BASE_URL']+'/health')"
    done = run_command("--log-file", str(log), "--", PYTHON, "-c", script)
    assert done.returncode == 0, done.stderr
    assert re.search(r"GET /health 200 [0-9.]+ms", log.read_text())
    quiet = run_command("--", PYTHON, "-c", script)
    assert "/health" not in quiet.stderr
