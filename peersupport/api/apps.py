from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "peersupport.api"
    label = "api"
