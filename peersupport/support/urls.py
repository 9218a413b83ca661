from django.urls import path

from peersupport.support import views

urlpatterns = [
    # Without a program: the only program's pages, or the choice of hospital when there are several.
    # Each program's own pages are in program_urls.py, after every other app's.
    path("support/", views.program_page, name="support"),
    path("support/ask/", views.ask, name="support-ask"),
    path("support/ask/sent/", views.ask_sent, name="support-ask-sent"),
    path("support/thanks/", views.thanks, name="support-thanks"),
    path("support/link/<str:token>/", views.link_form, name="support-link"),
    path("support/talk/<str:token>/", views.talk, name="support-talk"),
]
