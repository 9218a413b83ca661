from django.apps import AppConfig


class TeamConfig(AppConfig):
    """Keeping the team going: a supporter's own participation (pause, recognition), the on-call
    rota and its calendar feeds, and the director's recognition list."""

    name = "peersupport.team"
    label = "team"
