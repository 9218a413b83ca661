from django.apps import AppConfig


class CompositionConfig(AppConfig):
    name = "peersupport.composition"
    label = "composition"
