from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "peersupport.publicity"
    label = "publicity"
