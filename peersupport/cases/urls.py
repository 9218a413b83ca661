from django.urls import path

from peersupport.cases import views

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/assign/", views.case_assign_view, name="case-assign"),
    path("my/cases/", views.my_cases, name="my-cases"),
]
