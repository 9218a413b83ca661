"""About me: each person gives their own gender, race and ethnicity and age band; nobody else does."""

from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.roster.models import Person

ANSWERS = {"gender": "non-binary", "race_ethnicity": ["asian", "hispanic_latino"], "age_band": "30_39"}


def test_a_person_on_the_roster_saves_their_own_answers(client, supporter_a):
    client.force_login(supporter_a.person.user)
    response = client.post(reverse("about-me"), ANSWERS)
    assert response.status_code == 302
    person = Person.objects.get(pk=supporter_a.person.pk)
    assert (person.gender, person.race_ethnicity, person.age_band) == ("non-binary", ["asian", "hispanic_latino"],
                                                                       "30_39")
    form = client.get(reverse("about-me")).context["form"]
    assert form.initial == {"gender": "non-binary", "race_ethnicity": ["asian", "hispanic_latino"],
                            "age_band": "30_39"}


def test_the_audit_entry_says_that_they_answered_never_what(client, outsider):
    client.force_login(outsider)
    client.post(reverse("about-me"), ANSWERS)
    [entry] = AuditEntry.objects.filter(action="person.self_describe")
    assert entry.object_id == str(outsider.person_id)
    assert "asian" not in str(entry.detail) and "non-binary" not in str(entry.detail)


def test_about_me_changes_only_the_signed_in_persons_entry(client, supporter_a, supporter_b):
    client.force_login(supporter_a.person.user)
    # There is no way to name another person: an id in the form is ignored.
    client.post(reverse("about-me"), {**ANSWERS, "person": supporter_b.person.pk,
                                      "employee_id": supporter_b.person.employee_id})
    other = Person.objects.get(pk=supporter_b.person.pk)
    assert (other.gender, other.race_ethnicity, other.age_band) == ("", [], "")


def test_answers_can_be_cleared(client, outsider):
    client.force_login(outsider)
    client.post(reverse("about-me"), ANSWERS)
    client.post(reverse("about-me"), {})
    person = Person.objects.get(pk=outsider.person_id)
    assert (person.gender, person.race_ethnicity, person.age_band) == ("", [], "")


def test_a_login_not_on_the_roster_has_no_about_me_page(client, referrer):
    client.force_login(referrer)
    assert client.get(reverse("about-me")).status_code == 403
    assert client.post(reverse("about-me"), ANSWERS).status_code == 403


def test_prefer_not_to_say_is_chosen_alone_and_a_mix_is_refused_with_no_change(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("about-me"), {"race_ethnicity": ["prefer_not_to_say", "white"]})
    assert response.status_code == 422
    assert "on its own" in response.content.decode()
    assert Person.objects.get(pk=outsider.person_id).race_ethnicity == []


def test_an_answer_not_on_the_list_is_refused_with_no_change(client, outsider):
    client.force_login(outsider)
    for bad in ({"gender": "robot"}, {"age_band": "45"}, {"race_ethnicity": ["martian"]}):
        assert client.post(reverse("about-me"), bad).status_code == 422
    person = Person.objects.get(pk=outsider.person_id)
    assert (person.gender, person.race_ethnicity, person.age_band) == ("", [], "")


def test_program_staff_cannot_change_a_persons_gender_from_the_roster(client, administrator, supporter_a):
    Person.objects.filter(pk=supporter_a.person.pk).update(gender="female")
    client.force_login(administrator)
    response = client.post(reverse("person-edit", args=[supporter_a.person.employee_id]), {
        "name": supporter_a.person.name, "role_type": "physician", "rank": 3, "gender": "male",
        "department": "Surgery", "site": "Main Campus", "active": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=supporter_a.person.pk).gender == "female"
    assert b'name="gender"' not in client.get(reverse("person-edit", args=[supporter_a.person.employee_id])).content


def test_my_data_shows_a_persons_own_answers(client, outsider):
    client.force_login(outsider)
    client.post(reverse("about-me"), ANSWERS)
    page = client.get(reverse("my-data")).content.decode()
    assert "Asian, Hispanic or Latino" in page and "30 to 39" in page and "Non-binary" in page
