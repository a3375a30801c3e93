from django.contrib import admin

from resource_service.projects.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_id", "archived", "created_at", "updated_at"]
    list_filter = ["archived", "created_at"]
    search_fields = ["name", "description", "=owner_id"]
    readonly_fields = ["id", "created_at", "updated_at"]
