from django.urls import path

from peersupport.team import views

urlpatterns = [
    path("my/team/", views.my_team, name="my-team"),
    path("my/team/pause/", views.my_team_pause, name="my-team-pause"),
    path("my/team/resume/", views.my_team_resume, name="my-team-resume"),
    path("my/team/recognition/", views.my_team_recognition, name="my-team-recognition"),
    path("my/team/sharing/", views.my_team_sharing, name="my-team-sharing"),
    path("my/team/notifications/", views.my_team_notifications, name="my-team-notifications"),
    path("my/team/calendar/", views.my_team_feed, name="my-team-feed"),
    path("team/on-call/", views.rota, name="on-call"),
    path("team/on-call/teams/", views.rota_team, name="on-call-team"),
    path("team/on-call/weeks/", views.rota_week, name="on-call-week"),
    path("team/on-call/calendar/", views.rota_team_feed, name="on-call-team-feed"),
    path("calendar/<str:feed_token>.ics", views.on_call_feed, name="on-call-feed"),
    path("team/recognition/", views.recognition, name="recognition"),
    path("team/recognition/letters/", views.recognition_letters, name="recognition-letters"),
]
