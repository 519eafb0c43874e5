"""Fault switches: each one reproduces a single regression a real gateway could ship.

The registry maps a kebab-case name to a one-line description. Code paths ask `faults.on(name)`
right where the regression would sit; asking for a name that is not registered is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable

FAULTS: dict[str, str] = {
    # health
    "health-503": "/health answers 503 with the error envelope",
    "health-not-ok": '/health answers 200 with status "healthy" instead of "ok"',
    # routes (contract §1): async routes Bifrost does not have
    "generic-jobs-api": "GET /v1/async/jobs/{id} serves any job and GET /v1/async/jobs lists jobs",
    "cancel-route": "DELETE on a poll path, and POST on <poll path>/cancel, cancel and delete the job",
    "extra-async-routes": "POST /v1/async/{batches,files,containers,videos,count_tokens} accepts a job (202)",
    # status matrix (contract §3) and error envelope (contract §4)
    "submit-error-status-swapped": "SubmitJob errors answer 500 where Bifrost answers 400, and 400 where 500",
    "submit-error-unprefixed": "responses' SubmitJob errors lack the 'Failed to create async job: ' prefix",
    "failed-poll-error-status": "a poll of a failed job answers the job's status_code instead of 200",
    "submit-get-405": "GET on a submit path answers 405 instead of the UI shell",
    "submit-any-method": "PUT, PATCH and DELETE on a submit path are handled as POST (202, a job)",
    "error-bifrost-true": "the error envelope says is_bifrost_error true",
    "error-status-code-500": "the error envelope says status_code 500 whatever the HTTP status",
    "error-content-type-text": "error envelopes are served as text/plain",
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
    # job envelope (issue 19, contract §2)
    "id-uuid-v1": "job ids are time-based UUIDs (version 1), not random version-4 UUIDs",
    "status-openai-words": "polls of in-flight jobs say queued / in_progress instead of pending / processing",
    "created-at-restamped": "polls report created_at as the time of the poll, not of the submit",
    "end-times-zone-shifted": "completed_at and expires_at are an hour early (local time labelled UTC)",
    "completed-at-in-flight": "pending and processing envelopes (the submit's too) carry completed_at",
    "expires-at-missing": "terminal envelopes lack expires_at",
    "expires-at-on-submit-with-ttl": "a submit with a TTL header carries expires_at (created_at + TTL)",
    "status-code-in-flight": "pending and processing envelopes (the submit's too) carry status_code 202",
    "completed-status-code-zero": "a completed job has status_code 0 (so it is omitted)",
    "result-raw-text": "a completed job's result is the stored response's JSON text, not an object",
    "result-on-failed": "a failed job carries an empty result object",
    "failed-error-flat": "a failed job's error is its message as a plain string, not the BifrostError object",
    "error-on-completed": "a completed job carries an error object as well",
    "stored-fields-leak": "envelopes carry the stored-only fields request_type and result_ttl",
    # ttl
    "ttl-ignored": "the TTL header is ignored; the default TTL is used",
    "ttl-zero-honoured": 'TTL header "0" gives a TTL of 0 instead of 3600',
    "ttl-negative-honoured": "a negative TTL header is used as given",
    "ttl-invalid-rejected": "a non-numeric TTL header is rejected with 400",
    "ttl-minutes": "a positive TTL header is read as minutes",
    "expired-served": "expired jobs stay served: expiry is not enforced at read time, nor by the cleaner",
    # storage, TTL and retrieval (issue 19, contract §6)
    "ttl-default-ignored": "the configured default TTL is ignored: without a valid TTL header, 24 h",
    "ttl-from-submit": "expires_at is created_at + TTL: the TTL counts from submit, not from completion",
    "failed-ttl-ignored": "a failed job's expires_at is completed_at + 3600, whatever its TTL",
    "key-looked-up-after-webhook": "submit resolves x-bf-async-webhook before it looks up the virtual key",
    "not-found-raw-db-error": "an unknown or expired job answers 404 'record not found' (the raw DB error)",
    "type-mismatch-as-not-found": "a job on another type's poll path answers 404 'job not found or expired'",
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
    # auth: virtual-key scoping, one fault per behaviour of contract §7 and §6's key checks (VK-*)
    "vk-required-message-hidden": "a scoped job polled without a key answers 404 'job not found or expired'",
    "vk-unknown-message-mismatch": "a scoped job polled with an unknown key: 404 'virtual key mismatch'",
    "vk-mismatch-message-not-found": "a scoped job polled with another key: 404 'virtual key not found'",
    "vk-checked-before-job-lookup": "an unknown job id polled with an unknown key: 'virtual key not found'",
    "type-checked-before-vk": "polls check the job's request type before the virtual-key checks",
    "x-bf-vk-prefix-required": "x-bf-vk is read as a virtual key only with the sk-bf- prefix",
    "unprefixed-bearer-is-a-key": "a Bearer value without the sk-bf- prefix is read as a virtual key",
    "unprefixed-x-api-key-is-a-key": "an x-api-key value without the sk-bf- prefix is read as a virtual key",
    "unprefixed-goog-key-is-a-key": "x-goog-api-key without the sk-bf- prefix is read as a virtual key",
    "unprefixed-api-key-is-a-key": "an api-key value without the sk-bf- prefix is read as a virtual key",
    "unknown-key-submit-500": "a submit with an unknown virtual key answers 500 on every endpoint",
    "unknown-key-submit-400": "a submit with an unknown virtual key answers 400 on every endpoint",
    "unknown-key-message-generic": "the unknown-key refusal says 'failed to create async job', not the cause",
    "responses-key-error-unprefixed": "responses' unknown-key refusal drops 'Failed to create async job: '",
    "own-key-refused": "a scoped job polled with its own key answers 404 'virtual key mismatch'",
    "key-scoped-by-header": "a job is scoped to its key and header: the key in another header mismatches",
    "public-job-needs-key": "a public job polled without a key answers 404 'virtual key is required'",
    "public-job-unknown-key-refused": "a public job polled with an unknown key: 404 'virtual key not found'",
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
    "submit-before-validation": "the virtual-key and webhook lookups run before the body checks",
    "refused-submit-creates-job": "a submit refused by validation (400) still creates the job, which runs",
    "malformed-json-message-raw": "malformed JSON is refused with the JSON decoder's own error text",
    "model-format-message-wrong": 'a JSON model without provider/ is refused with "model is required"',
    "multipart-parse-error-hidden": 'a non-multipart transcription body is refused with "file is required"',
    "field-message-wrong": "embeddings without input are refused with the responses endpoint's message",
    "stream-message-wrong": "image generations with stream true get the integration routes' message",
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
    "integration-alias-sync": "x-bf-async is refused on /openai/responses and /openai/openai/responses",
    "integration-messages-subpath-sync": "x-bf-async is refused on /anthropic/v1/messages/<sub-path>",
    "integration-prefixes-sync": "x-bf-async is refused under /litellm, /langchain and /pydanticai",
    "integration-async-true-only": "only x-bf-async: true creates a job; other values run synchronously",
    "integration-async-before-body": "x-bf-async acts before body parsing: a malformed body makes a job",
    "integration-unknown-key-accepted": "an integration create with an unknown key makes a public job",
    "integration-stub-bare": "the OpenAI in-flight answer lacks object: response (only id, status)",
    "integration-openai-statuses": "the OpenAI in-flight answer says queued/in_progress",
    "integration-create-foreign-id": "the create answer's id is a fresh UUID, not the job id",
    "integration-inflight-id-prefixed": "an in-flight retrieve's id is resp_<job id> or msg_<job id>",
    "integration-retrieve-needs-body": "integration retrieves parse the body: empty or non-JSON gets 400",
    "integration-get-retrieve": "GET on an integration route with x-bf-async-id serves the job",
    "integration-expired-served": "integration retrieves serve jobs whose result TTL has passed",
    "integration-anonymous-retrieve-allowed": "an integration retrieve without a key serves a key-scoped job",
    "integration-unknown-key-retrieve-allowed": "an unknown key may retrieve a scoped integration job",
    "integration-retrieve-key-ignored": "integration retrieves ignore the key: 404 to the job's own key",
    "integration-public-job-hidden": "an integration retrieve of a public job with a virtual key answers 404",
    "integration-key-formats-ignored": "integration creates read a virtual key from x-bf-vk only",
    "integration-404-names-cause": "integration retrieve 404s name the cause (virtual key mismatch, ...)",
    "integration-completed-job-id": "a completed integration retrieve carries the job id, not the provider's",
    "integration-failed-generic-error": "a failed integration retrieve answers a generic error",
    "integration-anthropic-error-raw": "a failed Anthropic-route retrieve answers Bifrost's error JSON",
    "integration-ttl-ignored": "integration creates ignore x-bf-async-job-result-ttl",
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
    # webhooks: opt-in, delivery headers, signing, payload and retries (issue 19, WH-01..WH-49)
    "webhook-poll-header-read": "polls read x-bf-async-webhook: unknown names 400, known ones notified",
    "webhook-content-type-text": "notifications are sent with Content-Type: text/plain",
    "webhook-user-agent-default": "notifications carry Go's default User-Agent, Go-http-client/1.1",
    "webhook-id-shared": "every notification to an endpoint carries the endpoint id as webhook-id",
    "webhook-event-header-missing": "notifications carry no X-Bifrost-Event header",
    "webhook-custom-headers-dropped": "job notifications leave out the endpoint's custom headers",
    "webhook-reserved-header-override": "only webhook-* names are reserved; other custom headers win",
    "webhook-signs-body-only": "the signature covers the raw body only, not id.timestamp.body",
    "webhook-created-at-unix": "the notification's created_at is Unix seconds, not an RFC 3339 time",
    "webhook-status-stale": "data.status says processing, as when the job was picked up",
    "webhook-status-code-missing": "a failed job's notification has no data.status_code",
    "webhook-expires-at-wrong": "data.result_expires_at is the job's completed_at (the TTL left out)",
    "webhook-result-url-absolute": "result_url is an absolute URL on the gateway's origin",
    "webhook-error-not-inlined": "include_response inlines a response but never a failed job's error",
    "webhook-payload-cap-ignored": "include_response inlines responses of any size (no response_omitted)",
    "webhook-expired-body-full": "attempts after the job expired still carry the full body",
    "webhook-2xx-not-delivered": "only 200 and 204 count as delivered; other 2xx answers are retried",
    "webhook-408-429-final": "408 and 429 answers are permanent failures, not retried",
    "webhook-transport-error-final": "transport errors (no HTTP answer) are permanent failures, not retried",
    "webhook-retries-past-max": "one attempt more than max_retries allows before exhausted",
    "webhook-retry-on-3xx": "3xx answers are retried",
    "webhook-endpoint-state-ignored": "retries go to the endpoint as enqueued, even once disabled or deleted",
    "webhook-unsubscribed-refused": "naming an endpoint not subscribed to completed jobs is refused (400)",
    "webhook-history-incomplete": "the deliveries history keeps only the latest attempt of a notification",
    "webhook-redacted-header-stored": "a full-replace PUT stores <REDACTED> literally as the header value",
    "webhook-redeliver-new-id": "redeliver sends a new webhook-id instead of the original one",
    "webhook-secret-exposed": "GET and list of endpoints show the signing secret",
    # capabilities that disappear (issue 21: BIFROST_EXPECT makes the suite fail on each)
    "webhooks-api-missing": "/api/webhooks is not served (404 Route not found), as on builds before webhooks",
    "request-id-missing": "job envelopes carry no request_id, as on older builds",
    "rerank-ocr-missing": "/v1/async/rerank and /v1/async/ocr are not served (builds with 9 async routes)",
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
