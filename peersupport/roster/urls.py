from django.urls import path

from peersupport.roster import views, views_about, views_import

urlpatterns = [
    path("my/about/", views_about.about_me, name="about-me"),
    path("roster/", views.roster, name="roster"),
    path("roster/lookup/", views.lookup, name="roster-lookup"),
    path("roster/lookup/chip/", views.lookup_chip, name="roster-chip"),
    path("roster/new/", views.person_new, name="person-new"),
    # Outside roster/: an employee id may be any text, "import" too.
    path("roster-import/", views_import.roster_import_new, name="roster-import-new"),
    path("roster-import/<int:roster_import_id>/", views_import.roster_import, name="roster-import"),
    path("roster-import/<int:roster_import_id>/progress/", views_import.roster_import_progress,
         name="roster-import-progress"),
    path("roster-import/<int:roster_import_id>/start/", views_import.roster_import_begin, name="roster-import-start"),
    # Employee ids come from HR systems and may hold a slash: `path`, and the longer route first.
    path("roster/<path:employee_id>/supporter/", views.supporter_edit, name="supporter-edit"),
    path("roster/<path:employee_id>/", views.person_edit, name="person-edit"),
    path("supporters/", views.supporters, name="supporters"),
    path("supporters/add/", views.supporter_add, name="supporter-add"),
]
