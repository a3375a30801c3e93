"""manage.py of make bench's naive DRF baseline (tests/bench/baselines/naive)."""

import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naive.settings")
execute_from_command_line(sys.argv)
