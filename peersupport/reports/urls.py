from django.urls import path

from peersupport.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/deck/", views.deck, name="reports-deck"),
    path("reports/deck/download/", views.deck_download, name="reports-deck-download"),
    path("reports/export/<slug:table>.<slug:file_format>", views.export, name="reports-export"),
]
