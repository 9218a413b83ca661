from django.apps import AppConfig


class SupportConfig(AppConfig):
    """The peer's own path, with no account: the program page, asking by work email, personal links."""

    name = "peersupport.support"
    label = "support"
