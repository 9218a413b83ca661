from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "peersupport.planner"
    label = "planner"
