"""The suite's keyword library: keyword classes by domain on one core, composed explicitly.

    Core                         settings, the session, the record of exchanges, masking, failures
    ├── RunKeywords(Core)        configuration, preflight, metadata, a test's preconditions, timings
    ├── JobKeywords(Core)        requests built for the resources, the waits, the concurrent batch
    ├── EarlyKeywords(RunKeywords, JobKeywords)   jobs started early: preconditions, then the waits
    ├── CheckKeywords(Core)      checks of answers, envelopes and results
    └── WebhookKeywords(Core)    the receiver, endpoint handles, webhook requests and checks

A class calls only what it inherits: none reaches a sibling.

It is its own listener, so a plain ``robot`` run needs no ``--listener``: each test starts with an empty
record of exchanges, and every message, argument and metadata value that could carry a secret is masked.
"""

from __future__ import annotations

from robot.api.deco import library

from libraries.checks import CheckKeywords
from libraries.early import EarlyKeywords
from libraries.webhook_keywords import WebhookKeywords


@library(scope="GLOBAL", version="2.0")
class GatewayLibrary(EarlyKeywords, CheckKeywords, WebhookKeywords):
    """Keywords for Bifrost's async inference API. HTTP goes through RequestsLibrary's session ``bifrost``."""

    def __init__(self) -> None:
        super().__init__()
        self.ROBOT_LIBRARY_LISTENER = self
