"""Each program's own public page and ask path: /support/<short name>/….

Included after every other app's routes (peersupport/urls.py), so a fixed address under /support/
(/support/ask/, /support/what-supporters-do/, …) is never taken for a program's short name, and a
program may not be given one that would be (`pages.require_free_public_address`).
"""

from django.urls import path

from peersupport.support import views

urlpatterns = [
    path("support/<slug:short_name>/", views.program_page, name="support-program"),
    path("support/<slug:short_name>/ask/", views.ask, name="support-program-ask"),
    path("support/<slug:short_name>/ask/sent/", views.ask_sent, name="support-program-ask-sent"),
    path("support/<slug:short_name>/thanks/", views.thanks, name="support-program-thanks"),
]
