"""Cross-program matching: a peer who asks for someone from outside their hospital (or a program
that looks outside for some kinds of event) is suggested the other programs' shared supporters, under
the same hard rules; the supporter's own program sees only that they hold an outside case."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from peersupport.accounts.models import ApiToken, Role
from peersupport.cases.models import Case
from peersupport.cases.services import case_assign
from peersupport.front.tests.helpers import refer
from peersupport.lib.errors import InvalidInput
from peersupport.matching.selectors import suggestions_for_case
from peersupport.program.models import ProgramSettings
from peersupport.program.tests.test_settings_page import settings_form
from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person, make_supporter, make_user

pytestmark = pytest.mark.django_db

OUTSIDE_REASON = "From another hospital (shared supporter)"


@pytest.fixture
def shared(second_program):
    """A supporter of the second program (Northside) who agreed to be shared, with a login."""
    supporter = make_supporter(make_person(name="Sasha Shared", site="Northside", department="Anesthesia"),
                               shared_across_programs=True)
    make_user(Role.SUPPORTER, person=supporter.person)
    return supporter


@pytest.fixture
def unshared(second_program):
    return make_supporter(make_person(name="Uma Unshared", site="Northside", department="Anesthesia"))


def ask(client, peer_login, **wishes):
    client.force_login(peer_login)
    response = client.post(reverse("support-ask"), {
        "category": "medical_error", "occurred_on": "2026-11-20", "summary": "I made a medication error.",
        **wishes,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.filter(peer=peer_login.person).latest("pk")


def employee_ids(case):
    return [s.employee_id for s in suggestions_for_case(case)]


def test_a_peer_who_asks_for_someone_from_outside_is_suggested_the_other_programs_shared_supporters(
        client, outsider, shared, unshared, supporter_a):
    case = ask(client, outsider, hospital="outside")
    assert case.wants_outside_supporter and case.referral.preferences == {"hospital": "outside"}
    suggested = suggestions_for_case(case)
    assert {s.employee_id for s in suggested} == {supporter_a.person.employee_id, shared.person.employee_id}
    reasons = {s.employee_id: s.reasons for s in suggested}
    assert reasons[shared.person.employee_id][0] == OUTSIDE_REASON
    assert OUTSIDE_REASON not in reasons[supporter_a.person.employee_id]
    # Without the wish, the program's own supporters only.
    other = ask(Client(), make_user(Role.CLINICIAN, person=make_person(name="Pat Plain")))
    assert not other.wants_outside_supporter
    assert employee_ids(other) == [supporter_a.person.employee_id]


def test_the_reason_is_said_in_the_directors_language(outsider, shared):
    referral = refer(outsider, outsider.person, source="self", preferences={"hospital": "outside"})
    case = referral.cases.get()
    with translation.override("es"):
        [suggestion] = suggestions_for_case(case)
    assert suggestion.reasons[0] == "De otro hospital (apoyo compartido)"


def test_shared_supporters_of_another_program_keep_every_hard_rule(outsider, shared, second_program):
    # Same department as the peer, paused, untrained: never suggested, shared or not.
    outsider.person.department = "Anesthesia"
    outsider.person.save(update_fields=["department"])
    make_supporter(make_person(name="Paul Paused", site="Northside", department="Surgery"),
                   shared_across_programs=True, paused_until="2099-01-01")
    make_supporter(make_person(name="Una Untrained", site="Northside", department="Surgery"),
                   shared_across_programs=True, status="in_training", trained_on=None)
    full = make_supporter(make_person(name="Fay Full", site="Northside", department="Surgery"),
                          shared_across_programs=True, capacity=1)
    refer(outsider, make_person(name="Earlier Peer", site="Northside"))
    earlier = Case.objects.get(peer__name="Earlier Peer")
    director_there = make_user(Role.DIRECTOR, person=make_person(name="Nadia Northside", site="Northside"))
    case_assign(actor=director_there, case_id=earlier.pk, supporter_employee_id=full.person.employee_id)
    referral = refer(outsider, outsider.person, source="self", preferences={"hospital": "outside"})
    case = referral.cases.get()
    assert employee_ids(case) == []
    director = make_user(Role.DIRECTOR, person=make_person(name="Dora Director"))
    with pytest.raises(InvalidInput, match="same department"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=shared.person.employee_id,
                    override_reason="other")


def test_a_program_looks_outside_by_default_for_the_kinds_of_event_it_names(referrer, shared, unshared):
    settings = ProgramSettings.current()
    settings.outside_supporter_categories = ["litigation"]
    settings.save(update_fields=["outside_supporter_categories"])
    lawsuit = refer(referrer, make_person(name="Lee Litigation"), category="litigation").cases.get()
    error = refer(referrer, make_person(name="Eve Error"), category="medical_error").cases.get()
    assert not lawsuit.wants_outside_supporter
    assert employee_ids(lawsuit) == [shared.person.employee_id]
    assert employee_ids(error) == []


def test_an_unshared_supporter_of_another_program_is_refused_even_when_the_peer_asked(
        outsider, director, unshared):
    case = refer(outsider, outsider.person, source="self", preferences={"hospital": "outside"}).cases.get()
    with pytest.raises(InvalidInput, match="another program"):
        case_assign(actor=director, case_id=case.pk, supporter_employee_id=unshared.person.employee_id,
                    override_reason="other")
    assert Case.objects.get(pk=case.pk).supporter is None


def test_the_assigned_outside_supporter_sees_the_case_and_their_own_program_sees_only_a_count(
        client, outsider, director, shared, director_of_second_program):
    case = refer(outsider, outsider.person, source="self", preferences={"hospital": "outside"}).cases.get()
    case_assign(actor=director, case_id=case.pk, supporter_employee_id=shared.person.employee_id)
    # The supporter is told as usual, and opens the case like any case assigned to them.
    client.force_login(shared.person.user)
    page = client.get(reverse("case", args=[case.pk]))
    assert page.status_code == 200 and outsider.person.name in page.content.decode()
    assert client.get(reverse("cases")).content.decode().count(f"/cases/{case.pk}/") >= 1
    # Their own program's director: the case does not exist for them.
    client.force_login(director_of_second_program)
    assert client.get(reverse("case", args=[case.pk])).status_code == 404
    for name in ("supporters", "overview"):
        listing = client.get(reverse(name)).content.decode()
        assert 'data-testid="outside-cases"' in listing and "1 outside case" in listing, name
        assert outsider.person.name not in listing and f"/cases/{case.pk}/" not in listing, name
        assert "Medical error" not in listing and "medical error" not in listing, name
    # Nothing else of the case's program becomes visible to the shared supporter.
    other = refer(director, make_person(name="Quinn Quiet")).cases.get()
    client.force_login(shared.person.user)
    assert client.get(reverse("case", args=[other.pk])).status_code == 404
    assert client.get(reverse("roster")).status_code == 403


def test_the_apis_self_referral_carries_the_wish_as_a_fixed_choice(client, outsider, shared):
    token = ApiToken.issue(outsider)[1]

    def post(preferences):
        body = {"event": {"category": "medical_error", "occurred_on": "2026-11-20",
                          "summary": "I made a medication error."},
                "involved": [{"employee_id": outsider.person.employee_id}], "source": "self",
                "preferences": preferences}
        return Client().post("/api/v1/referrals", data=json.dumps(body), content_type="application/json",
                             headers={"Authorization": f"Bearer {token}"})

    assert post({"hospital": "elsewhere"}).status_code == 422
    assert not Case.objects.exists()
    response = post({"hospital": "outside"})
    assert response.status_code == 201, response.content
    assert Case.objects.get().wants_outside_supporter


def test_the_settings_page_sets_the_kinds_of_event_that_look_outside(client, director):
    client.force_login(director)
    response = client.post(reverse("program-settings"), settings_form(outside_supporter_categories=["litigation"]))
    assert response.status_code == 302
    assert ProgramSettings.current().outside_supporter_categories == ["litigation"]
    refused = client.post(reverse("program-settings"), settings_form(outside_supporter_categories=["gossip"]))
    assert refused.status_code == 422 and "Choose the kinds of event from the list." in refused.content.decode()
    assert ProgramSettings.current().outside_supporter_categories == ["litigation"]


def test_a_supporter_agrees_to_be_shared_on_their_own_page_and_the_director_on_theirs(
        client, supporter_a, director):
    client.force_login(supporter_a.person.user)
    assert 'data-testid="sharing-form"' in client.get(reverse("my-team")).content.decode()
    client.post(reverse("my-team-sharing"), {"shared": "on"})
    assert Supporter.objects.get(pk=supporter_a.pk).shared_across_programs
    client.post(reverse("my-team-sharing"), {})
    assert not Supporter.objects.get(pk=supporter_a.pk).shared_across_programs
    client.force_login(director)
    url = reverse("supporter-edit", args=[supporter_a.person.employee_id])
    form = {"status": "active", "capacity": "2", "trained_on": supporter_a.trained_on.isoformat(),
            "shared_across_programs": "on"}
    assert client.post(url, form).status_code == 302
    assert Supporter.objects.get(pk=supporter_a.pk).shared_across_programs


def test_the_director_sets_the_wish_on_a_case_and_the_suggestions_follow(client, referrer, director, shared,
                                                                          supporter_a):
    case = refer(referrer, make_person(name="Rae Referred")).cases.get()
    assert employee_ids(case) == [supporter_a.person.employee_id]
    client.force_login(director)
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert 'data-testid="outside-wish-form"' in page and shared.person.name not in page
    response = client.post(reverse("case-outside-wish", args=[case.pk]), {"outside": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.wants_outside_supporter
    page = client.get(reverse("case", args=[case.pk])).content.decode()
    assert shared.person.name in page and OUTSIDE_REASON in page
    assert client.post(reverse("case-outside-wish", args=[case.pk]), {"outside": "maybe"}).status_code == 422
    client.post(reverse("case-outside-wish", args=[case.pk]), {"outside": "off"})
    case.refresh_from_db()
    assert not case.wants_outside_supporter
