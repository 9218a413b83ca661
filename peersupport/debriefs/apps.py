from django.apps import AppConfig


class DebriefsConfig(AppConfig):
    """Group debriefs: a session for a team an event touched, beside or instead of individual cases."""

    name = "peersupport.debriefs"
    label = "debriefs"
