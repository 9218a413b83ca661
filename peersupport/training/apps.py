from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training the supporters: courses, sessions, attendance, materials, refreshers, evaluations."""

    name = "peersupport.training"
    label = "training"
