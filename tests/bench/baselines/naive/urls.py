from django.urls import path
from rest_framework import filters, serializers, viewsets
from rest_framework.routers import DefaultRouter

from naive.models import Project, Task


class ProjectSerializer(serializers.ModelSerializer):
    task_counts = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "name", "description", "archived", "created_at", "updated_at", "task_counts"]

    def get_task_counts(self, project):
        return {status: project.tasks.filter(status=status).count() for status in ("todo", "in_progress", "done")}


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "project", "title", "description", "status", "priority", "due_date", "created_at"]
        read_only_fields = ["project"]


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return Project.objects.filter(owner=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["due_date", "priority", "created_at"]

    def get_queryset(self):
        return Task.objects.filter(project__owner=self.request.user, project_id=self.kwargs["project_pk"]).order_by(
            "-created_at"
        )

    def perform_create(self, serializer):
        serializer.save(project=Project.objects.get(pk=self.kwargs["project_pk"], owner=self.request.user))


router = DefaultRouter()
router.register("api/projects", ProjectViewSet, basename="project")
urlpatterns = [
    *router.urls,
    path("api/projects/<int:project_pk>/tasks/", TaskViewSet.as_view({"get": "list", "post": "create"})),
]
