from django.urls import path

from peersupport.publicity import views

urlpatterns = [
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/places/new/", views.place_new, name="publicity-place-new"),
    path("publicity/places/<int:place_id>/dates/", views.date_new, name="publicity-date-new"),
    path("publicity/dates/<int:date_id>/remove/", views.date_delete, name="publicity-date-remove"),
    path("publicity/poster/", views.poster, name="publicity-poster"),
    path("publicity/cards/", views.cards, name="publicity-cards"),
    path("publicity/snippet/", views.snippet, name="publicity-snippet"),
]
