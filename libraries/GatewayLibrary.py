"""The suite's keyword library: one class, built from keyword classes by domain on one core.

- ``run``: configuration, session, preflight, metadata, preconditions, reproductions
- ``jobs``: the requests resource keywords send, job handles, the waits
- ``checks``: what an answer or a finished job must look like
- ``webhook_keywords``: the webhook receiver and the ``/api/webhooks`` checks

It is its own listener (so a plain ``robot`` run needs no ``--listener``): each test starts with an
empty record of exchanges, and the masking listener rewrites every message, argument and
metadata value that could carry a secret.
"""

from __future__ import annotations

from robot.api.deco import library

from libraries.checks import CheckKeywords
from libraries.jobs import JobKeywords
from libraries.run import RunKeywords
from libraries.webhook_keywords import WebhookKeywords


@library(scope="GLOBAL", version="2.0")
class GatewayLibrary(RunKeywords, JobKeywords, CheckKeywords, WebhookKeywords):
    """Keywords for Bifrost's async inference API. HTTP goes through RequestsLibrary's session ``bifrost``."""

    def __init__(self) -> None:
        super().__init__()
        self.ROBOT_LIBRARY_LISTENER = self
