from django.urls import path

from peersupport.recruitment import public_views, views

urlpatterns = [
    # Public: no sign-in.
    path("support/what-supporters-do/", public_views.about, name="recruit-about"),
    path("nominate/thanks/", public_views.nominate_thanks, name="recruit-nominate-thanks"),
    path("nominate/<str:token>/", public_views.nominate_page, name="recruit-nominate"),
    path("nominate/<str:token>/lookup/", public_views.nominate_lookup, name="recruit-nominate-lookup"),
    path("nominate/<str:token>/chip/", public_views.nominate_chip, name="recruit-nominate-chip"),
    path("join/answered/", public_views.answered, name="recruit-answered"),
    path("join/<str:token>/", public_views.answer, name="recruit-answer"),
    # Program staff.
    path("recruiting/", views.campaigns, name="recruit-campaigns"),
    path("recruiting/new/", views.campaign_new, name="recruit-campaign-new"),
    path("recruiting/<int:campaign_id>/", views.campaign, name="recruit-campaign"),
    path("recruiting/<int:campaign_id>/edit/", views.campaign_edit, name="recruit-campaign-edit"),
    path("recruiting/<int:campaign_id>/send/", views.campaign_send_view, name="recruit-campaign-send"),
    path("recruiting/<int:campaign_id>/progress/", views.campaign_progress, name="recruit-campaign-progress"),
    path("recruiting/candidates/", views.candidates, name="recruit-candidates"),
    path("recruiting/candidates/<int:candidate_id>/move/", views.candidate_move_view, name="recruit-candidate-move"),
]
