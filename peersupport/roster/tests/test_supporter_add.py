"""Adding a supporter from the Supporters page: find them on the roster, then the supporter form."""

from django.urls import reverse

from peersupport.roster.models import Supporter
from peersupport.testing.factories import make_person, record_initial_training


def test_the_supporters_page_leads_to_adding_one(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("supporters")).content.decode()
    assert f'href="{reverse("supporter-add")}"' in page and "Add a supporter" in page


def test_add_a_supporter_by_name_then_set_their_settings(client, director):
    kim = make_person(name="Kim Abara", department="Oncology")
    make_person(name="Kim Inactive", active=False)
    client.force_login(director)
    results = client.get(reverse("supporter-add"), {"q": "kim"}, headers={"HX-Request": "true"})
    page = results.content.decode()
    assert results.status_code == 200 and "<html" not in page  # the type-ahead's fragment only
    assert "Kim Abara" in page and "Kim Inactive" not in page
    pick = reverse("supporter-edit", args=[kim.employee_id]) + "?from=supporters"
    assert f'href="{pick}"' in page

    form = client.get(pick).content.decode()
    assert "is not a supporter yet" in form and f'action="{pick}"' in form
    record_initial_training(kim)
    response = client.post(pick, {"status": "active", "capacity": 3, "trained_on": "2026-10-01"})
    assert response.status_code == 302 and response["Location"] == reverse("supporters")
    supporter = Supporter.objects.get(person=kim)
    assert supporter.capacity == 3 and str(supporter.trained_on) == "2026-10-01"


def test_add_a_supporter_by_employee_id_without_javascript(client, director, supporter_a):
    kim = make_person(name="Kim Abara")
    client.force_login(director)
    page = client.get(reverse("supporter-add"), {"q": kim.employee_id}).content.decode()
    assert "<html" in page and "Kim Abara" in page
    # Someone already on the team is shown as such.
    already = client.get(reverse("supporter-add"), {"q": "Alex"}).content.decode()
    assert "Alex Supporter" in already and "already a supporter" in already


def test_add_a_supporter_says_what_to_do_when_no_one_matches(client, director):
    client.force_login(director)
    page = client.get(reverse("supporter-add"), {"q": "Zzyzx"}).content.decode()
    assert "No one active on the roster matches" in page and reverse("person-new") in page
    assert "Type at least 2 letters" in client.get(reverse("supporter-add"), {"q": "z"}).content.decode()
