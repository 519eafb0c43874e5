"""The standalone fake providers, driven by each provider's official Python SDK over loopback HTTP."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import cohere
import openai
import pytest
from aiohttp import web
from cohere.errors import TooManyRequestsError
from mistralai.client import Mistral
from mistralai.client.errors import SDKError

from fakegateway.providers import datasheet
from fakegateway.providers.common import embedding_vector
from fakegateway.providers.media import png
from fakegateway.providers.server import build_app

SAMPLE_MP3 = Path(__file__).resolve().parent.parent / "libraries" / "media" / "sample.mp3"
TIMEOUT_S = 10.0


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets and the like never leave the machine.
    try:
        return ipaddress.ip_address(str(address[0])).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection that is not to loopback, so no SDK call can reach the internet."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            raise AssertionError(f"non-loopback connection attempted: {address!r}")
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        if not _is_loopback(address):
            raise AssertionError(f"non-loopback connection attempted: {address!r}")
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The providers server on a free loopback port, run by an event loop in a background thread."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(build_app(), access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, name="fake-providers", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(TIMEOUT_S)
        loop.close()


@pytest.fixture(scope="module")
def oai(base_url: str) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key="sk-test", base_url=f"{base_url}/v1", max_retries=0, timeout=TIMEOUT_S)
    yield client
    client.close()


@pytest.fixture(scope="module")
def claude(base_url: str) -> Iterator[anthropic.Anthropic]:
    client = anthropic.Anthropic(api_key="sk-ant-test", base_url=base_url, max_retries=0, timeout=TIMEOUT_S)
    yield client
    client.close()


@pytest.fixture(scope="module")
def co(base_url: str) -> cohere.ClientV2:
    return cohere.ClientV2(api_key="co-test", base_url=base_url, timeout=TIMEOUT_S)


@pytest.fixture(scope="module")
def mistral(base_url: str) -> Mistral:
    return Mistral(
        api_key="mi-test", server_url=base_url, timeout_ms=int(TIMEOUT_S * 1000), retry_config=None
    )


COHERE_OPTIONS: Any = {"max_retries": 0, "timeout_in_seconds": TIMEOUT_S}
IMAGE = png("sdk test image", 16)


def test_the_loopback_guard_refuses_other_hosts() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="non-loopback"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: refused before any packet leaves


# --- OpenAI ---


def test_openai_completions(oai: openai.OpenAI) -> None:
    completion = oai.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello", max_tokens=16)
    assert isinstance(completion, openai.types.Completion)
    assert completion.id.startswith("cmpl-")
    assert completion.model == "gpt-3.5-turbo-instruct"
    assert "Say hello" in completion.choices[0].text
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_openai_chat_completions(oai: openai.OpenAI) -> None:
    chat = oai.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "What is the capital of France?"}], n=2
    )
    assert isinstance(chat, openai.types.chat.ChatCompletion)
    assert chat.id.startswith("chatcmpl-")
    assert [choice.index for choice in chat.choices] == [0, 1]
    assert chat.choices[0].message.role == "assistant"
    assert "capital of France" in (chat.choices[0].message.content or "")
    assert chat.choices[0].finish_reason == "stop"


def test_openai_chat_max_tokens_cuts_the_reply(oai: openai.OpenAI) -> None:
    chat = oai.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "one two three four"}], max_tokens=2
    )
    assert chat.choices[0].finish_reason == "length"


def test_openai_responses(oai: openai.OpenAI) -> None:
    response = oai.responses.create(model="gpt-4o-mini", input="Tell me a joke", instructions="Be brief")
    assert isinstance(response, openai.types.responses.Response)
    assert response.id.startswith("resp_")
    assert response.status == "completed"
    assert "Tell me a joke" in response.output_text
    assert response.usage is not None and response.usage.total_tokens > 0


def test_openai_embeddings_default_base64_decodes_to_the_hash_vector(oai: openai.OpenAI) -> None:
    result = oai.embeddings.create(model="text-embedding-3-small", input=["alpha", "beta"])
    assert isinstance(result, openai.types.CreateEmbeddingResponse)
    assert [item.index for item in result.data] == [0, 1]
    assert len(result.data[0].embedding) == 1536
    expected = embedding_vector("alpha", 1536)
    assert result.data[0].embedding == pytest.approx(expected, abs=1e-6)
    assert result.data[0].embedding != result.data[1].embedding


def test_openai_embeddings_float_and_dimensions(oai: openai.OpenAI) -> None:
    result = oai.embeddings.create(
        model="text-embedding-3-small", input="alpha", encoding_format="float", dimensions=8
    )
    assert result.data[0].embedding == embedding_vector("alpha", 8)


def test_openai_speech_is_mp3(oai: openai.OpenAI) -> None:
    speech = oai.audio.speech.create(model="tts-1", voice="alloy", input="Hello there")
    assert speech.response.headers["content-type"] == "audio/mpeg"
    audio = speech.content
    assert audio.startswith(b"ID3")
    assert b"\xff\xf3" in audio  # MPEG-2 Layer III frame sync


def test_openai_speech_wav(oai: openai.OpenAI) -> None:
    speech = oai.audio.speech.create(model="tts-1", voice="alloy", input="Hello", response_format="wav")
    assert speech.content[:4] == b"RIFF" and speech.content[8:12] == b"WAVE"


def test_openai_transcription_json(oai: openai.OpenAI) -> None:
    result = oai.audio.transcriptions.create(
        model="whisper-1", file=("sample.mp3", SAMPLE_MP3.read_bytes(), "audio/mpeg")
    )
    assert isinstance(result, openai.types.audio.Transcription)
    assert result.text


@pytest.mark.parametrize(
    ("response_format", "marker"), [("text", ""), ("srt", "00:00:00,000 --> "), ("vtt", "WEBVTT")]
)
def test_openai_transcription_plain_formats(oai: openai.OpenAI, response_format: Any, marker: str) -> None:
    text = oai.audio.transcriptions.create(
        model="whisper-1",
        file=("sample.mp3", SAMPLE_MP3.read_bytes(), "audio/mpeg"),
        response_format=response_format,
    )
    assert isinstance(text, str) and text.strip()
    assert marker in text


def test_openai_transcription_verbose(oai: openai.OpenAI) -> None:
    result = oai.audio.transcriptions.create(
        model="whisper-1",
        file=("sample.mp3", SAMPLE_MP3.read_bytes(), "audio/mpeg"),
        response_format="verbose_json",
        language="en",
    )
    assert isinstance(result, openai.types.audio.TranscriptionVerbose)
    assert result.duration > 0 and result.language == "en" and result.segments


def _png_of(item: Any) -> bytes:
    assert item.b64_json is not None
    return base64.b64decode(item.b64_json)


def test_openai_image_generation_b64_and_url(oai: openai.OpenAI) -> None:
    images = oai.images.generate(model="dall-e-3", prompt="A red circle", n=2, response_format="b64_json")
    assert isinstance(images, openai.types.ImagesResponse)
    assert images.data is not None and len(images.data) == 2
    first = _png_of(images.data[0])
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", first[16:24]) == (32, 32)
    linked = oai.images.generate(model="dall-e-3", prompt="A red circle", response_format="url")
    assert linked.data is not None and (linked.data[0].url or "").startswith("https://")


def test_openai_image_edit_single_and_array(oai: openai.OpenAI) -> None:
    single = oai.images.edit(model="dall-e-2", image=("image.png", IMAGE, "image/png"), prompt="Make it blue")
    assert single.data is not None and _png_of(single.data[0]).startswith(b"\x89PNG")
    several = oai.images.edit(
        model="gpt-image-1",
        image=[("a.png", IMAGE, "image/png"), ("b.png", png("other", 8), "image/png")],
        prompt="Blend them",
    )
    assert several.data is not None and len(several.data) == 1


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
def test_openai_image_variation(oai: openai.OpenAI) -> None:
    images = oai.images.create_variation(model="dall-e-2", image=("image.png", IMAGE, "image/png"), n=2)
    assert images.data is not None and len(images.data) == 2


def test_openai_forced_failures_raise_the_sdk_errors(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as limited:
        oai.chat.completions.create(model="gpt-4o-mini-fail-429", messages=[{"role": "user", "content": "x"}])
    assert limited.value.status_code == 429
    assert limited.value.code == "rate_limit_exceeded"
    with pytest.raises(openai.InternalServerError) as unavailable:
        oai.embeddings.create(model="text-embedding-3-small-fail-503", input="x")
    assert unavailable.value.status_code == 503
    with pytest.raises(openai.BadRequestError):
        oai.images.edit(model="dall-e-2", image=("x.png", b"not an image", "image/png"), prompt="p")


def test_openai_delay_holds_the_answer(oai: openai.OpenAI) -> None:
    started = time.monotonic()
    oai.chat.completions.create(model="gpt-4o-mini-delay-300ms", messages=[{"role": "user", "content": "x"}])
    assert time.monotonic() - started >= 0.3


# --- Anthropic ---


def test_anthropic_messages(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(
        model="claude-3-5-haiku-latest",
        max_tokens=64,
        system="You are terse.",
        messages=[{"role": "user", "content": "Hello, Claude"}],
    )
    assert isinstance(message, anthropic.types.Message)
    assert message.id.startswith("msg_")
    assert message.stop_reason == "end_turn"
    block = message.content[0]
    assert isinstance(block, anthropic.types.TextBlock) and "Hello, Claude" in block.text
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0


def test_anthropic_forced_failure(claude: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.RateLimitError) as limited:
        claude.messages.create(
            model="claude-3-5-haiku-fail-429", max_tokens=8, messages=[{"role": "user", "content": "x"}]
        )
    assert limited.value.status_code == 429
    assert isinstance(limited.value.body, dict) and limited.value.body["error"]["type"] == "rate_limit_error"
    with pytest.raises(anthropic.APIStatusError) as overloaded:
        claude.messages.create(
            model="claude-3-5-haiku-fail-529", max_tokens=8, messages=[{"role": "user", "content": "x"}]
        )
    assert overloaded.value.status_code == 529


# --- Cohere ---


def test_cohere_rerank(co: cohere.ClientV2) -> None:
    result = co.rerank(
        model="rerank-english-v3.0",
        query="capital of France",
        documents=["Berlin is in Germany", "Paris is the capital of France", "France exports wine"],
        top_n=2,
        request_options=COHERE_OPTIONS,
    )
    assert isinstance(result, cohere.V2RerankResponse)
    assert [item.index for item in result.results] == [1, 2]
    scores = [item.relevance_score for item in result.results]
    assert scores == sorted(scores, reverse=True)
    assert result.meta is not None and result.meta.billed_units is not None


def test_cohere_forced_failure(co: cohere.ClientV2) -> None:
    with pytest.raises(TooManyRequestsError) as limited:
        co.rerank(model="rerank-fail-429", query="q", documents=["d"], request_options=COHERE_OPTIONS)
    assert limited.value.status_code == 429


# --- Mistral ---


def test_mistral_ocr_mentions_the_url(mistral: Mistral) -> None:
    url = "https://example.invalid/scans/ant.jpg"
    result = mistral.ocr.process(model="mistral-ocr-latest", document={"type": "image_url", "image_url": url})
    assert result.model == "mistral-ocr-latest"
    assert len(result.pages) == 1 and url in result.pages[0].markdown
    assert result.usage_info.pages_processed == 1


def test_mistral_ocr_document_pages(mistral: Mistral) -> None:
    result = mistral.ocr.process(
        model="mistral-ocr-latest",
        document={"type": "document_url", "document_url": "https://example.invalid/report.pdf"},
        pages=[0, 2],
    )
    assert [page.index for page in result.pages] == [0, 2]


def test_mistral_forced_failure(mistral: Mistral) -> None:
    with pytest.raises(SDKError) as failed:
        mistral.ocr.process(
            model="mistral-ocr-fail-429",
            document={"type": "image_url", "image_url": "https://example.invalid/a"},
        )
    assert failed.value.status_code == 429
    assert json.loads(failed.value.body)["code"] == "rate_limit_exceeded"


# --- Plain HTTP: credentials, datasheets ---


def _post(url: str, headers: dict[str, str], body: bytes = b"{}") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as failed:
        return failed.code, json.loads(failed.read())


@pytest.mark.parametrize(
    ("path", "error_of"),
    [
        ("/v1/chat/completions", lambda body: body["error"]["message"]),
        ("/v1/messages", lambda body: body["type"] == "error" and body["error"]["message"]),
        ("/v2/rerank", lambda body: body["message"]),
        ("/v2/chat", lambda body: body["message"]),
        ("/v2/embed", lambda body: body["message"]),
        ("/v1/ocr", lambda body: body["message"]),
        ("/v1/complete", lambda body: body["type"] == "error" and body["error"]["message"]),
        ("/mistral/v1/chat/completions", lambda body: body["object"] == "error" and body["message"]),
        ("/mistral/v1/embeddings", lambda body: body["object"] == "error" and body["message"]),
        ("/mistral/v1/audio/transcriptions", lambda body: body["object"] == "error" and body["message"]),
    ],
)
def test_missing_credentials_is_401_in_the_provider_shape(base_url: str, path: str, error_of: Any) -> None:
    status, body = _post(base_url + path, {"content-type": "application/json"})
    assert status == 401
    assert error_of(body)


def test_anthropic_needs_a_version_header(base_url: str) -> None:
    status, body = _post(base_url + "/v1/messages", {"x-api-key": "k", "content-type": "application/json"})
    assert status == 400 and "anthropic-version" in body["error"]["message"]


def test_datasheets_are_served(base_url: str) -> None:
    for path, expected in (
        ("/datasheet", datasheet.pricing()),
        ("/datasheet/model-parameters", datasheet.model_parameters()),
        ("/datasheet/mcp-library", datasheet.mcp_library()),
    ):
        with urllib.request.urlopen(base_url + path, timeout=TIMEOUT_S) as answer:
            assert answer.status == 200
            assert json.loads(answer.read()) == expected


# --- Cohere chat and embed, Mistral chat, embeddings and transcription ---


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK reads pydantic __fields__
def test_cohere_chat(co: cohere.ClientV2) -> None:
    chat = co.chat(
        model="command-r-plus",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "What is the capital of France?"},
        ],
        max_tokens=64,
        request_options=COHERE_OPTIONS,
    )
    assert isinstance(chat, cohere.V2ChatResponse)
    assert chat.finish_reason == "COMPLETE"
    assert chat.message.content is not None
    block = chat.message.content[0]
    assert isinstance(block, cohere.TextAssistantMessageResponseContentItem)
    assert "capital of France" in block.text
    assert chat.usage is not None and chat.usage.tokens is not None
    assert (chat.usage.tokens.output_tokens or 0) > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK reads pydantic __fields__
def test_cohere_chat_max_tokens_cuts_the_reply(co: cohere.ClientV2) -> None:
    chat = co.chat(
        model="command-r-plus",
        messages=[{"role": "user", "content": "one two three four"}],
        max_tokens=2,
        request_options=COHERE_OPTIONS,
    )
    assert chat.finish_reason == "MAX_TOKENS"


def test_cohere_embed_floats_and_int8(co: cohere.ClientV2) -> None:
    result = co.embed(
        model="embed-english-v3.0",
        input_type="search_document",
        texts=["alpha", "beta"],
        embedding_types=["float", "int8"],
        request_options=COHERE_OPTIONS,
    )
    assert isinstance(result, cohere.EmbedByTypeResponse)
    floats = result.embeddings.float_
    assert floats is not None and len(floats) == 2 and len(floats[0]) == 1024
    assert floats[0] == pytest.approx(embedding_vector("alpha", 1024))
    assert result.embeddings.int8 is not None and len(result.embeddings.int8[1]) == 1024
    assert result.texts == ["alpha", "beta"]
    assert result.meta is not None and result.meta.billed_units is not None


def test_cohere_embed_v4_output_dimension(co: cohere.ClientV2) -> None:
    result = co.embed(
        model="embed-v4.0", input_type="search_query", texts=["q"], output_dimension=256,
        request_options=COHERE_OPTIONS,
    )  # fmt: skip
    assert result.embeddings.float_ is not None and len(result.embeddings.float_[0]) == 256


def test_cohere_chat_and_embed_forced_failures(co: cohere.ClientV2) -> None:
    with pytest.raises(TooManyRequestsError):
        co.chat(
            model="command-fail-429",
            messages=[{"role": "user", "content": "x"}],
            request_options=COHERE_OPTIONS,
        )
    with pytest.raises(cohere.core.api_error.ApiError) as unavailable:
        co.embed(
            model="embed-english-v3.0-fail-503", input_type="search_document", texts=["x"],
            request_options=COHERE_OPTIONS,
        )  # fmt: skip
    assert unavailable.value.status_code == 503


@pytest.fixture(scope="module")
def mistral_origin(base_url: str) -> Mistral:
    """Mistral's own API: the paths it shares with OpenAI answer as Mistral under `/mistral`."""
    return Mistral(
        api_key="mi-test",
        server_url=f"{base_url}/mistral",
        timeout_ms=int(TIMEOUT_S * 1000),
        retry_config=None,
    )


def test_mistral_chat(mistral_origin: Mistral) -> None:
    chat = mistral_origin.chat.complete(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
        max_tokens=64,
    )
    assert chat.model == "mistral-small-latest"
    choice = chat.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message is not None and "capital of France" in str(choice.message.content)
    assert chat.usage.total_tokens and chat.usage.total_tokens > 0


def test_mistral_embeddings(mistral_origin: Mistral) -> None:
    result = mistral_origin.embeddings.create(model="mistral-embed", inputs=["alpha", "beta"])
    assert [item.index for item in result.data] == [0, 1]
    first = result.data[0].embedding
    assert first is not None and first == pytest.approx(embedding_vector("alpha", 1024))
    assert result.usage.prompt_tokens == 2


def test_mistral_transcription(mistral_origin: Mistral) -> None:
    result = mistral_origin.audio.transcriptions.complete(
        model="voxtral-mini-latest",
        file={"file_name": "sample.mp3", "content": SAMPLE_MP3.read_bytes()},
        language="en",
        timestamp_granularities=["segment"],
    )
    assert result.model == "voxtral-mini-latest" and result.text
    assert result.language == "en"
    assert result.segments and result.segments[0].text == result.text


def test_mistral_chat_forced_failure_and_delay(mistral_origin: Mistral) -> None:
    with pytest.raises(SDKError) as failed:
        mistral_origin.chat.complete(
            model="mistral-small-fail-429", messages=[{"role": "user", "content": "x"}]
        )
    assert failed.value.status_code == 429
    assert json.loads(failed.value.body)["object"] == "error"
    started = time.monotonic()
    mistral_origin.embeddings.create(model="mistral-embed-delay-300ms", inputs="x")
    assert time.monotonic() - started >= 0.3
