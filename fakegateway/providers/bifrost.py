"""Bifrost's side of a provider call: pick the adapter, call the fake in-process, store result or error."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from . import anthropic, cohere, dispatch, mistral, openai
from .adapter import AdapterError, Call, FilePart, Outcome, ProviderAdapter
from .common import WireResponse

# Bifrost's message for a provider call that outlasts `default_request_timeout_in_seconds`; it names
# the default whatever the configured value is (core/schemas ErrProviderRequestTimedOut).
TIMEOUT_MESSAGE = (
    "request timed out (default is 30 seconds). You can increase it by setting the "
    "default_request_timeout_in_seconds in the network_config or in UI - Providers > Provider Name > "
    "Network Config."
)
TIMEOUT_TYPE = "request_timed_out"
TIMEOUT_STATUS = 504

ADAPTERS: dict[str, ProviderAdapter] = {
    adapter.name: adapter for adapter in (openai.ADAPTER, anthropic.ADAPTER, cohere.ADAPTER, mistral.ADAPTER)
}


def _extra_fields(request_type: str, provider: str | None, model: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"request_type": request_type}
    if provider is not None:
        fields["provider"] = provider
    if model is not None:
        fields["original_model_requested"] = model
        fields["resolved_model_used"] = model
    return fields


def error_envelope(
    message: str,
    status: int | None,
    extra_fields: dict[str, Any],
    *,
    is_bifrost_error: bool = False,
    detail: Mapping[str, Any] | None = None,
    error_type: str | None = None,
) -> dict[str, Any]:
    """Bifrost's error envelope; `status` None leaves `status_code` out (the job then records 500)."""
    envelope: dict[str, Any] = {"is_bifrost_error": is_bifrost_error}
    if status is not None:
        envelope["status_code"] = status
    if error_type is not None:
        envelope["type"] = error_type
    envelope["error"] = dict(detail) if detail is not None else {"message": message}
    envelope["extra_fields"] = extra_fields
    return envelope


def _failure(envelope: dict[str, Any]) -> Outcome:
    status = envelope.get("status_code")
    return Outcome(status if isinstance(status, int) and status > 0 else 500, None, envelope)


async def execute(
    request_type: str,
    model: str,
    params: dict[str, Any],
    files: list[FilePart],
    *,
    timeout: float | None = None,
    latency: float = 0.0,
) -> Outcome:
    """Run one job's provider call as Bifrost would and return what Bifrost stores on the job.

    `latency` is the provider's base pace in seconds (the model's `delay-Nms` adds to it). `timeout`
    is Bifrost's provider network timeout in seconds (None: no limit): a provider call that outlasts
    it, its pace included, fails with 504 `request_timed_out`, as Bifrost's HTTP client gives up.
    """
    started = time.monotonic()
    provider, slash, name = model.partition("/")
    if not slash or not provider or not name:
        message = f"invalid model '{model}': expected 'provider/model', e.g. 'openai/gpt-4o-mini'"
        return _failure(error_envelope(message, 400, _extra_fields(request_type, None, model)))
    adapter = ADAPTERS.get(provider)
    if adapter is None:
        known = ", ".join(sorted(ADAPTERS))
        message = f"unknown provider '{provider}' in model '{model}' (known providers: {known})"
        return _failure(error_envelope(message, 400, _extra_fields(request_type, provider, name)))
    extra = _extra_fields(request_type, provider, name)
    route = adapter.routes.get(request_type)
    if route is None:
        message = f"{request_type} is not supported by the {provider} provider"
        detail = {"message": message, "code": "unsupported_operation"}
        return _failure(error_envelope(message, 400, extra, detail=detail))
    call = Call(request_type, provider, name, model, params, tuple(files))
    try:
        wire = route.build(call)

        async def provider_answer() -> WireResponse:
            if latency > 0:
                await asyncio.sleep(latency)
            return await dispatch.handle("POST", wire.path, wire.headers, wire.body, provider=adapter.name)

        try:
            response = await asyncio.wait_for(provider_answer(), timeout)
        except TimeoutError:
            detail = {"message": TIMEOUT_MESSAGE, "type": TIMEOUT_TYPE}
            return _failure(
                error_envelope(TIMEOUT_MESSAGE, TIMEOUT_STATUS, extra, is_bifrost_error=True, detail=detail)
            )
        if response.status != 200:
            fields = adapter.parse_error(response.status, response.body)
            return _failure(
                error_envelope("", response.status, extra, detail=fields.error, error_type=fields.type)
            )
        result = route.convert(call, response)
    except AdapterError as exc:
        return _failure(error_envelope(exc.message, exc.status, extra, is_bifrost_error=exc.is_bifrost_error))
    result["extra_fields"] = {**extra, "latency": round((time.monotonic() - started) * 1000)}
    return Outcome(200, result, None)
