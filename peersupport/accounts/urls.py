from django.urls import path

from peersupport.accounts import views

urlpatterns = [
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
]
