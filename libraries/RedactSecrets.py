"""A listener that masks every known key value in what Robot records and prints.

The library never logs a key in clear; this is the safety net for anything else (a keyword
argument, a failure message from another library, a log message). Pass it with
`--listener libraries.RedactSecrets` (robot.args does).
"""

from __future__ import annotations

from typing import Any

from libraries.keys import UNKNOWN_KEY
from libraries.masking import Masker, secrets_from_environment


class RedactSecrets:
    """Rewrites log messages, failure messages, keyword arguments and documentation."""

    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self.masker = Masker(secrets_from_environment([UNKNOWN_KEY]))

    def _clean(self, value: Any) -> Any:
        return self.masker(value) if isinstance(value, str) else value

    def log_message(self, message: Any) -> None:
        if self.masker and isinstance(message.message, str):
            message.message = self.masker(message.message)

    def message(self, message: Any) -> None:
        self.log_message(message)

    def end_keyword(self, data: Any, result: Any) -> None:
        if not self.masker:
            return
        result.args = tuple(self._clean(arg) for arg in result.args)
        if isinstance(getattr(result, "message", None), str):
            result.message = self.masker(result.message)

    def end_test(self, data: Any, result: Any) -> None:
        if self.masker:
            result.message = self.masker(result.message)
            result.doc = self.masker(result.doc)

    def end_suite(self, data: Any, result: Any) -> None:
        if not self.masker:
            return
        result.message = self.masker(result.message)
        result.doc = self.masker(result.doc)
        for name, value in list(result.metadata.items()):
            result.metadata[name] = self.masker(value)
