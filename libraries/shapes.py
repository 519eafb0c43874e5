"""What a completed job's `result` holds, per endpoint (Bifrost's response types).

Each check raises AssertionError with one line naming the field that is wrong and what it held.
Only the fields the issue names are asserted; everything else a provider adds is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from libraries.core import short


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _vector(value: Any) -> bool:
    # A float array by default; base64 text when the caller asks for that encoding.
    return (bool(value) and all(map(_number, value))) if isinstance(value, list) else _text(value)


@dataclass(frozen=True)
class Shape:
    description: str  # what the result holds, as test names and the log say it
    field: str  # the result's field that holds it: a non-empty array, or a non-empty text if `is_text`
    wanted: str = ""  # what each element of the array (or the text) must be
    holds: Callable[[Any], bool] | None = None  # whether an element has it
    is_text: bool = False


_IMAGES = Shape(
    "data[] with b64_json or url",
    "data",
    "b64_json or url",
    lambda d: _text(d.get("b64_json")) or _text(d.get("url")),
)
SHAPES: dict[str, Shape] = {
    "text-completions": Shape(
        "choices[] with text", "choices", "a text string", lambda c: isinstance(c.get("text"), str)
    ),
    "chat-completions": Shape(
        "choices[] with a message",
        "choices",
        "a message object",
        lambda c: isinstance(c.get("message"), Mapping),
    ),
    "responses": Shape("a non-empty output[]", "output"),
    "embeddings": Shape(
        "data[] with an embedding", "data", "a non-empty embedding", lambda d: _vector(d.get("embedding"))
    ),
    "speech": Shape("base64 audio", "audio", "non-empty base64 audio", is_text=True),
    "transcriptions": Shape("the transcribed text", "text", "the transcribed text", is_text=True),
    "image-generations": _IMAGES,
    "image-edits": _IMAGES,
    "image-variations": _IMAGES,
    "rerank": Shape(
        "results[] sorted by relevance, highest first",
        "results",
        "a numeric relevance_score",
        lambda r: _number(r.get("relevance_score")),
    ),
    "ocr": Shape("a non-empty pages[]", "pages"),
}


def non_empty_list(result: Any, name: str, where: str) -> list[Any]:
    value = result.get(name) if isinstance(result, Mapping) else None
    if not isinstance(value, list) or not value:
        raise AssertionError(f"{where}: result.{name} should be a non-empty array, got {short(value, 160)}")
    return value


def check_result_shape(endpoint: str, envelope: Mapping[str, Any], where: str) -> None:
    """The completed job's result has the endpoint's shape (see SHAPES)."""
    result, shape = envelope.get("result"), SHAPES[endpoint]
    if not isinstance(result, Mapping):
        raise AssertionError(
            f"{where}: a completed job's result should be an object, got {short(result, 160)}"
        )
    if shape.is_text:
        if not _text(result.get(shape.field)):
            raise AssertionError(
                f"{where}: result.{shape.field} should be {shape.wanted}, got {short(result, 160)}"
            )
        return
    items = non_empty_list(result, shape.field, where)
    for index, item in enumerate(items):
        if shape.holds and not (isinstance(item, Mapping) and shape.holds(item)):
            raise AssertionError(
                f"{where}: result.{shape.field}[{index}] should have {shape.wanted}, got {short(item, 160)}"
            )
    scores = [item["relevance_score"] for item in items] if endpoint == "rerank" else []
    for index in range(1, len(scores)):
        if scores[index] > scores[index - 1]:
            raise AssertionError(
                f"{where}: result.results should be sorted by relevance_score, highest first;"
                f" got {scores} (index {index} is higher than the one before it)"
            )
