from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "peersupport.roster"
    label = "roster"
