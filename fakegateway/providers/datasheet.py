"""The pricing datasheet and model parameters an offline Bifrost loads at start (served by the server).

Bifrost exits at start when it cannot load a pricing datasheet, so the kit in examples/bifrost ships
these as files and the providers server serves them over http. Costs are zero: the providers are fake.
"""

from __future__ import annotations

from typing import Any

# The default model of each request type in the suite (plus the Anthropic route's model).
_MODELS = (
    ("openai", "gpt-3.5-turbo-instruct", "completion"),
    ("openai", "gpt-4o-mini", "chat"),
    ("openai", "text-embedding-3-small", "embedding"),
    ("openai", "tts-1", "audio_speech"),
    ("openai", "whisper-1", "audio_transcription"),
    ("openai", "dall-e-3", "image_generation"),
    ("openai", "dall-e-2", "image_generation"),
    ("anthropic", "claude-3-5-haiku-latest", "chat"),
    ("cohere", "rerank-english-v3.0", "rerank"),
    ("mistral", "mistral-ocr-latest", "ocr"),
)


def pricing() -> dict[str, Any]:
    """`{"<provider>/<model>": {provider, mode, input_cost_per_token}}` for the suite's default models."""
    return {
        f"{provider}/{model}": {"provider": provider, "mode": mode, "input_cost_per_token": 0.0}
        for provider, model, mode in _MODELS
    }


def model_parameters() -> dict[str, Any]:
    """No per-model parameters: an empty object is a valid model-parameters document."""
    return {}


def mcp_library() -> dict[str, Any]:
    """An empty MCP server library, so newer builds need not fetch one."""
    return {"servers": []}
