from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peersupport.notifications"
    label = "notifications"
