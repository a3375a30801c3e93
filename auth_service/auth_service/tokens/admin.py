from django.contrib import admin

from auth_service.tokens import services
from auth_service.tokens.models import LoginEvent, TokenFamily


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    """The sessions: an admin ends one as its user would, its live access tokens included."""

    list_display = ["id", "user", "created_at", "last_refreshed_at", "active", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason", "created_at", "revoked_at"]
    search_fields = ["=id", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "id",
        "user",
        "created_at",
        "last_refreshed_at",
        "revoked_at",
        "revoked_reason",
        "user_agent",
        "client_ip",
    ]
    actions = ["end_sessions"]

    @admin.action(description="End the selected sessions")
    def end_sessions(self, request, queryset) -> None:
        for family in queryset.filter(revoked_at__isnull=True):
            services.family_revoke(family=family, reason=TokenFamily.Reason.ENDED)

    @admin.display(boolean=True, description="active")
    def active(self, family: TokenFamily) -> bool:
        return family.is_active

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "outcome", "client_ip", "user"]
    list_filter = ["outcome", "created_at"]
    search_fields = ["email", "=client_ip"]
    list_select_related = ["user"]
    readonly_fields = ["created_at", "email", "outcome", "client_ip", "user_agent", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
