import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auth_service.settings")

application = get_wsgi_application()

# Fail the worker's boot, with a message naming the setting, rather than the first request.
from auth_service.tokens.keys import check_configuration  # noqa: E402

check_configuration()
