"""Who reads the program's reports: leadership, the director and the administrator (aggregates
only, small counts hidden; program staff see the cases themselves anyway)."""

from django.core.exceptions import PermissionDenied

from peersupport.accounts.models import Role, User

REPORT_READERS = frozenset({Role.DIRECTOR, Role.ADMINISTRATOR, Role.LEADER})


def require_report_reader(user: User) -> None:
    if user.role not in REPORT_READERS:
        raise PermissionDenied("Reports are for leadership and the program's staff.")
