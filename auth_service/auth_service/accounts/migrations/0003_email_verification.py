from django.db import migrations, models


class Migration(migrations.Migration):
    """Accounts that existed before verification did are verified: they have been logging in with that address, so
    switching EMAIL_VERIFICATION to mandatory locks nobody out."""

    dependencies = [("accounts", "0002_normalize_addresses")]

    operations = [
        migrations.AddField(model_name="user", name="email_verified", field=models.BooleanField(default=True)),
        migrations.AlterField(
            model_name="user",
            name="email_verified",
            field=models.BooleanField(default=False, help_text="Whether the owner followed a verification link."),
        ),
        migrations.AddField(
            model_name="user",
            name="email_verification_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
