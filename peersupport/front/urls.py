from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods

from peersupport.front import errors, views, views_my_data

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        # A FormView also takes PUT as a POST; the sign-in page answers only GET and POST.
        require_http_methods(["GET", "POST"])(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("my/data/", views_my_data.my_data, name="my-data"),
    path("team/", views.team_hub, name="team-hub"),
    path("program/", views.program_hub, name="program-hub"),
    path("favicon.ico", errors.favicon, name="favicon"),
]
