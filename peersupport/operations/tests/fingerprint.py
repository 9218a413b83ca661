"""What a restore must reproduce: rows in every table, and the audit trail entry for entry.

Run in the test process for the original database and in a child process for the restored one,
so both sides are read by the same code and compared as JSON.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from peersupport.audit.models import AuditEntry
from peersupport.operations.backup import table_counts


def fingerprint() -> dict:
    return json.loads(json.dumps({
        "counts": table_counts(),
        "audit": list(AuditEntry.objects.order_by("pk").values()),
    }, cls=DjangoJSONEncoder))


# For `python -c` in a child process whose DATABASE_URL names the restored database.
PRINT_FINGERPRINT = (
    "import django, json; django.setup(); "
    "from peersupport.operations.tests.fingerprint import fingerprint; "
    "print(json.dumps(fingerprint()))"
)
