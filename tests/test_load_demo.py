"""The demo program: loads once, realistic, every role can sign in, and it mails nobody."""

import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from peersupport.accounts.models import ApiToken, Role, User
from peersupport.cases.models import Case, CaseState, StepNotice
from peersupport.cases.timeliness import DUE_STATES, send_due_notices
from peersupport.demo import data as demo_data
from peersupport.notifications.models import OutboxMessage, OutboxStatus
from peersupport.resources.models import Resource, ResourceCategory
from peersupport.roster.models import Person, Supporter, SupporterStatus
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, loaded once for the class's tests and rolled back after them."""
    # The same fast hasher the root conftest gives each test (this fixture runs before it).
    fast_hashing = override_settings(PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.mark.xdist_group("loaded-demo")  # one worker loads the demo once for the whole class
class TestLoadedDemo:
    def test_demo_is_a_hospital_of_about_600_clinicians(self, demo_output):
        people = Person.objects.all()
        assert 550 <= people.count() <= 650
        assert people.values("department").distinct().count() >= 20
        assert people.values("specialty").distinct().count() >= 20
        assert set(people.values_list("site", flat=True)) == {demo_data.MAIN, demo_data.NORTH}
        assert set(people.values_list("rank", flat=True)) == {1, 2, 3, 4, 5}
        assert people.filter(interventional=True).exists()
        # Everyone but the heads of departments has a supervisor.
        assert people.filter(supervisor__isnull=True).count() == people.filter(rank=5).count()
        assert people.values("name").distinct().count() == people.count()


    def test_demo_team_has_supporters_in_every_state(self, demo_output):
        supporters = Supporter.objects.all()
        assert 30 <= supporters.count() <= 40
        statuses = {s.status for s in supporters}
        assert statuses == set(SupporterStatus.values)
        active = supporters.filter(status=SupporterStatus.ACTIVE)
        assert active.count() > supporters.count() / 2
        assert not active.filter(trained_on__isnull=True).exists()
        assert not supporters.filter(status=SupporterStatus.PAUSED, paused_until__isnull=True).exists()


    def test_demo_resources_cover_the_categories(self, demo_output):
        assert 8 <= Resource.objects.count() <= 12
        categories = set(Resource.objects.values_list("category", flat=True))
        assert categories == set(ResourceCategory.values)


    def test_demo_has_open_and_past_cases(self, demo_output):
        waiting = Case.objects.filter(state=CaseState.AWAITING_ASSIGNMENT)
        assert waiting.count() >= 3
        assert any(c.referral.involved_count == 3 for c in waiting.select_related("referral"))
        assert Case.objects.filter(state=CaseState.ASSIGNED, supporter__isnull=False).exists()
        closed = Case.objects.filter(state=CaseState.CLOSED)
        assert closed.count() >= 3
        assert not closed.filter(closed_at__isnull=True).exists()


    def test_demo_history_is_not_mailed(self, demo_output):
        assert OutboxMessage.objects.exists()
        assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


    def test_a_fresh_demo_has_nothing_late_so_the_reminders_job_started_beside_it_sends_nothing(
        self, demo_output
    ):
        # Steps fall due soon after the load, so the queue has something to show ...
        assert Case.objects.filter(state__in=DUE_STATES,
                                   next_due_at__lte=timezone.now() + timedelta(hours=6)).exists()
        outbox = OutboxMessage.objects.count()
        # ... but none is late, at the load or half an hour later.
        for later in (timedelta(0), timedelta(minutes=30)):
            assert not send_due_notices(now=timezone.now() + later)
        assert not StepNotice.objects.exists()
        assert OutboxMessage.objects.count() == outbox

    def test_every_role_has_a_demo_login_with_the_printed_password(self, demo_output):
        assert demo_data.PASSWORD in demo_output
        for role in Role.values:
            users = User.objects.filter(role=role, email__endswith="@" + demo_data.DOMAIN)
            assert users.exists(), role
            for user in users:
                assert user.email in demo_output
                sign_in = RequestFactory().post("/accounts/login/")  # django-axes needs the request
                assert authenticate(sign_in, username=user.email, password=demo_data.PASSWORD) == user
        supporters = User.objects.filter(role=Role.SUPPORTER)
        assert 2 <= supporters.count() <= 3
        for user in supporters:
            assert user.person.supporter.status == SupporterStatus.ACTIVE
        clinician = User.objects.get(role=Role.CLINICIAN)
        assert clinician.person.role_type == "physician"


    def test_demo_directors_and_administrators_sign_in_with_a_printed_key(self, demo_output, time_machine):
        time_machine.move_to(timezone.now(), tick=False)  # the codes are compared at one instant
        from base64 import b32encode

        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        staff = User.objects.filter(role__in=[Role.DIRECTOR, Role.ADMINISTRATOR])
        assert staff.count() == 2
        codes = load_demo_code()
        for user in staff:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            key = b32encode(device.bin_key).decode()
            assert " ".join(key[i:i + 4] for i in range(0, len(key), 4)) in demo_output
            code = f"{totp(device.bin_key):06d}"
            assert re.search(rf"{re.escape(user.email)}\s+{code}\b", codes)
        assert "manage.py demo_code" in demo_output
        assert not TOTPDevice.objects.exclude(user__in=staff).exists()  # other roles are not asked

    def test_demo_prints_a_working_api_token(self, demo_output):
        [key] = re.findall(r"pst_[\w-]+", demo_output)[:1]
        token = ApiToken.objects.for_key(key)
        assert token is not None and token.user.role == Role.INTEGRATION


    def test_second_load_changes_nothing(self, demo_output):
        before = (Person.objects.count(), Case.objects.count(), User.objects.count())
        output = load_demo()
        assert "already loaded" in output
        assert (Person.objects.count(), Case.objects.count(), User.objects.count()) == before


def load_demo_code() -> str:
    out = StringIO()
    call_command("demo_code", stdout=out)
    return out.getvalue()


def test_demo_code_refuses_a_real_program():
    make_person(name="Real Person", email="real@hospital.org")
    with pytest.raises(CommandError, match="not a demo-only database"):
        load_demo_code()


def test_demo_never_loads_into_a_real_program():
    make_person(name="Real Person", email="real@hospital.org")
    output = load_demo()
    assert "Nothing was changed" in output
    assert Person.objects.count() == 1
    with pytest.raises(CommandError):
        load_demo("--reset")
