from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """Finding new supporters: nomination campaigns, nominations through personal links, the candidates."""

    name = "peersupport.recruitment"
    label = "recruitment"
