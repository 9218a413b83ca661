from django.urls import path

from peersupport.program import views, views_staff

urlpatterns = [
    path("program/settings/", views.program_settings, name="program-settings"),
    path("program/staff/", views_staff.program_staff, name="program-staff"),
]
