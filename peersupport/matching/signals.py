"""Model saves and deletes that change the supporters' matching facts bump the version.

Writes through `QuerySet.update()` or `bulk_create()` send no signal: those places call
`matching_version_bump()` themselves (cases.actions._move, cases.services._apply, and any
bulk roster path).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from peersupport.matching.models import matching_version_bump


def _bump(sender: type, **kwargs: Any) -> None:
    matching_version_bump()


def connect() -> None:
    from peersupport.cases.models import Case
    from peersupport.roster.models import Person, Supporter

    for model in (Person, Supporter, Case):
        post_save.connect(_bump, sender=model, dispatch_uid=f"matching-version-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"matching-version-delete-{model.__name__}")
