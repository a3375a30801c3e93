import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auth_service.settings")

application = get_wsgi_application()

# Fail the worker's boot, with a message naming the setting, rather than the first request.
from auth_service.tokens.keys import check_configuration  # noqa: E402

check_configuration()

# What the worker keeps until it exits, out of the garbage collector's sight: the URLconf and all it imports (else
# loaded by the first request), then every object made so far, frozen. A full collection would otherwise walk those
# 120,000 objects again each time, pausing the worker's requests: 80 to 190 ms under the bench's load, the
# lists' p99 latency (docs/profiling.md).
get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf)
gc.collect()
gc.freeze()
