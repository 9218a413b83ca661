from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.resources.models import Resource, ResourceCategory
from peersupport.resources.services import ResourceInput


class ResourceForm(forms.Form):
    """The shape of a resource; `resource_create`/`resource_update` hold the rules."""

    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Choose…")), *ResourceCategory.choices])
    contact = forms.CharField(
        label=_("Contact"), max_length=200, required=False,
        help_text=_("A phone number, an email or a page; what a colleague needs to get in touch."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two plain sentences: what it offers and how quickly. Shown to peers."),
    )

    @classmethod
    def for_resource(cls, resource: Resource) -> "ResourceForm":
        return cls(initial={"name": resource.name, "category": resource.category,
                            "contact": resource.contact, "description": resource.description})

    def to_input(self) -> ResourceInput:
        return ResourceInput(**self.cleaned_data)
