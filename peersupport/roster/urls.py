from django.urls import path

from peersupport.roster import views, views_about

urlpatterns = [
    path("my/about/", views_about.about_me, name="about-me"),
    path("roster/", views.roster, name="roster"),
    path("roster/lookup/", views.lookup, name="roster-lookup"),
    path("roster/lookup/chip/", views.lookup_chip, name="roster-chip"),
    path("roster/new/", views.person_new, name="person-new"),
    # Employee ids come from HR systems and may hold a slash: `path`, and the longer route first.
    path("roster/<path:employee_id>/supporter/", views.supporter_edit, name="supporter-edit"),
    path("roster/<path:employee_id>/", views.person_edit, name="person-edit"),
    path("supporters/", views.supporters, name="supporters"),
    path("supporters/add/", views.supporter_add, name="supporter-add"),
]
