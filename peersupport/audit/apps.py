from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peersupport.audit"
    label = "audit"
