from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "peersupport.operations"
    label = "operations"
    verbose_name = "Operations: backup and restore"
