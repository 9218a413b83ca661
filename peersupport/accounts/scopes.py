"""What each API token scope lets a token call, within its login's role.

A scope only ever narrows: the login's role still decides (the access policy,
`peersupport.accounts.policy`), and a scoped token of a role that may not do something gets the
role's 403 as before. Operations are named by method and path as the OpenAPI schema writes them
under /api/v1 (`/people/{employee_id}`).

- `full`: what the `api_token` command issues, the login's whole role.
- `referrals`: `POST /referrals` only (a reporting system's token; the signed intake at
  `/intake/safety-report` needs no token at all).
- `roster`: the people and supporters endpoints, the batch ones included (an HR feed).
- `read_only`: every GET the role may make, nothing that changes anything.

tests: peersupport/api/tests/test_token_scopes.py walks every operation of the schema with
each scope.
"""

import re

from peersupport.accounts.models import TokenScope

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFERRAL_OPERATIONS = frozenset({("POST", "/referrals")})
ROSTER_PATHS = re.compile(r"^/(people|supporters)/")

DESCRIPTIONS: dict[str, str] = {
    TokenScope.FULL: "everything its login's role may do",
    TokenScope.REFERRALS: "POST /api/v1/referrals only",
    TokenScope.ROSTER: "the people and supporters endpoints only (/api/v1/people/…, /api/v1/supporters/…)",
    TokenScope.READ_ONLY: "GET requests only",
}


def scope_allows(scope: str, method: str, path: str) -> bool:
    """Whether a token of `scope` may call `method path` (a path as in the schema, under /api/v1)."""
    method = method.upper()
    if scope == TokenScope.FULL:
        return True
    if scope == TokenScope.READ_ONLY:
        return method in READ_METHODS
    if scope == TokenScope.REFERRALS:
        return (method, path) in REFERRAL_OPERATIONS
    if scope == TokenScope.ROSTER:
        return bool(ROSTER_PATHS.match(path))
    return False


def refusal(scope: str, method: str, path: str) -> str:
    label = TokenScope(scope).label if scope in TokenScope.values else scope
    return (f"This API token's scope is “{label}”: it may call {DESCRIPTIONS.get(scope, 'nothing')}, "
            f"not {method.upper()} /api/v1{path}. Ask the program director for a token with the scope "
            "this call needs.")
