"""Personas for the access tests and shared fixtures (a real SMTP server on loopback)."""

import pytest
from hypothesis import settings as hypothesis_settings

from peersupport.accounts.models import Role
from peersupport.testing.factories import make_person, make_supporter, make_user

# Property tests check what is computed, never how fast: speed is measured in `make bench`. Without
# this, Hypothesis fails an example that takes over 200 ms, which a busy machine can make any take.
hypothesis_settings.register_profile("peersupport", deadline=None)
hypothesis_settings.load_profile("peersupport")

# pytester: tests of the suite's own hooks run pytest on a small sample.
# postgres_only: a test marked `postgres` is skipped on SQLite, and fails if skipped when
# REQUIRE_POSTGRES=1 (`make test-postgres`). The single sign-on tests' identity provider, run in a
# second process when a test asks for it (`oidc_provider`, `sso_on`).
pytest_plugins = ["pytester", "peersupport.testing.postgres_only", "peersupport.accounts.tests.oidc_provider.process"]

SCHEMA_FUZZING = "test_api_schema_fuzzing.py"


def pytest_ignore_collect(collection_path, config):
    """Schemathesis reads the API's schema and draws its examples while the module is collected
    (seconds per worker): a run that leaves the fuzz tests out does not collect it at all."""
    if collection_path.name == SCHEMA_FUZZING and "not fuzz" in (config.getoption("markexpr") or ""):
        return True
    return None


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow by design; tests create many logins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page served in Spanish leaves Spanish active in the thread that served it (the locale
    middleware activates each request's language and leaves it); the next test starts in the
    default language, as the next request would."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """`client.force_login(director)` stands for a whole sign-in, the code included; the tests
    of the second step use `peersupport.accounts.testing.force_login_unverified`."""
    from django.test import Client

    from peersupport.accounts.testing import force_login_verified

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def director(db):
    return make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))


@pytest.fixture
def administrator(db):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def second_program(db):
    """Another hospital's program in the same installation, with a site of its own."""
    from peersupport.program.services import program_create, program_site_set

    program = program_create(name="Northside Hospital Peer Support", short_name="northside")
    program_site_set(site="Northside", program=program)
    return program


@pytest.fixture
def director_of_second_program(second_program):
    return make_user(Role.DIRECTOR, person=make_person(name="Nadia Northside", site="Northside"))


@pytest.fixture
def administrator_of_second_program(second_program):
    return make_user(Role.ADMINISTRATOR, program=second_program)


@pytest.fixture
def supporter_a(db):
    supporter = make_supporter(make_person(name="Alex Supporter", department="Surgery"))
    make_user(Role.SUPPORTER, person=supporter.person)
    return supporter


@pytest.fixture
def supporter_b(db):
    supporter = make_supporter(make_person(name="Blair Supporter", department="Pediatrics"))
    make_user(Role.SUPPORTER, person=supporter.person)
    return supporter


@pytest.fixture
def referrer(db):
    return make_user(Role.REFERRER)


@pytest.fixture
def leader(db):
    return make_user(Role.LEADER)


@pytest.fixture
def integration(db):
    return make_user(Role.INTEGRATION)


@pytest.fixture
def outsider(db):
    """Signed in, linked to the roster, with no part in the program beyond being staff."""
    return make_user(Role.CLINICIAN, person=make_person(name="Olly Outsider"))


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd), with Django's mail settings pointed at it."""
    from django.test import override_settings

    from peersupport.notifications.testing import LoopbackSMTPServer

    server = LoopbackSMTPServer()
    server.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield server
    server.stop()


@pytest.fixture(scope="session")
def spanish_catalogs():
    """The Spanish catalogs compiled (`peersupport.testing.spanish`)."""
    from peersupport.testing.spanish import compile_catalogs

    compile_catalogs()
