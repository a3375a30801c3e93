"""The compose stack's monitoring profile: Prometheus scrapes both services and both workers, and has loaded
every alerting rule of infra/prometheus/alerts.yml. tests/run_compose.py runs this with the profile on."""

import os
from pathlib import Path

import pytest
import requests
import yaml
from conftest import wait_for

PROMETHEUS_URL = os.environ.get("BLACKBOX_PROMETHEUS_URL", "http://127.0.0.1:9090").rstrip("/")
RULES = Path(__file__).parents[2] / "infra" / "prometheus" / "alerts.yml"
JOBS = {"auth", "resource", "auth-worker", "resource-worker"}


def api(path: str, **params: str) -> dict:
    response = requests.get(f"{PROMETHEUS_URL}/api/v1/{path}", params=params, timeout=10)
    response.raise_for_status()
    return response.json()["data"]


@pytest.fixture(scope="module")
def targets() -> list[dict]:
    def every_job_up() -> bool:
        active = api("targets")["activeTargets"]
        return {t["labels"]["job"] for t in active if t["health"] == "up"} == JOBS

    # A scrape every 15 s: the first of each target comes within one interval of Prometheus's start.
    wait_for(every_job_up, timeout=90, interval=1)
    return api("targets")["activeTargets"]


def test_every_service_and_worker_is_a_target_that_is_up(targets):
    assert sorted((t["labels"]["job"], t["health"], t["lastError"]) for t in targets) == sorted(
        (job, "up", "") for job in JOBS
    )


def test_the_scrapes_carry_the_metrics_the_rules_read(targets):
    """Run after the black-box suite, which logs in, sends forged tokens and makes the workers send emails."""
    found = {(series["job"], series["__name__"]) for series in api("series", **{"match[]": '{__name__=~".+_total"}'})}
    assert {
        ("auth", "django_http_responses_total_by_status_total"),
        ("resource", "django_http_responses_total_by_status_total"),
        ("auth", "auth_login_attempts_total"),
        ("resource", "resource_token_rejections_total"),
        ("auth-worker", "celery_tasks_total"),
        ("resource-worker", "celery_tasks_total"),
    } <= found


def test_every_alerting_rule_of_the_repository_is_loaded(targets):
    expected = {rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]}
    loaded = {rule["name"]: rule["health"] for group in api("rules")["groups"] for rule in group["rules"]}
    assert loaded == dict.fromkeys(expected, "ok")
