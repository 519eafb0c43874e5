"""The suite's keyword library: keyword classes by domain (run, jobs, checks, webhooks) on one core.

It is its own listener, so a plain ``robot`` run needs no ``--listener``: each test starts with an empty
record of exchanges, and every message, argument and metadata value that could carry a secret is masked.
"""

from __future__ import annotations

from robot.api.deco import library

from libraries.checks import CheckKeywords
from libraries.early import EarlyKeywords
from libraries.jobs import JobKeywords
from libraries.run import RunKeywords
from libraries.webhook_keywords import WebhookKeywords


@library(scope="GLOBAL", version="2.0")
class GatewayLibrary(RunKeywords, JobKeywords, CheckKeywords, WebhookKeywords, EarlyKeywords):
    """Keywords for Bifrost's async inference API. HTTP goes through RequestsLibrary's session ``bifrost``."""

    def __init__(self) -> None:
        super().__init__()
        self.ROBOT_LIBRARY_LISTENER = self
