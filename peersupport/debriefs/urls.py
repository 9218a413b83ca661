from django.urls import path

from peersupport.debriefs import views

urlpatterns = [
    path("debriefs/", views.debrief_list, name="debriefs"),
    path("debriefs/new/", views.debrief_new, name="debrief-new"),
    path("debriefs/<int:debrief_id>/", views.debrief_detail, name="debrief"),
    path("debriefs/<int:debrief_id>/edit/", views.debrief_edit, name="debrief-edit"),
    path("debriefs/<int:debrief_id>/invitees/", views.debrief_invitees, name="debrief-invitees"),
    path("debriefs/<int:debrief_id>/cancel/", views.debrief_cancel_view, name="debrief-cancel"),
    path("debriefs/<int:debrief_id>/record/", views.debrief_record_view, name="debrief-record"),
    path("debriefs/<int:debrief_id>/follow-up/", views.debrief_follow_up, name="debrief-follow-up"),
    # The follow-up email's personal link: public, no account.
    path("support/debrief/<str:token>/", views.support_request, name="debrief-support"),
]
