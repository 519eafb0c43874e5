"""Fake upstream providers (OpenAI, Anthropic, Cohere, Mistral) and Bifrost's adapters in front of them.

`execute` runs a job's provider call the way Bifrost does; `handle` answers the providers' own HTTP
requests and serves both the in-process calls and the standalone server.
"""

from .adapter import FilePart, Outcome
from .bifrost import execute
from .dispatch import handle

__all__ = ["FilePart", "Outcome", "execute", "handle"]
