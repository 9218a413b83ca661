from django.urls import path

from peersupport.planner import views

urlpatterns = [
    path("planner/", views.planner, name="planner"),
    path("planner/assumptions/", views.assumptions, name="planner-assumptions"),
]
