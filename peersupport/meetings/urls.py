from django.urls import path

from peersupport.meetings import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<int:meeting_id>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:meeting_id>/practice/", views.meeting_practice, name="meeting-practice"),
    path("meetings/rsvp/<str:token>/", views.rsvp, name="meeting-rsvp"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="scenario-new"),
    path("scenarios/<int:scenario_id>/edit/", views.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:scenario_id>/retire/", views.scenario_retire, {"retired": True}, name="scenario-retire"),
    path("scenarios/<int:scenario_id>/restore/", views.scenario_retire, {"retired": False},
         name="scenario-restore"),
]
