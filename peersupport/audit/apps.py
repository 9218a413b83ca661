from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peersupport.audit"
    label = "audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from peersupport.audit import signals  # noqa: F401 - connects the sign-in receivers
        from peersupport.audit.guard import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="audit_sqlite_functions")
