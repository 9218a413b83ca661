from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peersupport.notifications"
    label = "notifications"

    def ready(self) -> None:
        from peersupport.notifications import checks  # noqa: F401 - registers the deploy checks
