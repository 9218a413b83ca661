"""The test provider in a second process, and the fixtures that point the product at it.

`oidc_provider` (once per test session, per xdist worker) makes an RS256 key, picks a free
loopback port, starts `serve.py` there and waits for its discovery document. `sso_on` points the
product's settings at it for one test. The identities below are the provider's users; a test
makes the product's logins that they should (or should not) match.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_DIR = Path(__file__).resolve().parents[4]
PASSWORD = "provider-pass-2026"
CLIENT_ID = "peersupport-test"
CLIENT_SECRET = "peersupport-test-secret-0123456789"
# The product's callback, as the test client (testserver) and a live server on loopback (any
# port: the toolkit follows RFC 8252 for loopback addresses, and localhost is allowed the same) reach it.
REDIRECT_URIS = ["http://testserver/accounts/sso/callback/", "http://127.0.0.1/accounts/sso/callback/",
                 "http://localhost/accounts/sso/callback/"]
TRUSTED_ACR = "urn:example:loa:mfa"

# username -> what the provider asserts about them.
IDENTITIES: dict[str, dict[str, Any]] = {
    # The director, by email, with a second factor in `amr`.
    "dana": {"email": "dana.reyes@riverside.example", "claims": {"employee_id": "E9001", "amr": ["pwd", "mfa"]}},
    # The same person with a password only.
    "dana-pwd": {"email": "dana.reyes@riverside.example", "claims": {"employee_id": "E9001", "amr": ["pwd"]}},
    # An administrator whose provider asserts a level of assurance (`acr`), not `amr`.
    "omar": {"email": "omar.admin@riverside.example", "claims": {"acr": TRUSTED_ACR}},
    # An administrator with a level the settings do not trust.
    "omar-low": {"email": "omar.admin@riverside.example", "claims": {"acr": "urn:example:loa:1"}},
    # A supporter whose email at the provider is not their login's: matched by employee id.
    "eli": {"email": "eli.k@mail.riverside.example", "claims": {"employee_id": "E9003", "amr": "pwd"}},
    # Someone the program has no login for.
    "stranger": {"email": "stranger@riverside.example", "claims": {"employee_id": "E0404"}},
    # An address the provider has not verified.
    "unverified": {"email": "dana.reyes@riverside.example", "claims": {"email_verified": False}},
}


@dataclass
class Provider:
    url: str
    issuer: str
    process: subprocess.Popen[bytes]
    log: Path
    identities: dict[str, dict[str, Any]] = field(default_factory=lambda: IDENTITIES)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="session")
def oidc_provider():
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    log = workdir / "provider.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peersupport.accounts.tests.oidc_provider.settings",
        "PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": _rsa_key_pem(),
        "PROVIDER_ISSUER": f"{url}/o",
        "PROVIDER_IDENTITIES": json.dumps({name: {**identity, "password": PASSWORD}
                                           for name, identity in IDENTITIES.items()}),
        "PROVIDER_CLIENT": json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                       "redirect_uris": REDIRECT_URIS}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "peersupport.accounts.tests.oidc_provider.serve", str(port)],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    provider = Provider(url=url, issuer=f"{url}/o", process=process, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"The test identity provider stopped:\n{provider.log_text()}")
            try:
                if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"The test identity provider did not start in 60 s:\n{provider.log_text()}")
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sso_on(settings, oidc_provider):
    """The product's single sign-on pointed at the test provider (discovery by its issuer)."""
    from peersupport.accounts import sso

    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_PROVIDER_NAME = "Riverside Health ID"
    settings.OIDC_EMPLOYEE_ID_CLAIM = "employee_id"
    settings.OIDC_MFA_AMR_VALUES = ["mfa", "otp", "hwk"]
    settings.OIDC_MFA_ACR_VALUES = [TRUSTED_ACR]
    sso.forget_discovery()
    yield oidc_provider
    sso.forget_discovery()


def sign_in_at_provider(authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """What a browser does at the provider, over plain HTTP: follow the product's redirect to the
    provider's sign-in page, sign in there, and return where the provider sends the browser back
    (the product's callback with a code and the state)."""
    import html
    import re
    from urllib.parse import urljoin

    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(authorize_url, answer.headers["Location"])
    page = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    next_url = re.search(r'name="next" value="([^"]*)"', page.text)
    assert token and next_url, page.text[:500]
    signed_in = browser.post(login_url, data={"csrfmiddlewaretoken": token[1], "username": username,
                                              "password": password, "next": html.unescape(next_url[1])},
                             allow_redirects=False, timeout=10)
    assert signed_in.status_code == 302, f"The provider refused {username}: {signed_in.text[:500]}"
    back = browser.get(urljoin(login_url, signed_in.headers["Location"]), allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:500]
    return str(back.headers["Location"])
