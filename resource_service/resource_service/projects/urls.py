from django.urls import path

from resource_service.exports import views as exports
from resource_service.projects import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<uuid:project_id>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<uuid:project_id>/tasks/", views.TaskListView.as_view(), name="task-list"),
    path("projects/<uuid:project_id>/tasks/<uuid:task_id>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("projects/<uuid:project_id>/exports/", exports.ExportCreateView.as_view(), name="export-create"),
    path("exports/<uuid:export_id>/", exports.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<uuid:export_id>/download/", exports.ExportDownloadView.as_view(), name="export-download"),
]
