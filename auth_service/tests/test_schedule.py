"""The beat's periodic work runs by the wall clock: a beat keeps its schedule in memory, and a task replaced at each
deploy starts counting an interval again, so work every 24 hours by interval never ran with daily deploys."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings

DAY = timedelta(days=1)


def runs_with_a_restart_every(entry: str, restarts: timedelta, days: int = 3) -> list[datetime]:
    """When the entry ran, minute by minute over the days, with the beat restarted (a deploy) at each interval."""
    schedule = copy.deepcopy(settings.CELERY_BEAT_SCHEDULE[entry]["schedule"])
    clock = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    schedule.nowfun = lambda: clock
    runs, last_run, next_restart = [], clock, clock + restarts
    for _ in range(days * 24 * 60):
        clock += timedelta(minutes=1)
        if clock >= next_restart:  # a new beat: what it knows of the last run is its own start
            last_run, next_restart = clock, clock + restarts
        elif schedule.is_due(last_run).is_due:
            runs.append(clock)
            last_run = clock
    return runs


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_periodic_work_is_scheduled_by_the_wall_clock(entry):
    assert isinstance(settings.CELERY_BEAT_SCHEDULE[entry]["schedule"], crontab)


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
@pytest.mark.parametrize("restarts", [timedelta(hours=23), DAY, timedelta(minutes=50)], ids=["23h", "24h", "50min"])
def test_periodic_work_runs_once_a_period_however_often_the_beat_restarts(entry, restarts):
    runs = runs_with_a_restart_every(entry, restarts)
    period = DAY if len(settings.CELERY_BEAT_SCHEDULE[entry]["schedule"].hour) == 1 else timedelta(hours=1)
    expected = 3 * DAY // period
    # A restart in the very minute of a run may skip that one run.
    assert expected - 3 <= len(runs) <= expected, runs
