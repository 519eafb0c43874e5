"""Robot variables from the environment (upstream's names and defaults, plus this suite's own).

Bad values are not raised here (Robot would ignore the exception and run every test): they are
listed in CONFIG_ERRORS and the top suite setup stops the run with Fatal Error. Key values are
never exported; only whether each key is set.
"""

from __future__ import annotations

from typing import Any

from libraries.config import MODEL_VARIABLES, load_config
from libraries.webhooks import load_webhook_config


def get_variables() -> dict[str, Any]:
    cfg = load_config()
    variables: dict[str, Any] = {
        "BIFROST_BASE_URL": cfg.base_url,
        "BIFROST_VK_SET": cfg.vk_set,
        "BIFROST_ALT_VK_SET": cfg.alt_vk_set,
        "BIFROST_SETUP_TOKEN_SET": cfg.setup_token_set,
        "BIFROST_POLL_TIMEOUT": cfg.poll_timeout,
        "BIFROST_POLL_INTERVAL": cfg.poll_interval,
        "BIFROST_HTTP_TIMEOUT": cfg.http_timeout,
        "BIFROST_DEFAULT_TTL": cfg.default_ttl,
        "BIFROST_REQUIRE_GATEWAY": cfg.require_gateway,
        "BIFROST_INTEGRATION_PATH": cfg.integration_path,
        "BIFROST_INTEGRATION_MODEL": cfg.integration_model,
        "BIFROST_ANTHROPIC_PATH": cfg.anthropic_path,
        "BIFROST_ANTHROPIC_MODEL": cfg.anthropic_model,
        "ASYNC_OCR_IMAGE_URL": cfg.ocr_image_url,
        "ASYNC_ENDPOINTS": list(cfg.endpoints),
        "ASYNC_EXPIRY_TTL": cfg.expiry_ttl,
        "ASYNC_FAILING_MODEL": cfg.failing_model,
        "ASYNC_FAILING_STATUS": cfg.failing_status,
        "ASYNC_SLOW_MODEL": cfg.slow_model,
        "CONFIG_ERRORS": list(cfg.errors),
        # A safety net above the suite's own bounds: the longest wait a test can legitimately have.
        "TEST_TIMEOUT": f"{_test_timeout(cfg.poll_timeout, cfg.http_timeout, cfg.expiry_ttl):.0f} seconds",
    }
    for endpoint, (name, _default) in MODEL_VARIABLES.items():
        variables[name] = cfg.model(endpoint)
    variables.update(_webhook_variables())
    return variables


def _webhook_variables() -> dict[str, Any]:
    """The webhook suite's settings; the secret and the admin token only as set or not."""
    hooks = load_webhook_config()
    return {
        "BIFROST_WEBHOOK_LISTEN": f"{hooks.listen_host}:{hooks.listen_port}",
        "BIFROST_WEBHOOK_URL": hooks.public_url,
        "BIFROST_WEBHOOK_NAME": hooks.endpoint_name,
        "BIFROST_WEBHOOK_SECRET_SET": hooks.secret_set,
        "BIFROST_ADMIN_TOKEN_SET": hooks.admin_token_set,
        "BIFROST_WEBHOOK_QUIET": hooks.quiet,
    }


def _test_timeout(poll_timeout: float, http_timeout: float, expiry_ttl: int) -> float:
    return 2 * poll_timeout + expiry_ttl + 10 + 8 * http_timeout + 60
