"""Model saves and deletes that change the supporters' matching facts bump the version.

Writes through `QuerySet.update()` or `bulk_create()` send no signal: those places call
`matching_version_bump()` themselves (cases.actions._move, cases.services._apply, and any
bulk roster path).
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from peersupport.matching.models import matching_version_bump

# A case's fields the supporters' facts read (their open cases).
CASE_FIELDS = frozenset({"state", "supporter", "supporter_id"})


def _bump(sender: type, **kwargs: Any) -> None:
    # A person's record may be any supporter's (or the one they supervise): everyone's facts.
    matching_version_bump()


def _bump_for_supporter(sender: type, instance: Any, **kwargs: Any) -> None:
    matching_version_bump([instance.pk])


def _bump_for_case(sender: type, instance: Any, **kwargs: Any) -> None:
    # A save of named fields none of which a supporter's facts read (the retention purge's
    # dates) leaves them as they were. A save of the state alone changes its supporter's open
    # cases; any other save or a delete may have moved the case from another supporter too.
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not CASE_FIELDS & set(update_fields):
        return
    if update_fields is not None and set(update_fields) & CASE_FIELDS == {"state"}:
        matching_version_bump([instance.supporter_id])
        return
    matching_version_bump()


def connect() -> None:
    from peersupport.cases.models import Case
    from peersupport.roster.models import Person, Supporter

    post_save.connect(_bump, sender=Person, dispatch_uid="matching-version-save-Person")
    post_delete.connect(_bump, sender=Person, dispatch_uid="matching-version-delete-Person")
    post_save.connect(_bump_for_supporter, sender=Supporter, dispatch_uid="matching-version-save-Supporter")
    post_delete.connect(_bump_for_supporter, sender=Supporter, dispatch_uid="matching-version-delete-Supporter")
    post_save.connect(_bump_for_case, sender=Case, dispatch_uid="matching-version-save-Case")
    post_delete.connect(_bump, sender=Case, dispatch_uid="matching-version-delete-Case")
