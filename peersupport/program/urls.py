from django.urls import path

from peersupport.program import views

urlpatterns = [
    path("program/settings/", views.program_settings, name="program-settings"),
]
