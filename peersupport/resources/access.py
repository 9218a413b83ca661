"""The access gate for the resource directory: all signed in read it, program staff edit it."""

from django.core.exceptions import PermissionDenied

from peersupport.accounts.models import PROGRAM_STAFF, User


def require_resource_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or user.role not in PROGRAM_STAFF:
        raise PermissionDenied("Only the program's director and administrator manage resources.")
