"""Governance inside the inference call (contract §7, "Enforce-auth on").

With `client.enforce_auth_on_inference` on, Bifrost's async handlers still accept an anonymous
submit (202): the refusal comes from the governance plugin inside the background inference call,
so the job fails with status_code 401 and a `virtual_key_required` error. A synchronous call
(an integration route without `x-bf-async`) gets the same error as its answer. Unknown keys never
get this far: the async submit refuses them, and the synchronous path refuses them itself.
"""

from __future__ import annotations

from typing import Any

from fakegateway import contract
from fakegateway.faults import Faults
from fakegateway.providers import Outcome

# The one route `enforce-gap` leaves enforced (enforcement wired on chat completions only).
_GAP_ENFORCED_TYPE = "chat_completion"


def _refusal(request_type: str, model: str) -> Outcome:
    extra: dict[str, Any] = {"request_type": request_type}
    provider, slash, name = model.partition("/")
    if slash and provider and name:
        extra.update(provider=provider, original_model_requested=name)
    error = {
        "type": contract.VK_REQUIRED_TYPE,
        "is_bifrost_error": False,
        "status_code": contract.VK_REQUIRED_STATUS,
        "error": {"message": contract.VK_REQUIRED_MESSAGE},
        "extra_fields": extra,
    }
    return Outcome(contract.VK_REQUIRED_STATUS, None, error)


class Governance:
    """Whether inference calls need a virtual key, and the refusal when one is missing."""

    def __init__(self, enforce: bool, faults: Faults) -> None:
        self._faults = faults
        # The two enforcement faults switch enforcement on by themselves (the fault matrix starts a
        # gateway with nothing but --fault NAME).
        self.enforcing = enforce or faults.on("enforce-gap") or faults.on("enforce-refuses-valid-keys")

    def refusal(self, request_type: str, model: str, virtual_key_id: str | None) -> Outcome | None:
        """The governance error for this call, or None when it may go on to the provider.

        `virtual_key_id` is the id of a known key, or None for an anonymous call.
        """
        if not self.enforcing:
            return None
        faults = self._faults
        if virtual_key_id is None:
            if request_type != _GAP_ENFORCED_TYPE and faults.on("enforce-gap"):
                return None
            return _refusal(request_type, model)
        if faults.on("enforce-refuses-valid-keys"):
            return _refusal(request_type, model)
        return None
