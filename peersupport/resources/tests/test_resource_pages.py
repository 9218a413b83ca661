"""The resource directory's pages and its services."""

import pytest
from django.urls import reverse

from peersupport.audit.models import AuditEntry
from peersupport.front.tests.helpers import login_as
from peersupport.lib.errors import InvalidInput
from peersupport.resources.models import Resource
from peersupport.resources.services import (
    ResourceInput,
    resource_deactivate,
    resource_reactivate,
    resource_update,
)

PERSONAS = ["director", "administrator", "supporter_a", "referrer", "leader", "outsider", "integration"]
MANAGERS = {"director", "administrator"}
EAP = {"name": "Employee Assistance Program", "category": "counseling", "contact": "+1 555 0199",
       "description": "Free, confidential counseling, 24/7."}


@pytest.fixture
def eap(db):
    return Resource.objects.create(**EAP)


@pytest.fixture
def crisis(db):
    return Resource.objects.create(name="Crisis Lifeline", category="crisis", contact="Call or text 988")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_this_role(client, request, eap, persona):
    login_as(client, request, persona)
    manage = 200 if persona in MANAGERS else 403
    actual = {
        "list": client.get(reverse("resources")).status_code,
        "new": client.get(reverse("resource-new")).status_code,
        "edit": client.get(reverse("resource-edit", args=[eap.pk])).status_code,
        "deactivate": client.post(reverse("resource-deactivate", args=[eap.pk])).status_code,
    }
    assert actual == {"list": 200, "new": manage, "edit": manage, "deactivate": 302 if manage == 200 else 403}
    eap.refresh_from_db()
    assert eap.active is (persona not in MANAGERS)


def test_signed_out_visitors_go_to_sign_in(client, eap):
    for url in (reverse("resources"), reverse("resource-new"), reverse("resource-edit", args=[eap.pk])):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_the_directory_is_grouped_by_category_in_its_own_order(client, request, eap, crisis):
    Resource.objects.create(name="Legal Hotline", category="medicolegal")
    Resource.objects.create(name="Old Line", category="counseling", active=False)
    login_as(client, request, "supporter_a")
    html = client.get(reverse("resources")).content.decode()
    assert html.index("Counseling") < html.index("Medicolegal advice") < html.index(">Crisis<")
    assert html.index("Employee Assistance Program") < html.index("Legal Hotline") < html.index("Crisis Lifeline")
    assert "Old Line" not in html and 'data-testid="resource-edit"' not in html
    assert 'data-testid="resource-new"' not in html


def test_managers_see_edit_buttons_and_what_is_no_longer_offered(client, administrator, eap):
    Resource.objects.create(name="Old Line", category="counseling", active=False)
    client.force_login(administrator)
    html = client.get(reverse("resources")).content.decode()
    assert 'data-testid="resource-edit"' in html and 'data-testid="resource-new"' in html
    retired = html.split('data-testid="retired-resources"')[1]
    assert "Old Line" in retired and 'data-testid="resource-reactivate"' in retired


def test_add_a_resource(client, director):
    client.force_login(director)
    response = client.post(reverse("resource-new"), EAP)
    assert response.status_code == 302 and response["Location"] == reverse("resources")
    resource = Resource.objects.get()
    assert (resource.name, resource.category, resource.contact) == (EAP["name"], "counseling", EAP["contact"])
    assert AuditEntry.objects.filter(action="resource.create", object_id=str(resource.pk)).exists()
    assert "is in the directory" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("change", "said"), [
    ({"name": ""}, "This field is required"),
    ({"category": "massage"}, "Select a valid choice"),
    ({"name": "   "}, "This field is required"),
    ({"description": "x" * 501}, "at most 500 characters"),
])
def test_bad_input_is_a_message_and_adds_nothing(client, director, change, said):
    client.force_login(director)
    response = client.post(reverse("resource-new"), {**EAP, **change})
    assert response.status_code == 422 and said in response.content.decode()
    assert not Resource.objects.exists()


def test_edit_a_resource(client, administrator, eap):
    client.force_login(administrator)
    url = reverse("resource-edit", args=[eap.pk])
    assert 'value="Employee Assistance Program"' in client.get(url).content.decode()
    response = client.post(url, {**EAP, "contact": "+1 555 0100", "category": "stress_reduction"})
    assert response.status_code == 302
    eap.refresh_from_db()
    assert (eap.contact, eap.category) == ("+1 555 0100", "stress_reduction")
    entry = AuditEntry.objects.get(action="resource.update", object_id=str(eap.pk))
    assert entry.detail == {"changed": ["category", "contact"]}


def test_a_bad_edit_changes_nothing(client, administrator, eap):
    client.force_login(administrator)
    before = Resource.objects.values().get(pk=eap.pk)
    response = client.post(reverse("resource-edit", args=[eap.pk]), {**EAP, "name": "", "contact": "+1 555 0100"})
    assert response.status_code == 422
    assert Resource.objects.values().get(pk=eap.pk) == before  # the valid field was not saved either


def test_editing_an_unknown_resource_is_404(client, director):
    client.force_login(director)
    assert client.get(reverse("resource-edit", args=[999])).status_code == 404


def test_deactivate_then_offer_again(client, director, eap):
    client.force_login(director)
    client.post(reverse("resource-deactivate", args=[eap.pk]))
    eap.refresh_from_db()
    assert not eap.active
    html = client.get(reverse("resources")).content.decode()
    assert "no longer offered" in html and 'data-testid="resource"' not in html
    client.post(reverse("resource-reactivate", args=[eap.pk]))
    eap.refresh_from_db()
    assert eap.active
    actions = list(AuditEntry.objects.for_object("resource", eap.pk).order_by("pk").values_list("action", flat=True))
    assert actions == ["resource.deactivate", "resource.activate"]


def test_deactivating_is_a_post(client, director, eap):
    client.force_login(director)
    assert client.get(reverse("resource-deactivate", args=[eap.pk])).status_code == 405


# Services

def test_update_validates_like_create(director, eap):
    with pytest.raises(InvalidInput, match="Unknown category"):
        resource_update(actor=director, resource_id=eap.pk, data=ResourceInput(name="X", category="spa"))
    with pytest.raises(InvalidInput, match="name is required"):
        resource_update(actor=director, resource_id=eap.pk, data=ResourceInput(name=" ", category="crisis"))
    eap.refresh_from_db()
    assert eap.name == EAP["name"] and not AuditEntry.objects.filter(action="resource.update").exists()


def test_update_tidies_whitespace(director, eap):
    resource = resource_update(actor=director, resource_id=eap.pk,
                               data=ResourceInput(name="  New   name ", category="crisis", description=" a\n b "))
    assert (resource.name, resource.description) == ("New name", "a b")


def test_an_unknown_resource_is_invalid_input(director, db):
    with pytest.raises(InvalidInput, match="No resource with id 404"):
        resource_deactivate(actor=director, resource_id=404)


def test_deactivating_twice_is_audited_once(director, eap):
    resource_deactivate(actor=director, resource_id=eap.pk)
    resource_deactivate(actor=director, resource_id=eap.pk)
    resource_reactivate(actor=director, resource_id=eap.pk)
    assert AuditEntry.objects.filter(action="resource.deactivate").count() == 1
    assert AuditEntry.objects.filter(action="resource.activate").count() == 1
