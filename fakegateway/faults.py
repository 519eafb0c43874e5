"""Fault switches: each one reproduces a single regression a real gateway could ship.

The registry maps a kebab-case name to a one-line description. Code paths ask `faults.on(name)`
right where the regression would sit; asking for a name that is not registered is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable

FAULTS: dict[str, str] = {
    # health
    "health-503": "/health answers 503 with the error envelope",
    # submit
    "submit-200": "submit answers 200 instead of 202",
    "id-not-uuid": "job ids are 32 hex digits without dashes, not UUIDs",
    "created-at-missing": "submit envelope lacks created_at",
    "created-at-stale": "created_at is an hour in the past",
    "expires-at-on-submit": "submit envelope already carries expires_at",
    "submit-not-pending": "submit envelope says processing instead of pending",
    "submit-500": "every submit answers 500 with the error envelope",
    "submit-waits-for-provider": "submit answers only once the job's provider call has finished",
    # lifecycle
    "pending-poll-200": "polls of pending/processing jobs answer 200 instead of 202",
    "terminal-poll-202": "polls of completed/failed jobs answer 202 instead of 200",
    "null-result": "a completed job has result null",
    "failed-status-code-zero": "a failed job has status_code 0 (so it is omitted)",
    "expires-before-completion": "expires_at is one second before completed_at",
    "completed-at-missing": "terminal envelopes lack completed_at",
    "job-stuck": "jobs never leave processing",
    "id-mismatch": "the poll envelope carries a different id than the one polled",
    "unknown-job-500": "polling an unknown id answers 500 instead of 404",
    "wrong-type-served": "the job type is not checked against the poll route",
    "empty-choices": "a completed chat job has an empty choices list",
    "status-backwards": "every second poll of a completed job answers 202 processing without terminal fields",
    "content-type-text": "poll JSON is served as text/plain",
    "cross-talk": "a poll of a completed job returns the latest completed job of that type",
    "rerank-unsorted": "rerank results are not sorted by relevance",
    "odd-id-500": "polling a non-UUID id answers 500 instead of 404",
    "request-id-ignored": "x-request-id is not echoed; a new request_id is generated",
    "request-id-shared": "without x-request-id, every job gets the same request_id (one per process)",
    # ttl
    "ttl-ignored": "the TTL header is ignored; the default TTL is used",
    "ttl-zero-honoured": 'TTL header "0" gives a TTL of 0 instead of 3600',
    "ttl-negative-honoured": "a negative TTL header is used as given",
    "ttl-invalid-rejected": "a non-numeric TTL header is rejected with 400",
    "ttl-minutes": "a positive TTL header is read as minutes",
    "expired-served": "expired jobs stay served: expiry is not enforced at read time, nor by the cleaner",
    # auth
    "unknown-key-accepted": "an unknown virtual key is accepted at submit and the job scoped to it",
    "cross-key-allowed": "a job scoped to one virtual key can be polled with another",
    "anonymous-poll-allowed": "a job scoped to a virtual key can be polled without a key",
    "unknown-key-poll-allowed": "a scoped job can be polled with an unknown virtual key",
    "public-job-hidden": "a public job polled with a virtual key answers 404",
    "bearer-poll-ignored": "Authorization: Bearer is read as a virtual key on submit but not on poll",
    "bearer-ignored": "Authorization: Bearer is never read as a virtual key",
    "x-api-key-ignored": "x-api-key is never read as a virtual key",
    "goog-key-ignored": "x-goog-api-key is never read as a virtual key",
    "api-key-ignored": "api-key is never read as a virtual key",
    "vk-prefix-case-sensitive": "the sk-bf- prefix check of the non-x-bf-vk key headers is case-sensitive",
    "enforce-gap": "enforcement on, but anonymous jobs are refused on chat completions only",
    "enforce-refuses-valid-keys": "enforcement on, and jobs with a valid virtual key fail 401 as well",
    # validation
    "stream-accepted": "stream:true (JSON) and stream=true (multipart) are accepted",
    "speech-stream-accepted": 'speech with stream_format "sse" is accepted',
    "malformed-json-accepted": "malformed JSON is accepted (202) and the job then fails",
    "missing-model-accepted": "a missing model is accepted and the job completes with a default model",
    "missing-file-accepted": "multipart submits without the file/image part are accepted",
    "missing-field-accepted": "required-field checks other than model are skipped",
    "wrong-method-200": "POST on a poll path answers 200",
    "error-envelope-missing": "4xx error bodies are plain text instead of the error envelope",
    "stream-before-validation": "the stream check runs before validation",
    "stream-rejected-everywhere": "stream:true is also rejected on embeddings, image variations, rerank, OCR",
    # integration routes
    "integration-create-202": "integration create with x-bf-async answers 202 instead of 200",
    "integration-unknown-200": "integration retrieve of an unknown id answers 200 with a stub",
    "integration-stream-accepted": "integration create accepts stream:true with x-bf-async",
    "integration-cross-key-allowed": "integration retrieve serves a job scoped to another virtual key",
    "integration-failed-200": "integration retrieve of a failed job answers 200",
    "integration-async-any-route": "x-bf-async is honoured on /openai/v1/chat/completions",
    "integration-type-unchecked": "integration retrieve serves a job of another type",
    "integration-jobs-separate": "async-route jobs are not retrievable on integration routes, and vice versa",
    "integration-completed-stub": "integration retrieve of a completed job answers the stub, not the result",
    "anthropic-openai-shape": "the Anthropic route answers create and retrieve in the OpenAI Responses shape",
    "integration-webhook-ignored": "integration creates ignore x-bf-async-webhook (no refusal, no notice)",
    # misbehaving transport
    "poll-hang": "polls never answer",
    "poll-html": "polls answer 200 text/html (the UI shell)",
    "poll-truncated": "poll JSON bodies are cut in half",
    "poll-reset": "polls close the connection without a response",
    # webhooks
    "webhook-missing": "no webhook notification is ever sent",
    "webhook-early": "notifications go out before the terminal write; result_url answers 202 for ~1 s",
    "webhook-duplicate": "every notification is sent twice, each with its own webhook-id",
    "webhook-unsigned": "notifications carry no webhook-signature header",
    "webhook-bad-signature": "the signature is keyed by the whole secret text, not its base64-decoded key",
    "webhook-timestamp-ms": "webhook-timestamp is in milliseconds instead of seconds",
    "webhook-fat-payload": "the job's response is inlined without include_response",
    "webhook-include-response-ignored": "include_response is ignored: the payload stays thin",
    "webhook-result-url-wrong": "result_url points at /v1/async/jobs/<id>, which does not serve the job",
    "webhook-wrong-event": "a failed job is notified as async_job.completed",
    "webhook-not-retried": "transport errors, 408, 429 and 5xx are not retried",
    "webhook-id-changes": "each retry carries a new webhook-id",
    "webhook-retry-on-404": "4xx answers such as 404 are retried",
    "webhook-rotation-ignored": "rotate-secret shows a new secret; deliveries stay signed with the old one",
    "webhook-unsubscribed-sent": "events an endpoint did not subscribe to are sent anyway",
    "webhook-broadcast": "jobs without x-bf-async-webhook notify every enabled endpoint",
    "webhook-unknown-name-accepted": "an unknown x-bf-async-webhook name is accepted at submit (202)",
    "webhook-disabled-accepted": "a disabled endpoint's name is accepted at submit (202)",
    "webhook-history-incomplete": "the deliveries history keeps only the latest attempt of a notification",
    "webhook-redacted-header-stored": "a full-replace PUT stores <REDACTED> literally as the header value",
    "webhook-redeliver-new-id": "redeliver sends a new webhook-id instead of the original one",
    "webhook-secret-exposed": "GET and list of endpoints show the signing secret",
    # webhooks: the /api/webhooks management API (issue 19)
    "webhook-create-200": "creating an endpoint answers 200 instead of 201",
    "webhook-header-values-shown": "create, GET and list show custom header values instead of <REDACTED>",
    "webhook-duplicate-name-accepted": "a second endpoint can take a name already in use (201, not 409)",
    "webhook-nameless-accepted": "an endpoint without a name gets a generated one (201, not 400)",
    "webhook-http-url-accepted": "a plain http:// URL is accepted without allow_private_network",
    "webhook-empty-events-accepted": "an endpoint with an empty events list is created (201, not 400)",
    "webhook-unknown-event-accepted": "an endpoint may subscribe to an event name Bifrost does not know",
    "webhook-reserved-header-accepted": "custom headers may set reserved names such as webhook-signature",
    "webhook-negative-knob-accepted": "a negative numeric knob (max_retries, ...) is taken without its sign",
    "webhook-list-totals-missing": "the endpoint list answers without count, total_count and limit",
    "webhook-list-search-ignored": "the endpoint list ignores ?search=",
    "webhook-list-event-filter-ignored": "the endpoint list ignores ?event=",
    "webhook-list-disabled-filter-ignored": "the endpoint list ignores ?disabled=",
    "webhook-list-paging-ignored": "the endpoint list ignores ?limit= and ?offset= (every match on one page)",
    "webhook-list-bad-paging-accepted": "a non-numeric ?limit= or ?offset= is taken as the default",
    "webhook-list-bad-disabled-accepted": "a ?disabled= value that is not true or false is ignored (200)",
    "webhook-list-bad-event-accepted": "an unknown ?event= lists nothing instead of answering 400",
    "webhook-knobs-shown-default": "endpoints are shown with their numeric knobs at the defaults",
    "webhook-put-merges": "PUT merges into the stored endpoint: fields it leaves out keep their old values",
    "webhook-delete-ignored": "DELETE answers 200 but the endpoint stays",
    "webhook-history-fields-missing": "deliveries history rows leave out request_id and expires_at",
    "webhook-history-total-missing": "the deliveries history answers pagination without total_count",
    "webhook-history-webhook-id-wrong": "deliveries history rows show their own row id as webhook_id",
    "webhook-redeliver-attempts-continue": "a redelivery numbers its attempts on from the last one",
    "webhook-redeliver-disabled-accepted": "redeliver to a disabled endpoint answers 202 instead of 400",
    "webhook-rotate-same-secret": "rotate-secret answers 200 with the current secret, unchanged",
    "webhook-test-fire-not-sent": "a test fire answers delivered (204) without calling the receiver",
    "webhook-test-fire-wrong-event": "a test fire always sends async_job.completed, whatever event was asked",
    "webhook-test-fire-unsubscribed-sent": "test fire of an event the endpoint did not subscribe to is sent",
    "webhook-test-fire-disabled-sent": "a test fire to a disabled endpoint is sent (200)",
    "webhook-test-fire-real-id": "the test-fire sample's job id is a bare UUID, without the test- prefix",
    "webhook-test-fire-request-type": "the test-fire sample claims request_type text_completion, not chat",
    "webhook-test-fire-status-code-wrong": "the test-fire sample of async_job.failed carries status_code 200",
    "webhook-counters-missing": "endpoints are shown without their read-only counters",
    "webhook-counters-writable": "a create or PUT body sets consecutive_failures",
    "webhook-counters-frozen": "consecutive_failures, last_failure_at and last_success_at never change",
    "webhook-disabled-endpoint-called": "an endpoint disabled after a failed attempt still gets its retries",
    "webhook-deleted-endpoint-called": "an endpoint deleted after a failed attempt still gets its retries",
}


class UnknownFaultError(ValueError):
    """A fault name that is not in the registry."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown fault {name!r} (python -m fakegateway faults lists them)")
        self.name = name


class Faults:
    """The set of switched-on faults of one gateway."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        active = frozenset(names)
        for name in sorted(active):
            if name not in FAULTS:
                raise UnknownFaultError(name)
        self.active = active

    def on(self, name: str) -> bool:
        if name not in FAULTS:
            # A typo at a call site would silently disable a fault forever; fail loudly instead.
            raise KeyError(f"fault {name!r} is not registered")
        return name in self.active

    def __repr__(self) -> str:
        return f"Faults({sorted(self.active)!r})"


def listing() -> str:
    """`name  description` lines, as `python -m fakegateway faults` prints them."""
    width = max(len(name) for name in FAULTS)
    return "\n".join(f"{name:<{width}}  {text}" for name, text in FAULTS.items())
