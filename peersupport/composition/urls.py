from django.urls import path

from peersupport.composition import views

urlpatterns = [
    path("team/composition/", views.composition, name="team-composition"),
]
