"""The Robot suite end to end: the real robot/pabot CLI against the fake gateway (or none).

Each run writes to a temporary directory and is read back with robot.api.ExecutionResult.
Every test that starts robot or pabot is marked slow: each start costs seconds on a busy machine.
Expected counts come from the suite itself (conftest's dry run, `suite_tests`) and the tags'
meaning, never from a number written here, and tests are matched by short name or tag, never by
a long name (the top suite's name is not part of the contract).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from robot.api import ExecutionResult
from suite_inventory import SUITES, SuiteTest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KEY_TAGS = {"requires-vk", "requires-alt-vk", "with-vk"}
# Tests whose point is anonymous access: they skip on a gateway that enforces virtual keys.
ANONYMOUS_TAGS = {"global", "anonymous"}
# Tests that only a gateway enforcing virtual keys runs: they skip on the default fake.
ENFORCEMENT_TAGS = {"requires-enforcement"}
MODEL_TAGS = {"requires-failing-model", "requires-slow-model"}
README = ROOT / "README.md"
AREAS = {"submit", "lifecycle", "auth", "ttl", "validation", "integration", "webhooks", "health"}
# Short settings: the expiry tests wait ~2 s, a misbehaving poll costs 1 s.
FAST = {"ASYNC_EXPIRY_TTL": "2s", "BIFROST_POLL_TIMEOUT": "10s"}


@dataclass
class Run:
    returncode: int
    console: str
    outdir: Path

    @property
    def result(self) -> ExecutionResult:
        return ExecutionResult(str(self.outdir / "output.xml"))

    def tests(self) -> list[object]:
        return list(self.result.suite.all_tests)

    def statuses(self) -> dict[str, str]:
        return {t.name: t.status for t in self.result.suite.all_tests}


def names(tests: Iterable[SuiteTest]) -> set[str]:
    return {t.name for t in tests}


def assert_ran_exactly(outcome: Run, expected: set[str]) -> None:
    """The run's results hold each expected test (by short name) once, and no other."""
    ran = Counter(t.name for t in outcome.result.suite.all_tests)
    problems = [f"  not run: {n}" for n in sorted(expected - set(ran))]
    problems += [f"  not expected: {n}" for n in sorted(set(ran) - expected)]
    problems += [f"  run {c} times: {n}" for n, c in sorted(ran.items()) if c > 1]
    assert not problems, f"the run's tests differ from the {len(expected)} expected:\n" + "\n".join(
        problems[:30]
    )


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any suite or gateway variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIFROST_", "ASYNC_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # pabot starts `robot` from PATH
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], outdir: Path, timeout: float = 300) -> Run:
    # pabot caches its split in ./.pabotsuitenames; each pabot run gets a directory of its own.
    cwd = outdir / "cwd" if command_uses_pabot(command) else ROOT
    cwd.mkdir(exist_ok=True)
    if cwd != ROOT and not (cwd / "libraries").exists():
        # robot.args names the skip summary by a path relative to the repository, as `--pythonpath .`
        (cwd / "libraries").symlink_to(ROOT / "libraries")
    env = {**env, "PYTHONPATH": str(ROOT)}
    if command_uses_pabot(command):
        # pabot deletes every pabot_temp_* file in the temp dir at start: one temp dir per run.
        tmp = outdir / "tmp"
        tmp.mkdir(exist_ok=True)
        env["TMPDIR"] = str(tmp)
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(done.returncode, done.stdout + done.stderr, outdir)


def command_uses_pabot(command: list[str]) -> bool:
    return any(Path(part).name == "pabot" for part in command)


def robot(outdir: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "robot", "--argumentfile", "robot.args", "--outputdir", str(outdir),
        "--console", "dotted", *options, "suites",
    ]  # fmt: skip


def pabot(outdir: Path, processes: int = 3) -> list[str]:
    """The README's parallel command, with absolute paths so it can run from another directory."""
    return [
        str(BIN / "pabot"), "--testlevelsplit", "--processes", str(processes),
        "--ordering", str(ROOT / "suites.ordering"), "--argumentfile", str(ROOT / "robot.args"),
        "--pythonpath", str(ROOT), "--outputdir", str(outdir), str(ROOT / "suites"),
    ]  # fmt: skip


def with_fake(*gateway_options: str) -> list[str]:
    return [sys.executable, "-m", "fakegateway", "run", *gateway_options, "--"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------- both keys, under pabot
@dataclass
class KeyedRun:
    run: Run
    keys: list[str]


@pytest.fixture(scope="module")
def keyed_run(tmp_path_factory: pytest.TempPathFactory) -> KeyedRun:
    """The whole suite under pabot with two known keys and a setup token."""
    outdir = tmp_path_factory.mktemp("keyed")
    primary, alternate = (f"sk-bf-{secrets.token_hex(12)}" for _ in range(2))
    token = f"setup-{secrets.token_hex(12)}"
    env = clean_env(**FAST, BIFROST_SETUP_TOKEN=token)
    command = [*with_fake("--virtual-key", primary, "--virtual-key", alternate), *pabot(outdir)]
    return KeyedRun(run(command, env, outdir), [primary, alternate, token])


@pytest.mark.slow
def test_every_test_passes_with_both_keys(keyed_run: KeyedRun, suite_tests: list[SuiteTest]) -> None:
    result = keyed_run.run.result
    stats = result.statistics.total
    failed = [f"{t.name}: {t.status} {t.message}" for t in result.suite.all_tests if t.status != "PASS"]
    assert keyed_run.run.returncode == 0, keyed_run.run.console[-3000:]
    assert not [f for f in failed if "SKIP" not in f], "\n".join(failed[:20])
    skipped = {t.name for t in result.suite.all_tests if t.status == "SKIP"}
    # Only the tests that need a gateway enforcing virtual keys skip, with that reason.
    assert skipped == names(t for t in suite_tests if t.has_any(ENFORCEMENT_TAGS))
    assert stats.skipped == len(skipped)
    assert all(
        "does not enforce virtual keys" in t.message for t in result.suite.all_tests if t.status == "SKIP"
    )
    assert_ran_exactly(keyed_run.run, names(suite_tests))


@pytest.mark.slow
def test_no_key_value_in_any_file_or_the_console(keyed_run: KeyedRun) -> None:
    sys.path.insert(0, str(ROOT))
    from libraries.keys import UNKNOWN_KEY

    # Key bodies without their prefix too: a key sent with its prefix in another case must not leak.
    needles = [
        *keyed_run.keys,
        UNKNOWN_KEY,
        *(k[len("sk-bf-") :] for k in keyed_run.keys if k.startswith("sk-bf-")),
    ]
    leaks: list[str] = []
    files = [p for p in keyed_run.run.outdir.rglob("*") if p.is_file()]
    assert any(p.name == "robot_argfile.txt" for p in files), "pabot's per-process files are missing"
    for path in files:
        texts = readable_texts(path)  # log.html and report.html decompressed too
        leaks += [
            f"{path.relative_to(keyed_run.run.outdir)}: {n[:6]}…"
            for n in needles
            if any(n in text for text in texts)
        ]
    leaks += [f"console: {n[:6]}…" for n in needles if n in keyed_run.run.console]
    assert not leaks, "key values found in clear:\n" + "\n".join(leaks)
    log = (keyed_run.run.outdir / "output.xml").read_text(encoding="utf-8")
    assert f"sk-bf-…{keyed_run.keys[0][-4:]}" in log, "the primary key should show masked"


@pytest.mark.slow
def test_the_journey_is_one_info_line_per_job(keyed_run: KeyedRun) -> None:
    log = (keyed_run.run.outdir / "output.xml").read_text(encoding="utf-8")
    assert "pending → completed in" in log or "pending → processing → completed in" in log
    assert re.search(r"\(1 poll[,)]", log), "a fast job should be seen finished at its first poll"


# ---------------------------------------------------------------------- masking under plain commands
# The README's commands without robot.args (so without its --listener): the library itself must
# keep every key out of the outputs. The whole suite (about 30 s): every header format and path.
KEY_PREFIX = "sk-bf-"


def plain_command(tool: str, outdir: Path) -> list[str]:
    if tool == "robot":  # run() starts robot in the repository root, as the README does
        return [str(BIN / "robot"), "--pythonpath", ".", "--outputdir", str(outdir), "suites"]
    # pabot runs in a directory of its own (see run()): absolute paths.
    return [
        str(BIN / "pabot"), "--pythonpath", str(ROOT), "--processes", "2", "--outputdir", str(outdir),
        str(SUITES),
    ]  # fmt: skip


def key_forms(key: str) -> dict[str, str]:
    """A key as it could show up: as is, with its prefix in the other case, URL-encoded."""
    swapped = (
        key[: len(KEY_PREFIX)].swapcase() + key[len(KEY_PREFIX) :] if key.startswith(KEY_PREFIX) else key
    )
    return {"value": key, "prefix swapcased": swapped, "URL-encoded": quote(key, safe="")}


def log_html_strings(html: str) -> list[str]:
    """The texts log.html and report.html keep zlib-compressed in base64 (a `*` marks plain ones)."""
    texts: list[str] = []
    for chunk in re.findall(r'window\.output\["strings"\]\.concat\((\[.*?\])\);', html, re.DOTALL):
        # JavaScript, not JSON: `\x3c` escapes (an escaped backslash is left alone).
        chunk = re.sub(r"(\\\\)|\\x([0-9a-fA-F]{2})", lambda m: m[1] or f"\\u00{m[2]}", chunk)
        for item in json.loads(chunk):
            if not isinstance(item, str) or not item:
                continue
            if item.startswith("*"):
                texts.append(item[1:])
            else:
                texts.append(zlib.decompress(base64.b64decode(item)).decode("utf-8", "replace"))
    return texts


def readable_texts(path: Path) -> list[str]:
    data = path.read_bytes().decode("utf-8", "replace")
    return [data, *log_html_strings(data)] if path.suffix == ".html" else [data]


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["robot", "pabot"])
def test_plain_commands_without_robot_args_leak_no_key(tool: str, tmp_path: Path) -> None:
    """Both keys generated by `fakegateway run`; no key form in any output file or the console."""
    keys_file = tmp_path / "keys.txt"  # outside the scanned directory
    outdir = tmp_path / "out"
    outdir.mkdir()
    # A wrapper records the keys `fakegateway run` generated for its command, then becomes that command.
    record = ["sh", "-c", 'printenv BIFROST_VK BIFROST_ALT_VK > "$0" && exec "$@"', str(keys_file)]
    outcome = run([*with_fake(), *record, *plain_command(tool, outdir)], clean_env(**FAST), outdir)
    keys = keys_file.read_text().split()
    assert len(set(keys)) == 2 and all(k.startswith(KEY_PREFIX) for k in keys), "fakegateway run set no keys"

    keyed = [t for t in outcome.result.suite.all_tests if KEY_TAGS & set(t.tags)]
    assert any(t.status == "PASS" for t in keyed), (
        "no test that sends a key passed: the run proves nothing\n" + outcome.console[-3000:]
    )

    files = [p for p in outdir.rglob("*") if p.is_file()]
    if tool == "pabot":
        assert any(p.parent.parent.name == "pabot_results" for p in files), (
            "pabot's per-process files are missing"
        )
    needles = {f"{which} key, {form}": text for which, key in zip(("primary", "alternate"), keys, strict=True)
               for form, text in key_forms(key).items()}  # fmt: skip
    leaks = [
        f"{path.relative_to(outdir)}: {label}"
        for path in files
        for label, needle in needles.items()
        if any(needle in text for text in readable_texts(path))
    ]
    leaks += [f"console: {label}" for label, needle in needles.items() if needle in outcome.console]
    assert not leaks, f"key values found in clear ({tool}, no robot.args):\n" + "\n".join(sorted(set(leaks)))


# ---------------------------------------------------------------------- other gateway shapes
@pytest.mark.slow
def test_late_model_resolution_passes_too(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    outcome = run([*with_fake("--late-model-resolution"), *pabot(tmp_path)], clean_env(**FAST), tmp_path)
    stats = outcome.result.statistics.total
    assert outcome.returncode == 0, outcome.console[-3000:]
    assert stats.failed == 0
    skipped = {t.name for t in outcome.result.suite.all_tests if t.status == "SKIP"}
    assert skipped == names(t for t in suite_tests if t.has_any(ENFORCEMENT_TAGS))
    assert_ran_exactly(outcome, names(suite_tests))


@pytest.mark.slow
def test_without_keys_only_key_gated_tests_skip(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    outcome = run([*with_fake("--no-keys"), *pabot(tmp_path)], clean_env(**FAST), tmp_path)
    assert outcome.returncode == 0, outcome.console[-3000:]
    wrong: list[str] = []
    for test in outcome.result.suite.all_tests:
        gated = bool(KEY_TAGS & set(test.tags))
        enforced = bool(ENFORCEMENT_TAGS & set(test.tags))
        expected = "SKIP" if gated or enforced else "PASS"
        if test.status != expected:
            wrong.append(f"{test.name}: {test.status} {test.message}")
        if gated and not enforced and "is not set" not in test.message:
            wrong.append(f"{test.name}: unclear skip reason {test.message!r}")
    assert not wrong, "\n".join(wrong[:20])
    assert_ran_exactly(outcome, names(suite_tests))
    # Per group (upstream's checks, webhooks, extended): exactly the tests without a key tag pass.
    passed = {t.name for t in outcome.result.suite.all_tests if t.status == "PASS"}
    for group, members in groups(suite_tests).items():
        keyless = names(t for t in members if not t.has_any(KEY_TAGS | ENFORCEMENT_TAGS))
        assert passed & names(members) == keyless, f"{group}: {sorted(keyless ^ (passed & names(members)))}"


def groups(tests: list[SuiteTest]) -> dict[str, list[SuiteTest]]:
    """Upstream's checks (neither extended nor webhooks), the webhook tests and the extended ones."""
    return {
        "upstream": [t for t in tests if not t.has_any({"extended", "webhooks"})],
        "webhooks": [t for t in tests if "webhooks" in t.tags],
        "extended": [t for t in tests if "extended" in t.tags],
    }


@pytest.mark.slow
def test_without_a_gateway_everything_skips_and_exits_0(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    outcome = run(pabot(tmp_path, processes=2), clean_env(BIFROST_BASE_URL=url), tmp_path)
    stats = outcome.result.statistics.total
    assert outcome.returncode == 0, outcome.console[-3000:]
    assert (stats.passed, stats.failed, stats.skipped) == (0, 0, stats.total)
    assert_ran_exactly(outcome, names(suite_tests))
    message = next(iter(outcome.result.suite.all_tests)).message
    assert f"Bifrost gateway not reachable at {url}" in message


@pytest.mark.slow
def test_require_gateway_fails_without_one(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    env = clean_env(BIFROST_BASE_URL=f"http://127.0.0.1:{closed_port()}", BIFROST_REQUIRE_GATEWAY="1")
    outcome = run(robot(tmp_path), env, tmp_path)
    stats = outcome.result.statistics.total
    assert outcome.returncode != 0
    assert stats.failed == stats.total
    assert_ran_exactly(outcome, names(suite_tests))
    assert "BIFROST_REQUIRE_GATEWAY" in outcome.result.suite.message


@pytest.mark.slow
def test_an_unhealthy_gateway_skips_everything(tmp_path: Path) -> None:
    outcome = run([*with_fake("--fault", "health-503"), *robot(tmp_path)], clean_env(), tmp_path)
    stats = outcome.result.statistics.total
    assert outcome.returncode == 0, outcome.console[-3000:]
    assert stats.skipped == stats.total
    assert "GET /health answered 503" in outcome.result.suite.message


@pytest.mark.slow
def test_dryrun_passes(tmp_path: Path, suite_tests: list[SuiteTest]) -> None:
    outcome = run(robot(tmp_path, "--dryrun"), clean_env(), tmp_path)
    assert outcome.returncode == 0, outcome.console[-3000:]
    stats = outcome.result.statistics.total
    assert stats.passed == stats.total
    assert_ran_exactly(outcome, names(suite_tests))


@pytest.mark.parametrize("ordering", ["suites.ordering", "quickstart.ordering"])
def test_the_ordering_files_name_existing_tests_once(ordering: str) -> None:
    from robot.api import TestSuiteBuilder

    suite = TestSuiteBuilder().build(str(ROOT / "suites"))
    names = {t.full_name for t in suite.all_tests} | set(all_suite_names(suite))
    lines = [line.strip() for line in (ROOT / ordering).read_text().splitlines() if line.strip()]
    items = [line.split(" ", 1)[1] for line in lines if line.startswith(("--test ", "--suite "))]
    assert sorted(set(items)) == sorted(items), "an item appears twice"
    assert not [item for item in items if item not in names], "the ordering names tests that do not exist"
    if ordering == "quickstart.ordering":
        return  # the fake's own pace: one group per process is quickest on two cores
    # Against a gateway whose jobs take seconds, the TTL waits start at once: each is in one of the
    # first N lanes, N the processes of the README's real-gateway command (pabot starts N at once).
    command = re.search(
        r"pabot --testlevelsplit --processes (\d+) --ordering suites.ordering", README.read_text()
    )
    assert command, "the README's real-gateway pabot command names its processes"
    lanes: list[set[str]] = []
    grouped = False
    for line in lines:
        if line in ("{", "}"):
            grouped = line == "{"
            if grouped:
                lanes.append(set())
        elif grouped:
            lanes[-1].add(line.removeprefix("--test "))
        else:
            lanes.append({line.removeprefix("--test ")})
    started = set().union(*lanes[: int(command.group(1))])
    expiry = {t.full_name for t in suite.all_tests if {"ttl", "slow"} <= {str(tag) for tag in t.tags}}
    assert sorted(expiry - started) == [], "TTL waits that do not start with the run"


def all_suite_names(suite: object) -> list[str]:
    children = list(getattr(suite, "suites", []))
    return [name for child in children for name in [child.full_name, *all_suite_names(child)]]


def test_extended_tests_carry_their_tag_and_one_area(suite_tests: list[SuiteTest]) -> None:
    folder = SUITES / "extended"
    extended = [t for t in suite_tests if "extended" in t.tags]
    assert extended, "no test is tagged extended"
    wrong = [t.name for t in extended if len(AREAS & t.tags) != 1]
    assert not wrong, f"extended tests without exactly one area tag: {wrong}"
    outside = [f"{t.name} ({t.source.name})" for t in extended if not t.under(folder)]
    assert not outside, f"extended tests outside suites/extended: {outside}"
    untagged = [t.name for t in suite_tests if t.under(folder) and "extended" not in t.tags]
    assert not untagged, f"tests in suites/extended without the extended tag: {untagged}"
    assert len(names(suite_tests)) == len(suite_tests), "test names must be unique"


@pytest.mark.slow
def test_without_failing_and_slow_models_only_their_tests_skip(
    tmp_path: Path, suite_tests: list[SuiteTest]
) -> None:
    env = clean_env(**FAST, ASYNC_FAILING_MODEL="", ASYNC_SLOW_MODEL="")
    command = [*with_fake(), *robot(tmp_path, "--include", "extended", "--exclude", "slow")]
    outcome = run(command, env, tmp_path)
    assert outcome.returncode == 0, outcome.console[-3000:]
    wrong: list[str] = []
    for test in outcome.result.suite.all_tests:
        gated = MODEL_TAGS & set(test.tags)
        expected = "SKIP" if gated or ENFORCEMENT_TAGS & set(test.tags) else "PASS"
        if test.status != expected:
            wrong.append(f"{test.name}: {test.status} {test.message}")
        for tag in gated:
            variable = "ASYNC_FAILING_MODEL" if tag == "requires-failing-model" else "ASYNC_SLOW_MODEL"
            if f"{variable} is not set" not in test.message and not ENFORCEMENT_TAGS & set(test.tags):
                wrong.append(f"{test.name}: unclear skip reason {test.message!r}")
    assert not wrong, "\n".join(wrong[:20])
    selected = [t for t in suite_tests if "extended" in t.tags and "slow" not in t.tags]
    assert_ran_exactly(outcome, names(selected))
    skipped = {t.name for t in outcome.result.suite.all_tests if t.status == "SKIP"}
    assert skipped == names(t for t in selected if t.has_any(MODEL_TAGS | ENFORCEMENT_TAGS))


# ---------------------------------------------------------------------- a gateway that enforces keys
@pytest.mark.slow
def test_on_a_gateway_that_enforces_keys_only_anonymous_access_tests_skip(
    tmp_path: Path, suite_tests: list[SuiteTest]
) -> None:
    """Both keys, the fake in enforcing mode: no failure, and exactly the tests that need anonymous
    access (upstream's global mode, the public-job tests) skip, with the reason; all others pass."""
    outcome = run([*with_fake("--enforce-virtual-keys"), *pabot(tmp_path)], clean_env(**FAST), tmp_path)
    assert outcome.returncode == 0, outcome.console[-3000:]
    tests = list(outcome.result.suite.all_tests)
    failed = [f"{t.name}: {t.message}" for t in tests if t.status == "FAIL"]
    assert not failed, "\n".join(failed[:20])
    skipped = {t.name for t in tests if t.status == "SKIP"}
    anonymous = names(t for t in suite_tests if t.has_any(ANONYMOUS_TAGS))
    assert skipped == anonymous, f"skipped but not anonymous-access: {sorted(skipped - anonymous)}; " + (
        f"anonymous-access but not skipped: {sorted(anonymous - skipped)}"
    )
    reasons = {t.message for t in tests if t.status == "SKIP"}
    assert all("enforces virtual keys" in reason for reason in reasons), reasons
    print(f"{len(skipped)} tests need anonymous access and skip:\n" + "\n".join(sorted(skipped)))
    assert_ran_exactly(outcome, names(suite_tests))


# ---------------------------------------------------------------------- bad configuration
class RecordingListener:
    """A TCP listener that counts connections: proof that a stopped run sent nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[RecordingListener]:
    server = RecordingListener()
    yield server
    server.close()


BAD_CONFIG = [
    ({"BIFROST_POLL_TIMEOUT": "soon"}, "BIFROST_POLL_TIMEOUT='soon' is not a duration"),
    ({"BIFROST_POLL_INTERVAL": "0s"}, "BIFROST_POLL_INTERVAL='0s' must be a positive duration"),
    ({"BIFROST_HTTP_TIMEOUT": "15 sec"}, "BIFROST_HTTP_TIMEOUT='15 sec' is not a duration"),
    ({"ASYNC_EXPIRY_TTL": "1500ms"}, "ASYNC_EXPIRY_TTL='1500ms' must be a whole number of seconds"),
    ({"BIFROST_DEFAULT_TTL": "an hour"}, "BIFROST_DEFAULT_TTL='an hour' is not a duration"),
    (
        {"ASYNC_ENDPOINTS": "chat-completions,videos"},
        "ASYNC_ENDPOINTS='chat-completions,videos' names unknown",
    ),
    ({"BIFROST_REQUIRE_GATEWAY": "maybe"}, "BIFROST_REQUIRE_GATEWAY='maybe' is not a boolean"),
    ({"ASYNC_FAILING_STATUS": "abc"}, "ASYNC_FAILING_STATUS='abc' is not an HTTP status code"),
    ({"BIFROST_INTEGRATION_PATH": "openai/v1/responses"}, "BIFROST_INTEGRATION_PATH='openai/v1/responses'"),
    ({"BIFROST_ALT_VK": "sk-bf-alt-only-0123456789"}, "BIFROST_ALT_VK is set but BIFROST_VK is not"),
    (
        {"BIFROST_VK": "sk-bf-same-0123456789", "BIFROST_ALT_VK": "sk-bf-same-0123456789"},
        "BIFROST_ALT_VK must be a different virtual key from BIFROST_VK",
    ),
    ({"BIFROST_WEBHOOK_LISTEN": "nonsense"}, "BIFROST_WEBHOOK_LISTEN='nonsense' is not HOST:PORT"),
    ({"BIFROST_WEBHOOK_QUIET": "later"}, "BIFROST_WEBHOOK_QUIET='later' is not a positive duration"),
    ({"BIFROST_EXPECT": "webhook"}, "BIFROST_EXPECT='webhook' names unknown capability(ies) webhook; known:"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("settings", "message"), BAD_CONFIG, ids=[next(iter(s)) for s, _ in BAD_CONFIG])
def test_bad_configuration_stops_the_run_and_sends_nothing(
    settings: dict[str, str], message: str, listener: RecordingListener, tmp_path: Path
) -> None:
    env = clean_env(BIFROST_BASE_URL=listener.url, **settings)
    outcome = run(robot(tmp_path), env, tmp_path)
    assert outcome.returncode != 0
    assert message in outcome.result.suite.message
    assert f"[ ERROR ] Invalid configuration: {message}" in outcome.console
    assert outcome.result.statistics.total.passed == 0
    assert listener.connections == 0, "a request reached the gateway despite the bad configuration"
    for value in (settings.get("BIFROST_VK"), settings.get("BIFROST_ALT_VK")):
        if value:
            assert value not in outcome.console
            assert value.encode() not in (tmp_path / "output.xml").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("url", ["ftp://127.0.0.1:8080", "localhost:8080"])
def test_a_base_url_that_is_not_http_stops_the_run(url: str, tmp_path: Path) -> None:
    outcome = run(robot(tmp_path), clean_env(BIFROST_BASE_URL=url), tmp_path)
    assert outcome.returncode != 0
    assert f"BIFROST_BASE_URL={url!r} is not an http(s) URL" in outcome.result.suite.message


@pytest.mark.slow
@pytest.mark.parametrize("variable", ["BIFROST_VK", "BIFROST_ALT_VK"])
def test_a_key_given_with_variable_stops_the_run_and_sends_nothing(
    variable: str, listener: RecordingListener, tmp_path: Path
) -> None:
    """Keys come from the environment only: on a command line they end up in shell history and ps."""
    key = f"{KEY_PREFIX}{secrets.token_hex(12)}"
    env = clean_env(BIFROST_BASE_URL=listener.url)
    outcome = run(robot(tmp_path, "--variable", f"{variable}:{key}"), env, tmp_path)
    assert outcome.returncode != 0, (
        "the run went on despite the key given with --variable:\n" + outcome.console[-3000:]
    )
    output = tmp_path / "output.xml"
    explanation = outcome.console
    if output.exists():
        result = outcome.result
        ran = [f"{t.name}: {t.status}" for t in result.suite.all_tests if t.status in ("PASS", "SKIP")]
        assert not ran, "tests ran despite the key given with --variable:\n" + "\n".join(ran[:10])
        explanation += "\n" + result.suite.message
        assert key.encode() not in output.read_bytes(), "the key given with --variable is in output.xml"
    assert "--variable" in explanation and variable in explanation, explanation[-3000:]
    assert "environment" in explanation.lower(), "the message should say keys come from the environment only"
    assert listener.connections == 0, "a request reached the gateway despite the key given with --variable"
    assert key not in outcome.console


# ---------------------------------------------------------------------- a misbehaving gateway
AFFECTED = "Chat Completions Job Reaches A Terminal State (global)"
UNAFFECTED = "Chat Completions Submit With Stream True Returns 400 (global)"
TRANSPORT_FAULTS = {
    "poll-hang": "no response within 1 s (BIFROST_HTTP_TIMEOUT)",
    "poll-html": "answered 200 with text/html",
    "poll-truncated": "answered 200 with a body that is not valid JSON",
    "poll-reset": "connection closed by the gateway without a complete response",
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(TRANSPORT_FAULTS))
def test_a_misbehaving_gateway_fails_only_the_affected_test(fault: str, tmp_path: Path) -> None:
    env = clean_env(BIFROST_HTTP_TIMEOUT="1s", BIFROST_POLL_TIMEOUT="5s")
    command = [*with_fake("--fault", fault), *robot(tmp_path, "--test", AFFECTED, "--test", UNAFFECTED)]
    outcome = run(command, env, tmp_path, timeout=60)
    statuses = outcome.statuses()
    assert statuses == {AFFECTED: "FAIL", UNAFFECTED: "PASS"}, outcome.console[-2000:]
    failed = next(t for t in outcome.result.suite.all_tests if t.name == AFFECTED)
    first_line = failed.message.splitlines()[0]
    assert TRANSPORT_FAULTS[fault] in first_line
    assert "GET /v1/async/chat/completions/" in first_line
    assert failed.elapsed_time.total_seconds() < 10
