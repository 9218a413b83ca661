from django.urls import path

from peersupport.support import views

urlpatterns = [
    # Without a program: the only program's pages, or the choice of hospital when there are several.
    path("support/", views.program_page, name="support"),
    path("support/ask/", views.ask, name="support-ask"),
    path("support/ask/sent/", views.ask_sent, name="support-ask-sent"),
    path("support/thanks/", views.thanks, name="support-thanks"),
    path("support/link/<str:token>/", views.link_form, name="support-link"),
    path("support/talk/<str:token>/", views.talk, name="support-talk"),
    # Each program's own page and ask path (its short name; the words above are never one).
    path("support/<slug:short_name>/", views.program_page, name="support-program"),
    path("support/<slug:short_name>/ask/", views.ask, name="support-program-ask"),
    path("support/<slug:short_name>/ask/sent/", views.ask_sent, name="support-program-ask-sent"),
    path("support/<slug:short_name>/thanks/", views.thanks, name="support-program-thanks"),
]
