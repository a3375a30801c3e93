from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "resource_service.projects"
    label = "projects"
