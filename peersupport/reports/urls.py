from django.urls import path

from peersupport.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/export/<slug:table>.<slug:file_format>", views.export, name="reports-export"),
]
