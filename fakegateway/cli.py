"""Command line: `python -m fakegateway serve | run | faults | providers`."""

from __future__ import annotations

import argparse
import logging
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from fakegateway import faults as fault_registry
from fakegateway.app import build_app
from fakegateway.gateway import DEFAULT_PROVIDER_TIMEOUT_S, DEFAULT_TTL, MAX_JOB_LATENCY_S, GatewayConfig
from fakegateway.keys import mask
from fakegateway.runner import modes, run_command, with_generated_keys
from fakegateway.server import serve_forever
from fakegateway.store import JobStore
from fakegateway.webhooks import Declaration, SpecError, parse_declaration

EXIT_USAGE = 2
SERVE_BACKOFF_SCALE = 1.0
RUN_BACKOFF_SCALE = 0.1


class OneLineParser(argparse.ArgumentParser):
    """Bad input gives one line on stderr naming what was wrong, and exit status 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return value


def positive_seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number of seconds: {text!r}")
    return value


def fault_name(text: str) -> str:
    if text not in fault_registry.FAULTS:
        raise argparse.ArgumentTypeError(str(fault_registry.UnknownFaultError(text)))
    return text


def virtual_key(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a virtual key must not be empty")
    return text


def webhook_declaration(text: str) -> Declaration:
    try:
        return parse_declaration(text)
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError(f"not a positive factor: {text!r}")
    return value


_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration(text: str) -> float:
    """Seconds from a Go duration such as `1500ms`, `2s` or `1m30s` (Go's `time.ParseDuration` syntax).

    As in Go, a number needs a unit (only `0` may stand alone); a negative duration is refused here.
    """
    value = text.strip()
    if value in ("0", "+0"):
        return 0.0
    body = value[1:] if value.startswith("+") else value
    position, total = 0, 0.0
    while body and position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if not body or position < len(body):
        raise argparse.ArgumentTypeError(f"not a duration (use Go syntax such as 1500ms or 2s): {text!r}")
    return total


def job_latency(text: str) -> float:
    seconds = go_duration(text)
    if seconds > MAX_JOB_LATENCY_S:
        raise argparse.ArgumentTypeError(f"at most {MAX_JOB_LATENCY_S:g}s: {text!r}")
    return seconds


MAX_PROVIDER_TIMEOUT_S = 3600.0


def provider_timeout(text: str) -> float:
    seconds = go_duration(text)
    if not 0 < seconds <= MAX_PROVIDER_TIMEOUT_S:
        raise argparse.ArgumentTypeError(
            f"a duration above 0 and at most {MAX_PROVIDER_TIMEOUT_S:g}s: {text!r}"
        )
    return seconds


def _network_options(parser: argparse.ArgumentParser, default_port: int) -> None:
    what = "a free port" if default_port == 0 else str(default_port)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=port_number, default=default_port, help=f"port (default {what})")


def _gateway_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--virtual-key",
        dest="keys",
        metavar="KEY",
        action="append",
        default=[],
        type=virtual_key,
        help="a virtual key the gateway knows (repeatable)",
    )
    parser.add_argument(
        "--default-ttl",
        type=positive_seconds,
        default=DEFAULT_TTL,
        metavar="SECONDS",
        help=f"result TTL when a request sets none (default {DEFAULT_TTL})",
    )
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="keep jobs in this SQLite file across restarts"
    )
    parser.add_argument(
        "--fault",
        dest="faults",
        metavar="NAME",
        action="append",
        default=[],
        type=fault_name,
        help="switch a fault on (repeatable; the faults command lists them)",
    )
    parser.add_argument(
        "--late-model-resolution",
        action="store_true",
        help="accept a missing model at submit; the job then fails with 400 (newest Bifrost)",
    )
    parser.add_argument("--log-file", type=Path, metavar="PATH", help="write the request log to this file")
    parser.add_argument(
        "--webhook",
        dest="webhooks",
        metavar="NAME=URL[,OPTION=VALUE...]",
        action="append",
        default=[],
        type=webhook_declaration,
        help="declare a webhook endpoint (repeatable); options: secret=whsec_..., events=a|b,"
        " include_response=true, disabled=true, max_retries=N, retry_backoff_initial_seconds=N, ...;"
        " the secret is generated when not given",
    )
    parser.add_argument(
        "--provider-timeout",
        type=provider_timeout,
        default=DEFAULT_PROVIDER_TIMEOUT_S,
        metavar="DURATION",
        help="a provider call (--job-latency and delay-Nms included) that takes longer fails with 504"
        " request_timed_out, as with Bifrost's default_request_timeout_in_seconds; a Go duration such as"
        f" 500ms (default {DEFAULT_PROVIDER_TIMEOUT_S:g}s)",
    )
    parser.add_argument(
        "--webhook-backoff-scale",
        type=positive_factor,
        default=None,
        metavar="FACTOR",
        help="fake-only: multiply every webhook retry backoff by FACTOR (Bifrost's knobs are whole"
        " seconds; default 1 for serve, 0.1 for run so that the suite's retries take fractions of a second)",
    )
    parser.add_argument(
        "--enforce-virtual-keys",
        action="store_true",
        help="Bifrost's client.enforce_auth_on_inference: an anonymous submit still answers 202 and"
        " the job fails with 401 virtual_key_required; a synchronous integration call answers 401",
    )
    parser.add_argument(
        "--job-latency",
        type=job_latency,
        default=0.0,
        metavar="DURATION",
        help="every provider call (async jobs and synchronous integration calls) takes this long before"
        " it resolves, a Go duration such as 1500ms; a model's delay-Nms token adds to it (default 0)",
    )


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="fakegateway", description="A fake of Bifrost's async inference API.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the fake gateway until SIGINT/SIGTERM")
    _network_options(serve, 8080)
    _gateway_options(serve)
    run = commands.add_parser(
        "run",
        help="serve on a free loopback port around: -- COMMAND ...",
        usage="fakegateway run [options] [--no-keys] -- COMMAND ...",
        description="Start a gateway, run COMMAND against it, stop the gateway; exit with COMMAND's status. "
        "Without --log-file, run keeps no request log.",
    )
    _network_options(run, 0)
    _gateway_options(run)
    run.add_argument(
        "--no-keys", action="store_true", help="no virtual keys; BIFROST_VK/BIFROST_ALT_VK removed"
    )
    commands.add_parser("faults", help="list the fault switches")
    providers = commands.add_parser("providers", help="serve the fake providers standalone")
    _network_options(providers, 9999)
    providers.add_argument("--log-file", type=Path, metavar="PATH", help="write the request log to this file")
    return parser


def _request_log(path: Path | None, *, default_to_stderr: bool) -> logging.Logger | None:
    if path is None and not default_to_stderr:
        return None
    logger = logging.getLogger("fakegateway.access")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler: logging.Handler = (
        logging.StreamHandler(sys.stderr) if path is None else logging.FileHandler(path)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.handlers[:] = [handler]
    return logger


def _config(parser: OneLineParser, args: argparse.Namespace, default_scale: float) -> GatewayConfig:
    db: Path | None = args.db
    if db is not None:
        if not db.parent.is_dir():
            parser.error(f"--db: directory {str(db.parent)!r} does not exist")
        try:
            JobStore(db).close()
        except sqlite3.Error as exc:
            parser.error(f"--db: {str(db)!r} is not a usable SQLite database ({exc})")
    try:
        return GatewayConfig(
            virtual_keys=tuple(args.keys),
            default_ttl=args.default_ttl,
            db_path=db,
            faults=tuple(args.faults),
            late_model_resolution=args.late_model_resolution,
            webhooks=tuple(args.webhooks),
            webhook_backoff_scale=args.webhook_backoff_scale or default_scale,
            job_latency_s=args.job_latency,
            enforce_virtual_keys=args.enforce_virtual_keys,
            provider_timeout=args.provider_timeout,
        )
    except ValueError as exc:
        parser.error(str(exc))


def _print_url(what: str, config: GatewayConfig | None = None) -> Callable[[str], None]:
    def announce(url: str) -> None:
        details = ""
        if config is not None:
            keys = ", ".join(mask(k) for k in config.virtual_keys) or "none"
            details = f" (keys: {keys}; faults: {', '.join(config.faults) or 'none'}{modes(config)})"
        print(f"fakegateway: {what} serving on {url}{details}", file=sys.stderr, flush=True)
        for declared in config.webhooks if config is not None else ():
            # Shown in full once, as Bifrost shows a new endpoint's secret: the receiver needs it.
            spec = declared.spec
            print(
                f"fakegateway: webhook {spec.name} -> {spec.url} (events: {', '.join(spec.events)};"
                f" secret: {declared.secret})",
                file=sys.stderr,
                flush=True,
            )

    return announce


def _listen(serve: Callable[[], None], host: str, port: int) -> int:
    try:
        serve()
    except OSError as exc:
        print(f"fakegateway: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if arguments[:1] == ["run"] and "--" in arguments:
        split = arguments.index("--")
        arguments, command = arguments[:split], arguments[split + 1 :]
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command == "faults":
        print(fault_registry.listing())
        return 0
    if args.command == "providers":
        return _providers(args)
    config = _config(parser, args, SERVE_BACKOFF_SCALE if args.command == "serve" else RUN_BACKOFF_SCALE)
    if args.command == "serve":
        log = _request_log(args.log_file, default_to_stderr=True)
        announce = _print_url("gateway", config)
        return _listen(
            lambda: serve_forever(build_app(config), args.host, args.port, access_log=log, announce=announce),
            args.host,
            args.port,
        )
    if not command:
        parser.error("run needs a command after --, e.g. run -- robot suites")
    if args.no_keys and args.keys:
        parser.error("--no-keys and --virtual-key exclude each other")
    config = replace(config, virtual_keys=with_generated_keys(args.keys, no_keys=args.no_keys))
    log = _request_log(args.log_file, default_to_stderr=False)
    return run_command(config, command, host=args.host, port=args.port, no_keys=args.no_keys, access_log=log)


def _providers(args: argparse.Namespace) -> int:
    # Imported here: the providers server is optional for every other command.
    from fakegateway.providers.server import build_app as build_providers_app

    log = _request_log(args.log_file, default_to_stderr=True)
    announce = _print_url("fake providers")
    return _listen(
        lambda: serve_forever(build_providers_app(), args.host, args.port, access_log=log, announce=announce),
        args.host,
        args.port,
    )
