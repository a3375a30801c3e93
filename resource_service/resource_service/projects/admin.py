from django.contrib import admin

from resource_service.projects.models import Project, Task


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "status", "priority", "due_date"]
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_id", "archived", "created_at", "updated_at"]
    list_filter = ["archived", "created_at"]
    search_fields = ["name", "description", "=owner_id"]
    readonly_fields = ["id", "created_at", "updated_at"]
    inlines = [TaskInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "owner_id", "status", "priority", "due_date", "created_at"]
    list_filter = ["status", "priority", "due_date", "project__archived"]
    search_fields = ["title", "description", "project__name", "=project__owner_id"]
    list_select_related = ["project"]
    readonly_fields = ["id", "created_at", "updated_at"]
    raw_id_fields = ["project"]

    @admin.display(description="owner id", ordering="project__owner_id")
    def owner_id(self, task: Task):
        return task.project.owner_id
