from django.urls import path

from peersupport.program import views, views_sites, views_staff

urlpatterns = [
    path("program/settings/", views.program_settings, name="program-settings"),
    path("program/staff/", views_staff.program_staff, name="program-staff"),
    path("program/sites/", views_sites.program_sites, name="program-sites"),
]
