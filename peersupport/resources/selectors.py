"""Reading the resource directory, grouped the way every page shows it."""

from collections.abc import Iterable
from dataclasses import dataclass

from peersupport.lib.i18n import Text
from peersupport.resources.models import Resource, ResourceCategory


@dataclass(frozen=True)
class CategoryGroup:
    category: str
    label: Text
    resources: list[Resource]


def group_by_category(resources: Iterable[Resource]) -> list[CategoryGroup]:
    """Resources under their category, categories in the directory's own order, empty ones left out."""
    groups: dict[str, list[Resource]] = {value: [] for value in ResourceCategory.values}
    for resource in resources:
        groups.setdefault(resource.category, []).append(resource)
    labels = dict(ResourceCategory.choices)
    return [CategoryGroup(value, labels.get(value, value), items) for value, items in groups.items() if items]


def active_resources() -> list[Resource]:
    return list(Resource.objects.filter(active=True).order_by("name", "pk"))


def crisis_resources() -> list[Resource]:
    return list(Resource.objects.filter(active=True, category=ResourceCategory.CRISIS).order_by("name", "pk"))
