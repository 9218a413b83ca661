"""Each program keeps its own publicity checklist and kit: its own places and dates (another
program's answer 404), its own referrals on the chart, and its own public page in the QR codes."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.cases.models import Case
from peersupport.program.models import Program
from peersupport.program.services import program_create
from peersupport.publicity.models import PublicityDate, PublicityPlace
from peersupport.publicity.selectors import checklist, referrals_by_source
from peersupport.publicity.services import STARTING_PLACES, place_add
from peersupport.publicity.testing import make_place, make_publicity_date
from peersupport.publicity.tests.qr import decode_svg, qr_svgs
from peersupport.referrals.models import Referral
from peersupport.testing.factories import make_person

pytestmark = pytest.mark.django_db
SITE = "https://peers.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_a_new_program_starts_with_the_five_places_of_its_own(db):
    program = program_create(name="Eastside Peer Support", short_name="eastside")
    assert [p.name for p in checklist(program.pk)] == STARTING_PLACES
    assert all(p.built_in for p in checklist(program.pk))
    # The first program's are its own rows, untouched.
    assert [p.name for p in checklist(Program.default().pk)] == STARTING_PLACES
    assert PublicityPlace.objects.count() == 10


def test_two_programs_may_each_have_a_place_of_the_same_name(director, director_of_second_program,
                                                             second_program):
    place_add(actor=director, program_id=director.program_pk, name="Nursing town hall")
    place_add(actor=director_of_second_program, program_id=second_program.pk, name="Nursing town hall")
    assert PublicityPlace.objects.filter(name="Nursing town hall").count() == 2


def test_the_checklist_page_shows_only_the_programs_own_places_and_dates(client, director_of_second_program):
    riverside = make_place("Riverside town hall")
    make_publicity_date(riverside)
    client.force_login(director_of_second_program)
    page = client.get(reverse("publicity")).content.decode()
    assert "Riverside town hall" not in page
    assert page.count('data-testid="place"') == 5 and 'data-testid="place-date"' not in page


@pytest.mark.parametrize("persona", ["director_of_second_program", "administrator_of_second_program"])
def test_another_programs_place_or_date_answers_not_found_and_nothing_changes(client, request, persona):
    place = make_place("Riverside town hall")
    ticked = make_publicity_date(place, timezone.localdate() - timedelta(days=3))
    client.force_login(request.getfixturevalue(persona))
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.post(reverse("publicity-date-new", args=[place.pk]), {"done_on": day}).status_code == 404
    assert client.post(reverse("publicity-date-remove", args=[ticked.pk])).status_code == 404
    assert list(PublicityDate.objects.values_list("pk", flat=True)) == [ticked.pk]


def test_the_chart_counts_only_the_programs_own_referrals_and_dates(director_of_second_program, second_program):
    today = date(2026, 11, 15)
    received = datetime(2026, 10, 5, 15, tzinfo=UTC)
    for site, count in (("", 30), ("Northside", 12)):
        peer = make_person(site=site)
        referrals = Referral.objects.bulk_create([
            Referral(category="other", occurred_on=date(2026, 10, 4), summary="A hard shift.", source="self",
                     received_at=received) for _ in range(count)])
        Case.objects.bulk_create([Case(referral=r, peer=peer, program_id=peer.program_id) for r in referrals])
    make_publicity_date(make_place("Riverside town hall"), date(2026, 10, 2))
    northside_rounds = PublicityPlace.objects.get(program=second_program, name="Grand rounds")
    make_publicity_date(northside_rounds, date(2026, 10, 9))

    timeline = referrals_by_source(program_id=second_program.pk, months=3, today=today)
    assert timeline.totals[0].text == "12"
    assert [(d.place.name, d.done_on) for d in timeline.publicity] == [("Grand rounds", date(2026, 10, 9))]
    assert referrals_by_source(program_id=Program.default().pk, months=3, today=today).totals[0].text == "30"


@pytest.mark.parametrize("name", ["publicity-poster", "publicity-cards"])
def test_the_kits_qr_codes_lead_to_the_programs_own_ask_page(client, director_of_second_program, second_program,
                                                             name):
    client.force_login(director_of_second_program)
    html = client.get(reverse(name)).content.decode()
    assert {decode_svg(svg) for svg in qr_svgs(html)} == {f"{SITE}/support/northside/ask/"}
    assert "Northside Hospital Peer Support" in html


def test_the_snippet_opens_the_programs_own_ask_page_as_an_opt_in(client, administrator_of_second_program):
    client.force_login(administrator_of_second_program)
    html = client.get(reverse("publicity-snippet")).content.decode()
    assert f"{SITE}/support/northside/ask/?source=safety_report_opt_in" in html
    assert "/support/main/" not in html
