from django.contrib.auth import views as auth_views
from django.urls import path

from peersupport.accounts import views_signin
from peersupport.front import errors, views, views_my_data

urlpatterns = [
    path("", views.home, name="home"),
    # The password form and the single sign-on button (peersupport/accounts/views_signin.py).
    path("accounts/login/", views_signin.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("my/data/", views_my_data.my_data, name="my-data"),
    path("team/", views.team_hub, name="team-hub"),
    path("program/", views.program_hub, name="program-hub"),
    path("favicon.ico", errors.favicon, name="favicon"),
]
