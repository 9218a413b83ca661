from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "peersupport.cases"
    label = "cases"
