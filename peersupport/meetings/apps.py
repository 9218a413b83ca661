from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """The team's quarterly meetings (invitations, RSVPs, attendance) and role-play practice."""

    name = "peersupport.meetings"
    label = "meetings"
