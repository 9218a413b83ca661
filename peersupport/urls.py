from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("peersupport.api.urls")),
    path("", include("peersupport.front.urls")),
    path("", include("peersupport.accounts.urls")),
    path("", include("peersupport.referrals.urls")),
    path("", include("peersupport.support.urls")),
    path("", include("peersupport.cases.urls")),
    path("", include("peersupport.roster.urls")),
    path("", include("peersupport.resources.urls")),
    path("", include("peersupport.program.urls")),
    path("", include("peersupport.meetings.urls")),
    path("", include("peersupport.debriefs.urls")),
    path("", include("peersupport.recruitment.urls")),
    path("", include("peersupport.training.urls")),
    path("", include("peersupport.team.urls")),
    path("", include("peersupport.composition.urls")),
    path("", include("peersupport.planner.urls")),
    path("", include("peersupport.feedback.urls")),
    path("", include("peersupport.publicity.urls")),
    path("", include("peersupport.reports.urls")),
    # Last: /support/<short name>/ must not take any other page's address.
    path("", include("peersupport.support.program_urls")),
]
