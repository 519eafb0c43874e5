"""What a completed job's `result` holds, per endpoint (Bifrost's response types).

Each check raises AssertionError with one line naming the field that is wrong and what it held.
Only the fields the issue names are asserted; everything else a provider adds is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# What each endpoint's result must hold, as test names and failure messages spell it.
DESCRIPTIONS: dict[str, str] = {
    "text-completions": "choices[] with text",
    "chat-completions": "choices[] with a message",
    "responses": "a non-empty output[]",
    "embeddings": "data[] with an embedding",
    "speech": "base64 audio",
    "transcriptions": "the transcribed text",
    "image-generations": "data[] with b64_json or url",
    "image-edits": "data[] with b64_json or url",
    "image-variations": "data[] with b64_json or url",
    "rerank": "results[] sorted by relevance, highest first",
    "ocr": "a non-empty pages[]",
}


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _non_empty_list(result: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value = result.get(name)
    if not isinstance(value, list) or not value:
        raise AssertionError(f"{where}: result.{name} should be a non-empty array, got {_short(value)}")
    return value


def _each_item(items: list[Any], name: str, where: str, check: Callable[[Any], bool], wanted: str) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not check(item):
            raise AssertionError(f"{where}: result.{name}[{index}] should have {wanted}, got {_short(item)}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _completions(result: Mapping[str, Any], where: str) -> None:
    choices = _non_empty_list(result, "choices", where)
    _each_item(choices, "choices", where, lambda c: isinstance(c.get("text"), str), "a text string")


def _chat(result: Mapping[str, Any], where: str) -> None:
    choices = _non_empty_list(result, "choices", where)
    _each_item(choices, "choices", where, lambda c: isinstance(c.get("message"), Mapping), "a message object")


def _responses(result: Mapping[str, Any], where: str) -> None:
    _non_empty_list(result, "output", where)


def _vector(value: Any) -> bool:
    # A float array by default; base64 text when the caller asks for that encoding.
    if isinstance(value, list):
        return bool(value) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
    return _text(value)


def _embeddings(result: Mapping[str, Any], where: str) -> None:
    data = _non_empty_list(result, "data", where)
    _each_item(data, "data", where, lambda d: _vector(d.get("embedding")), "a non-empty embedding")


def _speech(result: Mapping[str, Any], where: str) -> None:
    if not _text(result.get("audio")):
        raise AssertionError(f"{where}: result.audio should be non-empty base64 audio, got {_short(result)}")


def _transcription(result: Mapping[str, Any], where: str) -> None:
    if not _text(result.get("text")):
        raise AssertionError(f"{where}: result.text should be the transcribed text, got {_short(result)}")


def _images(result: Mapping[str, Any], where: str) -> None:
    data = _non_empty_list(result, "data", where)
    _each_item(
        data, "data", where, lambda d: _text(d.get("b64_json")) or _text(d.get("url")), "b64_json or url"
    )


def _score(item: Mapping[str, Any]) -> bool:
    score = item.get("relevance_score")
    return isinstance(score, int | float) and not isinstance(score, bool)


def _rerank(result: Mapping[str, Any], where: str) -> None:
    results = _non_empty_list(result, "results", where)
    _each_item(results, "results", where, _score, "a numeric relevance_score")
    scores = [item["relevance_score"] for item in results]
    for index in range(1, len(scores)):
        if scores[index] > scores[index - 1]:
            raise AssertionError(
                f"{where}: result.results should be sorted by relevance_score, highest first;"
                f" got {scores} (index {index} is higher than the one before it)"
            )


def _ocr(result: Mapping[str, Any], where: str) -> None:
    _non_empty_list(result, "pages", where)


CHECKS: dict[str, Callable[[Mapping[str, Any], str], None]] = {
    "text-completions": _completions,
    "chat-completions": _chat,
    "responses": _responses,
    "embeddings": _embeddings,
    "speech": _speech,
    "transcriptions": _transcription,
    "image-generations": _images,
    "image-edits": _images,
    "image-variations": _images,
    "rerank": _rerank,
    "ocr": _ocr,
}


def check_result_shape(endpoint: str, envelope: Mapping[str, Any], where: str) -> None:
    """The completed job's result has the endpoint's shape (see DESCRIPTIONS)."""
    result = envelope.get("result")
    if not isinstance(result, Mapping):
        raise AssertionError(f"{where}: a completed job's result should be an object, got {_short(result)}")
    CHECKS[endpoint](result, where)
