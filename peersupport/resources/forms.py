from django import forms

from peersupport.resources.models import Resource, ResourceCategory
from peersupport.resources.services import ResourceInput


class ResourceForm(forms.Form):
    """The shape of a resource; `resource_create`/`resource_update` hold the rules."""

    name = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=[("", "Choose…"), *ResourceCategory.choices])
    contact = forms.CharField(
        max_length=200, required=False,
        help_text="A phone number, an email or a page; what a colleague needs to get in touch.",
    )
    description = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two plain sentences: what it offers and how quickly. Shown to peers.",
    )

    @classmethod
    def for_resource(cls, resource: Resource) -> "ResourceForm":
        return cls(initial={"name": resource.name, "category": resource.category,
                            "contact": resource.contact, "description": resource.description})

    def to_input(self) -> ResourceInput:
        return ResourceInput(**self.cleaned_data)
