from django.contrib import admin

from resource_service.exports import services
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

    # Deleting here deletes the files too, as the API's deletions do.
    def delete_model(self, request, obj: Export) -> None:
        services.exports_delete(exports=Export.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        services.exports_delete(exports=queryset)
