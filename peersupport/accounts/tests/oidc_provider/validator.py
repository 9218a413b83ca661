"""The claims the test provider puts in its ID tokens and user info: each identity's own (email,
employee id, `amr`, `acr`), as `process.py` describes them."""

import json
import os
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


def identities() -> dict[str, dict[str, Any]]:
    return json.loads(os.environ["PROVIDER_IDENTITIES"])


class ClaimsValidator(OAuth2Validator):
    # Claims the toolkit does not know are given only with a scope that names them.
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "employee_id": "profile",
        "amr": "openid",
        "acr": "openid",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        identity = identities().get(request.user.username, {})
        return {"email": request.user.email, **identity.get("claims", {})}
