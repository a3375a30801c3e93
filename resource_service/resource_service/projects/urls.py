from django.urls import path

from resource_service.projects import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<uuid:project_id>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<uuid:project_id>/tasks/", views.TaskListView.as_view(), name="task-list"),
    path("projects/<uuid:project_id>/tasks/<uuid:task_id>/", views.TaskDetailView.as_view(), name="task-detail"),
]
