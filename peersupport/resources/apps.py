from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "peersupport.resources"
    label = "resources"
