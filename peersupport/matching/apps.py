from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peersupport.matching"
    label = "matching"

    def ready(self) -> None:
        from peersupport.matching.signals import connect

        connect()
