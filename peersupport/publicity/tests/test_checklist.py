"""The places-to-publicize checklist: places ticked off on several dates, bad input refused."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peersupport.audit.models import AuditEntry
from peersupport.lib.errors import Conflict, InvalidInput
from peersupport.program.models import Program
from peersupport.publicity.models import PublicityDate, PublicityPlace
from peersupport.publicity.services import date_add, date_remove, place_add
from peersupport.publicity.testing import make_place, make_publicity_date

GRAND_ROUNDS = "Grand rounds"


def grand_rounds() -> PublicityPlace:
    return PublicityPlace.objects.get(name=GRAND_ROUNDS, program=Program.default())


def tick(client, place: PublicityPlace, done_on: str):
    return client.post(reverse("publicity-date-new", args=[place.pk]), {"done_on": done_on})


def test_every_program_starts_with_the_five_usual_places(db):
    names = list(PublicityPlace.objects.filter(program=Program.default()).values_list("name", flat=True))
    assert names[:4] == ["Grand rounds", "Department meetings", "Newsletters", "New-staff orientation"]
    assert names[4].startswith("Event reviews")


def test_the_administrator_ticks_a_place_off_on_several_dates(client, administrator):
    client.force_login(administrator)
    for day in ("2026-03-04", "2026-09-16"):
        response = tick(client, grand_rounds(), day)
        assert response.status_code == 302
    assert sorted(grand_rounds().dates.values_list("done_on", flat=True)) == [date(2026, 3, 4), date(2026, 9, 16)]
    html = client.get(reverse("publicity")).content.decode()
    assert "Mar 4, 2026" in html and "Sep 16, 2026" in html
    entries = AuditEntry.objects.filter(action="publicity.date_add")
    assert entries.count() == 2
    assert {e.detail["done_on"] for e in entries} == {"2026-03-04", "2026-09-16"}


def test_the_same_day_twice_is_refused_and_says_so(client, administrator):
    client.force_login(administrator)
    tick(client, grand_rounds(), "2026-03-04")
    response = tick(client, grand_rounds(), "2026-03-04")
    assert response.status_code == 409
    assert "Grand rounds is already ticked off on March 4, 2026." in response.content.decode()
    assert grand_rounds().dates.count() == 1


@pytest.mark.parametrize(("done_on", "message"), [
    ("", "Give the day it was done, as a date."),
    ("next Tuesday", "Give the day it was done, as a date."),
    ("2026-02-30", "Give the day it was done, as a date."),
    ((timezone.localdate() + timedelta(days=1)).isoformat(), "choose today or a day before"),
    ("1990-01-01", "Choose a day within the last 20 years."),
])
def test_a_date_that_is_not_a_past_day_is_refused_with_a_message(client, administrator, done_on, message):
    client.force_login(administrator)
    response = tick(client, grand_rounds(), done_on)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PublicityDate.objects.exists()


def test_ticking_off_a_place_that_is_gone_is_refused_not_an_error(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("publicity-date-new", args=[999_999]), {"done_on": "2026-03-04"})
    assert response.status_code == 422
    assert "no longer on the checklist" in response.content.decode()


def test_the_director_adds_a_place_of_their_own(client, director):
    client.force_login(director)
    response = client.post(reverse("publicity-place-new"), {"name": "  Nursing   town hall "})
    assert response.status_code == 302
    place = PublicityPlace.objects.get(name="Nursing town hall")
    assert not place.built_in
    assert list(PublicityPlace.objects.values_list("name", flat=True))[-1] == "Nursing town hall"
    assert AuditEntry.objects.filter(action="publicity.place_add", object_id=str(place.pk)).exists()


@pytest.mark.parametrize(("name", "status", "message"), [
    ("grand ROUNDS", 409, "is already on the checklist"),
    ("   ", 422, "This field is required."),
    ("x" * 81, 422, "at most 80 characters"),
])
def test_a_place_without_a_name_or_already_listed_is_refused(client, director, name, status, message):
    client.force_login(director)
    before = PublicityPlace.objects.count()
    response = client.post(reverse("publicity-place-new"), {"name": name})
    assert response.status_code == status
    assert message in response.content.decode()
    assert PublicityPlace.objects.count() == before


def test_a_date_recorded_by_mistake_is_taken_off_once(client, administrator):
    ticked = make_publicity_date(make_place(), date(2026, 5, 6))
    client.force_login(administrator)
    assert client.post(reverse("publicity-date-remove", args=[ticked.pk])).status_code == 302
    assert not PublicityDate.objects.exists()
    assert AuditEntry.objects.filter(action="publicity.date_remove").count() == 1
    again = client.post(reverse("publicity-date-remove", args=[ticked.pk]), follow=True)
    assert "already taken off" in again.content.decode()


def test_the_services_refuse_bad_input_without_a_change(administrator):
    own = administrator.program_pk
    with pytest.raises(InvalidInput):
        place_add(actor=administrator, program_id=own, name="")
    with pytest.raises(Conflict):
        place_add(actor=administrator, program_id=own, name="Newsletters")
    with pytest.raises(InvalidInput):
        date_add(actor=administrator, program_id=own, place_id=grand_rounds().pk, done_on=date(2026, 6, 2),
                 today=date(2026, 6, 1))
    with pytest.raises(Conflict):
        date_remove(actor=administrator, program_id=own, date_id=123_456)
    assert not PublicityDate.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="publicity.").exists()


def test_a_supporter_or_leader_cannot_tick_off_a_place(client, supporter_a, leader):
    for user in (supporter_a.person.user, leader):
        client.force_login(user)
        assert tick(client, grand_rounds(), "2026-03-04").status_code == 403
    assert not PublicityDate.objects.exists()
