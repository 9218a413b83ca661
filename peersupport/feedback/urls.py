from django.urls import path

from peersupport.feedback import views

urlpatterns = [
    path("feedback/thanks/", views.thanks, name="feedback-thanks"),
    path("feedback/report/", views.report, name="feedback-report"),
    path("feedback/<str:token>/", views.feedback_form, name="feedback-form"),
]
