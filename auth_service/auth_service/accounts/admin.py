from django.contrib import admin, messages
from django.contrib.auth import forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from auth_service.accounts import addresses, services
from auth_service.accounts.models import TOTPDevice, User


class AddressMixin:
    """The address in its one form, as the API stores it, before the form checks that no other account has it."""

    def clean_email(self):
        try:
            return addresses.normalize(self.cleaned_data["email"])
        except addresses.InvalidAddress as exc:
            raise ValidationError(str(exc)) from exc


class UserCreationForm(AddressMixin, forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class PasswordSetForm(forms.AdminPasswordChangeForm):
    """The admin's "change password" form, saved through the service: every login of the user ends."""

    def save(self, commit=True):
        user = super().save(commit=False)
        if commit:
            services.user_password_save(user=user)
        return user


class UserChangeForm(AddressMixin, forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordSetForm
    ordering = ["-date_joined"]
    list_display = ["email", "email_verified", "totp_on", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["email_verified", "is_active", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["id", "date_joined", "last_login"]
    actions = ["deactivate", "turn_off_totp"]
    fieldsets = [
        (None, {"fields": ["id", "email", "email_verified", "password"]}),
        ("Profile", {"fields": ["display_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]

    def get_queryset(self, request):
        totp_on = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
        return super().get_queryset(request).annotate(has_totp=Exists(totp_on))

    @admin.display(boolean=True, description="TOTP", ordering="has_totp")
    def totp_on(self, user: User) -> bool:
        return user.has_totp  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.action(description="Turn off the second factor (TOTP) of the selected users")
    def turn_off_totp(self, request, queryset):
        for user in queryset.filter(has_totp=True):
            services.totp_turn_off(user=user)
        self.message_user(request, "Their second factor is off; they were told by mail.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected users and revoke their tokens")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            services.user_deactivate(user=user)
        self.message_user(request, "Deactivated; their tokens are revoked.", messages.SUCCESS)

    # Deleting here is the API's deletion (tokens revoked, the resource service's data deleted), row and all.
    def delete_model(self, request, obj: User) -> None:
        services.user_erase(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            services.user_erase(user=user)

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            services.user_deactivate(user=obj)
