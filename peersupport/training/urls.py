from django.urls import path

from peersupport.training import views

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/settings/", views.training_settings, name="training-settings"),
    path("training/courses/new/", views.course_new, name="training-course-new"),
    path("training/courses/<int:course_id>/", views.course_page, name="training-course"),
    path("training/courses/<int:course_id>/edit/", views.course_edit, name="training-course-edit"),
    path("training/courses/<int:course_id>/sessions/new/", views.session_new, name="training-session-new"),
    path("training/sessions/<int:session_id>/", views.session_page, name="training-session"),
    path("training/sessions/<int:session_id>/edit/", views.session_edit, name="training-session-edit"),
    path("training/materials/new/", views.material_new, name="training-material-new"),
    path("training/materials/<int:material_id>/", views.material_edit, name="training-material-edit"),
    path("my/training/", views.my_training, name="my-training"),
    # Public: the attendee's personal link from the email after a session.
    path("training/evaluation/thanks/", views.evaluation_thanks, name="training-evaluation-thanks"),
    path("training/evaluation/<str:token>/", views.evaluation, name="training-evaluation"),
]
