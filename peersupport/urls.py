from django.urls import include, path

urlpatterns = [
    path("", include("peersupport.front.urls")),
]
