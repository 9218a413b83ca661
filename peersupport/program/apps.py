from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "peersupport.program"
    label = "program"
