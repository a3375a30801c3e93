from django.urls import path

from resource_service.exports import views

urlpatterns = [
    path("projects/<uuid:project_id>/exports/", views.ExportCreateView.as_view(), name="export-create"),
    path("exports/<uuid:export_id>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<uuid:export_id>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
