from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "peersupport.front"
    label = "front"
