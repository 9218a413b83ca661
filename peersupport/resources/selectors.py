"""Reading a program's resource directory, grouped the way every page shows it.

Each program (hospital) has its own directory: every read names the program, the one of the
signed-in staff member, of the case, or of the public page.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

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


def program_resources(program_id: int) -> QuerySet[Resource]:
    """Every resource of this program's directory, offered or not."""
    return Resource.objects.filter(program_id=program_id)


def active_resources(program_id: int) -> list[Resource]:
    """What this program offers now, by name."""
    return list(program_resources(program_id).filter(active=True).order_by("name", "pk"))


def crisis_resources(program_id: int) -> list[Resource]:
    """This program's crisis lines, by name."""
    return list(program_resources(program_id).filter(active=True, category=ResourceCategory.CRISIS)
                .order_by("name", "pk"))
