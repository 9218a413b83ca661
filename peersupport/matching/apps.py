from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peersupport.matching"
    label = "matching"
