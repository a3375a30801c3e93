from django.contrib import admin

from resource_service.exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "owner_id", "format", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "format", "created_at"]
    search_fields = ["=id", "=owner_id", "=project__id"]
    list_select_related = ["project"]
    readonly_fields = [field.name for field in Export._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
