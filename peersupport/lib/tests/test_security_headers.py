"""The browser-side defenses: a Content-Security-Policy with a fresh nonce on every answer, the
deployment headers, and templates that need nothing the policy forbids."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from peersupport.accounts.models import ApiToken
from peersupport.front.tests.helpers import assign, refer
from peersupport.testing.factories import make_person

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "peersupport"
STATIC_JS = Path(settings.BASE_DIR) / "peersupport" / "static" / "js"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def world(director, supporter_a, referrer):
    peer = make_person(name="Pat Peer", department="Emergency")
    case = assign(director, refer(referrer, peer).cases.get(), supporter_a)
    return {"case": case, "peer": peer}


def pages(world) -> list[str]:
    return [
        reverse("queue"),
        reverse("cases"),
        reverse("case", args=[world["case"].pk]),
        reverse("overview"),
        reverse("roster"),
        reverse("referral-new"),
        reverse("my-data"),
        reverse("resources"),
        reverse("program-settings"),
        "/no/such/page/",
    ]


def test_every_page_sends_a_strict_content_security_policy(client, director, world):
    client.force_login(director)
    for url in pages(world):
        directives = policy(client.get(url))
        assert directives["default-src"] == ["'self'"], url
        assert directives["script-src"][0] == "'self'" and directives["script-src"][1].startswith("'nonce-")
        assert directives["style-src"] == ["'self'"], url
        assert directives["img-src"] == ["'self'", "data:"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        allowed = " ".join(source for sources in directives.values() for source in sources)
        assert "unsafe-inline" not in allowed and "unsafe-eval" not in allowed and "*" not in allowed


def test_each_answer_has_a_fresh_nonce_and_the_scripts_carry_it(client, director):
    client.force_login(director)
    first, second = client.get(reverse("queue")), client.get(reverse("queue"))
    nonces = [policy(r)["script-src"][1].removeprefix("'nonce-").removesuffix("'") for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22
    html = first.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonces[0]}"' in tag and "src=" in tag for tag in scripts)


def test_the_signed_out_login_page_and_api_answers_carry_the_policy_too(client, integration):
    assert "frame-ancestors 'none'" in client.get(reverse("login"))["Content-Security-Policy"]
    key = ApiToken.issue(integration)[1]
    answer = client.get("/api/v1/resources", headers={"Authorization": f"Bearer {key}"})
    assert "default-src 'self'" in answer["Content-Security-Policy"]


def test_htmx_is_told_to_use_no_eval_no_inline_scripts_or_styles_and_no_history_copy(client, director):
    client.force_login(director)
    html = client.get(reverse("referral-new")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert meta is not None
    import json

    config = json.loads(meta.group(1))
    assert config == {"allowEval": False, "allowScriptTags": False, "includeIndicatorStyles": False,
                      "historyCacheSize": 0}


def _templates() -> list[Path]:
    return [p for p in TEMPLATE_ROOT.rglob("templates/**/*.html")]


def test_no_template_has_inline_script_style_or_event_handlers():
    """Inline code would be refused by the policy: pages would silently break."""
    offences = []
    for path in _templates():
        text = path.read_text()
        for pattern, what in (
            (r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
            (r"<style\b", "<style> element"),
            (r"\sstyle=", "style attribute"),
            (r"\son[a-z]+\s*=", "inline event handler"),
            (r"\shx-on", "hx-on (needs eval)"),
            (r"javascript:", "javascript: URL"),
            (r"hx-(vals|headers)=['\"]js:", "htmx js: expression"),
        ):
            if re.search(pattern, text, flags=re.IGNORECASE):
                offences.append(f"{path.relative_to(TEMPLATE_ROOT)}: {what}")
    assert _templates() and offences == []


def test_every_script_tag_in_a_template_carries_the_request_nonce():
    for path in _templates():
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            assert 'nonce="{{ request.csp_nonce }}"' in tag, f"{path}: {tag}"


def test_chip_removal_is_wired_in_the_static_script_not_inline(client, referrer):
    peer = make_person(name="Casey Chip")
    client.force_login(referrer)
    chip = client.get(reverse("roster-chip") + f"?employee_id={peer.employee_id}").content.decode()
    assert "data-chip-remove" in chip and "hx-on" not in chip
    assert "[data-chip-remove]" in (STATIC_JS / "app.js").read_text()


def test_the_api_docs_page_loads_only_bundled_files_under_the_same_strict_policy(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources)
    # Executable inline scripts: none (the settings block is JSON data, which CSP does not run).
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attributes for attributes in inline)
    directives = policy(response)
    assert directives["script-src"][0] == "'self'" and len(directives["script-src"]) == 2
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]


def test_deployment_headers_on_every_answer(client, director, world):
    client.force_login(director)
    for url in [*pages(world), "/api/v1/openapi.json"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        permissions = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in permissions


def test_the_server_error_page_is_styled_from_the_stylesheet_not_inline(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and "/static/css/app.css" in html and "style=" not in html
