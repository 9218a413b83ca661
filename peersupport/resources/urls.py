from django.urls import path

from peersupport.resources import views

urlpatterns = [
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.resource_new, name="resource-new"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource-edit"),
    path("resources/<int:resource_id>/deactivate/", views.resource_set_active, {"active": False},
         name="resource-deactivate"),
    path("resources/<int:resource_id>/reactivate/", views.resource_set_active, {"active": True},
         name="resource-reactivate"),
]
