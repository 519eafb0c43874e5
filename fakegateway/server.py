"""Running an aiohttp app: in the foreground until a signal, or on a background thread."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import TracebackType

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

# Handlers left running at shutdown (a hanging poll, say) get this long before they are cancelled.
SHUTDOWN_TIMEOUT_S = 2.0


class RequestLog(AbstractAccessLogger):
    """One line per request: method, path, status, milliseconds. Never headers or bodies."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %d %.1fms", request.method, request.path, response.status, time * 1000)


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def start_site(
    app: web.Application, host: str, port: int, access_log: logging.Logger | None
) -> tuple[web.AppRunner, str]:
    """Set the app up and listen; returns the runner and the base URL (with the real port)."""
    runner = web.AppRunner(
        app,
        access_log=access_log,
        access_log_class=RequestLog,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT_S,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_port = int(runner.addresses[0][1])
    return runner, url_for(host, bound_port)


def serve_forever(
    app: web.Application,
    host: str,
    port: int,
    *,
    access_log: logging.Logger | None,
    announce: Callable[[str], None],
) -> None:
    """Serve until SIGINT or SIGTERM, then shut down cleanly."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner, url = await start_site(app, host, port, access_log)
        announce(url)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())


class BackgroundServer:
    """An app served on its own event loop in a daemon thread (for `run` and the tests)."""

    def __init__(
        self,
        app: web.Application,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: logging.Logger | None = None,
    ) -> None:
        self.app = app
        self._host = host
        self._port = port
        self._access_log = access_log
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.url = ""

    def start(self, timeout: float = 15.0) -> str:
        self._thread = threading.Thread(target=self._main, name="fakegateway", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"the server did not start within {timeout:.0f} s")
        if self._error is not None:
            raise self._error
        return self.url

    def stop(self, timeout: float = 15.0) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        runner, self.url = await start_site(self.app, self._host, self._port, self._access_log)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()
