"""The client's address in the audit trail and the sign-in records.

Without trusted proxies, X-Forwarded-For is ignored: anyone can send it. Behind a trusted reverse
proxy (TRUSTED_PROXIES), the address is the last one in the header that is not a proxy, so a
client cannot put a false address in front of the one its proxy appended.
"""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.lib.middleware import client_ip

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()
    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
    ("10.0.0.5", "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # two proxies in a row
    ("10.0.0.5", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client's own claim is left of it
    ("fd00::1", "2001:db8::42", "2001:db8::42"),
    ("10.0.0.5", "", "10.0.0.5"),  # a proxy that did not say
    ("10.0.0.5", "10.1.2.3", "10.0.0.5"),  # only proxies: the nearest we know
    ("10.0.0.5", "not-an-address, 203.0.113.9", "203.0.113.9"),
    ("10.0.0.5", "203.0.113.9, not-an-address", "10.0.0.5"),  # garbled where it counts
    ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from a proxy: the header is ignored
], ids=["one proxy", "two proxies", "forged prefix", "ipv6", "no header", "only proxies",
        "garbage left", "garbage right", "untrusted sender"])
def test_behind_a_trusted_proxy_the_last_address_not_a_proxy_is_the_client(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = PROXIES
    assert address(remote, forwarded) == expected


def test_sign_ins_and_reads_behind_the_proxy_are_recorded_with_the_clients_address(client, settings, referrer):
    settings.TRUSTED_PROXIES = PROXIES
    behind_proxy = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    client.post(reverse("login"), {"username": referrer.email, "password": "wrong"}, **behind_proxy)
    assert AuditEntry.objects.get(action="auth.sign_in_failed").ip == "203.0.113.9"
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"

    client.post(reverse("login"), {"username": referrer.email, "password": "correct horse battery staple"},
                **behind_proxy)
    assert client.get(reverse("my-data"), **behind_proxy).status_code == 200
    actions = dict(AuditEntry.objects.values_list("action", "ip"))
    assert actions["auth.sign_in"] == actions["subject_access.view"] == "203.0.113.9"
    assert set(actions.values()) == {"203.0.113.9"}
