"""examples/bifrost: the Bifrost config kit, checked against the facts in bifrost-config-notes.md (Part A).

The allowed-key sets below are those of Bifrost's config schema as the notes record them
(schema 003ecc6a). Where the notes list only some of an object's keys (`client`, `framework`),
the set is what the notes name, so the kit uses nothing the notes do not vouch for.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fakegateway.providers import datasheet, dispatch

KIT = Path(__file__).resolve().parent.parent / "examples" / "bifrost"
PROVIDERS = ("openai", "anthropic", "cohere", "mistral")
FAKE_ORIGIN = "http://127.0.0.1:9999"


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A2
TOP_LEVEL = _names(
    """
    $schema server version source_of_truth encryption_key env_label auth_config client framework
    providers governance alerting webhooks mcp vector_store config_store logs_store skills_registry
    plugins websocket guardrails_config audit_logs cluster_config load_balancer_config
    large_payload_optimization scim_config access_profiles feature_flags circuit_breaker_config
    """
)
# A3
PROVIDER = _names(
    """
    keys network_config concurrency_and_buffer_size proxy_config send_back_raw_request
    send_back_raw_response store_raw_request_response custom_provider_config
    """
)
NETWORK_CONFIG = _names(
    """
    base_url extra_headers default_request_timeout_in_seconds max_retries retry_backoff_initial
    retry_backoff_max enforce_http2 insecure_skip_verify ca_cert_pem stream_idle_timeout_in_seconds
    keep_alive_timeout_in_seconds max_conns_per_host beta_header_overrides allow_private_network
    """
)
# A4 (the keys the notes name; the schema also has some mcp_* keys the kit does not use)
CLIENT = _names(
    """
    async_job_result_ttl enable_logging disable_content_logging enforce_auth_on_inference
    required_headers logging_headers allowed_origins allowed_headers whitelisted_routes
    max_request_body_size_mb initial_pool_size drop_excess_requests log_retention_days allow_direct_keys
    header_filter_config compat webhook_config dual_credential_conflict_behavior mcp_server_auth_mode
    """
)
# A5
CONFIG_STORE = _names("enabled type config vault_store")
LOGS_STORE = _names("enabled type config writer object_storage object_storage_exclude_fields retention_days")
SQLITE_CONFIG = _names("path")
# A6
GOVERNANCE = _names(
    """
    budgets rate_limits customers teams business_units roles virtual_keys routing_rules
    pricing_overrides auth_config complexity_analyzer_config model_configs providers
    """
)
VIRTUAL_KEY = _names(
    """
    id name description value is_active expires_at calendar_aligned team_id customer_id
    access_profile_id rate_limit_id provider_configs mcp_configs
    """
)
VK_PROVIDER_CONFIG = _names(
    "id virtual_key_id provider weight allowed_models blacklisted_models rate_limit_id key_ids"
)
# A7
WEBHOOK = _names(
    """
    id name url secret events headers include_response allow_private_network disabled max_retries
    retry_backoff_initial_seconds retry_backoff_max_seconds attempt_timeout_seconds
    max_response_payload_kbs max_concurrent_deliveries
    """
)
WEBHOOK_EVENTS = _names("async_job.completed async_job.failed")
# A8
FRAMEWORK = _names("pricing")
PRICING = _names(
    "pricing_url pricing_sync_interval model_parameters_url mcp_library_url mcp_library_sync_interval"
)
RELATIVE_FILE_URL = re.compile(r"^file:(//)?\./[\w.-]+\.json$")


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    loaded = json.loads((KIT / "config.json").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _keys_within(obj: Any, allowed: frozenset[str], where: str) -> None:
    assert isinstance(obj, dict), f"{where} must be an object"
    unknown = set(obj) - allowed
    assert not unknown, f"{where} has keys the schema rejects: {sorted(unknown)}"


def _required(obj: dict[str, Any], names: tuple[str, ...], where: str) -> None:
    missing = [name for name in names if name not in obj]
    assert not missing, f"{where} lacks required {missing}"


def test_top_level_keys(config: dict[str, Any]) -> None:
    _keys_within(config, TOP_LEVEL, "config")
    assert config["$schema"] == "https://www.getbifrost.ai/schema"
    assert config.get("version", 2) == 2  # "*" allow-lists below assume version 2 semantics


def test_client(config: dict[str, Any]) -> None:
    client = config["client"]
    _keys_within(client, CLIENT, "client")
    ttl = client["async_job_result_ttl"]
    assert isinstance(ttl, int) and not isinstance(ttl, bool) and ttl >= 1
    assert "enable_governance" not in client


@pytest.mark.parametrize("store", ["config_store", "logs_store"])
def test_sqlite_stores_with_relative_paths(config: dict[str, Any], store: str) -> None:
    section = config[store]
    _keys_within(section, CONFIG_STORE if store == "config_store" else LOGS_STORE, store)
    assert section["enabled"] is True and section["type"] == "sqlite"
    _keys_within(section["config"], SQLITE_CONFIG, f"{store}.config")
    _required(section["config"], ("path",), f"{store}.config")
    path = section["config"]["path"]
    assert isinstance(path, str) and path.startswith("./") and path.endswith(".db")


def test_providers(config: dict[str, Any]) -> None:
    assert set(config["providers"]) == set(PROVIDERS)
    for name, provider in config["providers"].items():
        _keys_within(provider, PROVIDER, f"providers.{name}")
        _required(provider, ("keys",), f"providers.{name}")
        assert len(provider["keys"]) >= 1
        for key in provider["keys"]:
            _required(key, ("name", "weight", "value"), f"providers.{name}.keys[]")
            assert isinstance(key["weight"], (int, float)) and key["weight"] >= 0
            assert key["models"] == ["*"], "under version 2 an empty models list denies all"
            assert isinstance(key["value"], str) and key["value"]
        network = provider["network_config"]
        _keys_within(network, NETWORK_CONFIG, f"providers.{name}.network_config")
        assert network["max_retries"] == 0


def test_base_urls_are_the_fake_origin_without_v1(config: dict[str, Any]) -> None:
    for name, provider in config["providers"].items():
        base_url = provider["network_config"]["base_url"]
        parts = urlsplit(base_url)
        assert f"{parts.scheme}://{parts.netloc}" == FAKE_ORIGIN, name
        # The origin itself, or the providers server's prefix for this provider; Bifrost appends /v1.
        assert parts.path.rstrip("/") in ("", f"/{name}"), (
            f"{name}: Bifrost appends /v1 itself, got {base_url}"
        )
        assert not base_url.rstrip("/").endswith("/v1")


def test_mistral_reaches_the_fake_mistral_on_the_paths_it_shares_with_openai(config: dict[str, Any]) -> None:
    # Bifrost joins base_url and its default path; the providers server answers that path as Mistral.
    base_url = config["providers"]["mistral"]["network_config"]["base_url"].rstrip("/")
    path = urlsplit(base_url).path
    for shared in ("/v1/chat/completions", "/v1/embeddings", "/v1/audio/transcriptions"):
        assert dispatch.split_provider(path + shared) == ("mistral", shared)
    assert dispatch.split_provider(path + "/v1/ocr") == ("mistral", "/v1/ocr")


def test_key_names_are_unique_across_providers(config: dict[str, Any]) -> None:
    names = [key["name"] for provider in config["providers"].values() for key in provider["keys"]]
    assert len(names) == len(set(names)), f"duplicate key names: {names}"


def test_virtual_keys(config: dict[str, Any]) -> None:
    governance = config["governance"]
    _keys_within(governance, GOVERNANCE, "governance")
    keys = governance["virtual_keys"]
    assert len(keys) == 2
    for vk in keys:
        _keys_within(vk, VIRTUAL_KEY, f"virtual key {vk.get('name')}")
        _required(vk, ("id", "name"), "virtual key")
        assert vk["value"].startswith("sk-bf-") and len(vk["value"]) > len("sk-bf-")
        configs = vk["provider_configs"]
        assert sorted(entry["provider"] for entry in configs) == sorted(PROVIDERS)
        for entry in configs:
            _keys_within(entry, VK_PROVIDER_CONFIG, "provider_configs[]")
            assert entry["key_ids"] == ["*"] and entry["allowed_models"] == ["*"]
    for field in ("id", "name", "value"):
        values = [vk[field] for vk in keys]
        assert len(set(values)) == len(values), f"virtual key {field}s must be unique"


def test_webhook_entry(config: dict[str, Any]) -> None:
    for hook in config["webhooks"]:
        _keys_within(hook, WEBHOOK, "webhooks[]")
        _required(hook, ("name", "url", "events"), "webhooks[]")
        assert set(hook["events"]) <= WEBHOOK_EVENTS and hook["events"]
        url = urlsplit(hook["url"])
        assert url.hostname == "127.0.0.1"
        if url.scheme == "http":
            assert hook["allow_private_network"] is True
        secret = hook["secret"]
        assert secret.startswith("whsec_") and base64.b64decode(secret.removeprefix("whsec_"), validate=True)


def test_pricing_points_at_relative_files_that_parse(config: dict[str, Any]) -> None:
    _keys_within(config["framework"], FRAMEWORK, "framework")
    pricing = config["framework"]["pricing"]
    _keys_within(pricing, PRICING, "framework.pricing")
    expected = {
        "pricing_url": datasheet.pricing(),
        "model_parameters_url": datasheet.model_parameters(),
        "mcp_library_url": datasheet.mcp_library(),
    }
    assert {"pricing_url", "model_parameters_url"} <= set(pricing)
    for field, url in pricing.items():
        if not field.endswith("_url"):
            continue
        assert RELATIVE_FILE_URL.match(url), f"{field} must be a relative file: URL, got {url}"
        path = KIT / url.split("./", 1)[1]
        assert path.is_file(), f"{field} points at a missing file {path.name}"
        # The shipped file and the server's /datasheet answer are the same document.
        assert json.loads(path.read_text()) == expected[field]


def test_pricing_covers_the_default_models() -> None:
    pricing = json.loads((KIT / "pricing.json").read_text())
    for model in ("openai/gpt-4o-mini", "cohere/rerank-english-v3.0", "mistral/mistral-ocr-latest"):
        assert pricing[model]["provider"] == model.split("/")[0]


def test_no_absolute_paths(config: dict[str, Any]) -> None:
    text = (KIT / "config.json").read_text()
    assert "file:///" not in text
    assert not re.search(r'"/(?!/)', text), "absolute filesystem path in config.json"


def test_readme_matches_the_config(config: dict[str, Any]) -> None:
    readme = (KIT / "README.md").read_text()
    assert readme.startswith("# Against a real Bifrost, offline")
    exported = dict(re.findall(r"export (BIFROST_(?:ALT_)?VK)=(\S+)", readme))
    values = [vk["value"] for vk in config["governance"]["virtual_keys"]]
    assert exported == {"BIFROST_VK": values[0], "BIFROST_ALT_VK": values[1]}
    ttl = re.search(r"export BIFROST_DEFAULT_TTL=(\d+)", readme)
    assert ttl is not None and int(ttl.group(1)) == config["client"]["async_job_result_ttl"]
    assert "python -m fakegateway providers --host 127.0.0.1 --port 9999" in readme
    for path in ("/datasheet", "/datasheet/model-parameters"):
        assert f"{FAKE_ORIGIN}{path}" in readme
    assert "cannot run Bifrost" in readme
