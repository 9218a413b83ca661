from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "peersupport.reports"
    verbose_name = "Reports"
