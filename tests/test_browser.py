"""In a real browser (Debian's Chromium, driven by Playwright): the API docs work end to end with bearer
auth, and the resource admin's filters and search work. Screenshots of each step go to tests/artifacts/.

BLACKBOX_ADMIN_USER and BLACKBOX_ADMIN_PASSWORD name a superuser of the resource service's admin (the
stack scripts create one).
"""

import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from conftest import BASE_URL, PASSWORD, wait_for
from playwright.sync_api import Page, expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("BLACKBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def try_out(page: Page, operation: str, body: dict | None = None) -> tuple[int, str]:
    """Open an operation in Swagger UI, press "Try it out", fill the body, execute; return status and body."""
    block = page.locator(f"#{operation}")
    block.locator(".opblock-summary").click()
    block.locator(".try-out__btn").click()
    if body is not None:
        block.locator("textarea.body-param__text").fill(json.dumps(body))
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text(re.compile(r"^\s*\d{3}"), timeout=20_000)
    text = block.locator(".live-responses-table tbody .response-col_description pre").first.inner_text()
    return int(status.inner_text().strip()[:3]), text


def authorize(page: Page, token: str) -> None:
    page.locator(".auth-wrapper .authorize").first.click()
    modal = page.locator(".modal-ux")
    modal.locator("input").first.fill(f"Bearer {token}")
    modal.locator("button.authorize").click()
    modal.locator("button.btn-done").click()


def test_docs_register_log_in_authorize_and_call_both_services(page):
    email = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{BASE_URL}/auth/docs/")
    status, _ = try_out(page, "operations-register-register_create", {"email": email, "password": PASSWORD})
    assert status == 201
    status, body = try_out(page, "operations-token-token_create", {"email": email, "password": PASSWORD})
    assert status == 200
    token = json.loads(body)["access"]
    shot(page, "1-auth-docs-logged-in")

    authorize(page, token)
    status, body = try_out(page, "operations-me-me_list")
    assert status == 200
    assert json.loads(body)["email"] == email
    shot(page, "2-auth-docs-me")

    page.goto(f"{BASE_URL}/api/docs/")
    authorize(page, token)
    status, body = try_out(page, "operations-projects-projects_create", {"name": "From the browser"})
    assert status == 201
    project_id = json.loads(body)["id"]
    status, body = try_out(page, "operations-projects-projects_list")
    assert status == 200
    assert [project["id"] for project in json.loads(body)["results"]] == [project_id]
    shot(page, "3-api-docs-projects")


def test_docs_turn_a_second_factor_on_and_log_in_with_a_code(page):
    email = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{BASE_URL}/auth/docs/")
    try_out(page, "operations-register-register_create", {"email": email, "password": PASSWORD})
    _status, body = try_out(page, "operations-token-token_create", {"email": email, "password": PASSWORD})
    authorize(page, json.loads(body)["access"])
    status, body = try_out(page, "operations-mfa-mfa_totp_create")
    assert status == 201
    totp = pyotp.TOTP(json.loads(body)["secret"])
    # The code of the step before (the current one stays free for the login below), made 10 s or more before the
    # step ends, so that the browser's round trip cannot carry it past the one step back the server accepts.
    assert wait_for(lambda: totp.interval - datetime.now(UTC).timestamp() % totp.interval >= 10, timeout=25)
    step = totp.timecode(datetime.now(UTC))
    status, body = try_out(page, "operations-mfa-mfa_totp_confirm_create", {"code": totp.generate_otp(step - 1)})
    assert status == 200
    assert len(json.loads(body)["recovery_codes"]) == 10
    shot(page, "6-auth-docs-totp-on")
    page.goto(f"{BASE_URL}/auth/docs/")  # the page afresh: the login's operation opens again
    status, body = try_out(page, "operations-token-token_create", {"email": email, "password": PASSWORD})
    assert status == 401
    mfa_token = json.loads(body)["mfa_token"]
    status, body = try_out(page, "operations-token-token_mfa_create", {"mfa_token": mfa_token, "code": totp.now()})
    assert status == 200
    assert json.loads(body)["access"]
    shot(page, "7-auth-docs-logged-in-with-a-code")


def test_the_admin_filters_and_searches_tasks(page, alice):
    user, password = os.environ.get("BLACKBOX_ADMIN_USER"), os.environ.get("BLACKBOX_ADMIN_PASSWORD")
    if not user or not password:
        pytest.fail("BLACKBOX_ADMIN_USER and BLACKBOX_ADMIN_PASSWORD must name a resource admin superuser")
    api = alice.api()
    project = api.post("/api/projects/", json={"name": "Admin garden"}).json()
    marker = uuid.uuid4().hex[:8]
    for title, status in ((f"Dig {marker}", "todo"), (f"Sow {marker}", "done")):
        api.post(f"/api/projects/{project['id']}/tasks/", json={"title": title, "status": status})

    page.goto(f"{BASE_URL}/api/admin/login/?next=/api/admin/projects/task/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    # The first login of a staff account sets its second factor up: the page shows the key for the app.
    setup = page.locator(".errornote").first
    expect(setup).to_contain_text("Add this key to your authenticator app")
    shot(page, "8-admin-second-factor-set-up")
    totp = pyotp.TOTP(re.search(r"its code: ([A-Z2-7]+)", setup.inner_text())[1])
    page.fill("#id_password", password)
    page.fill("#id_code", totp.now())
    page.click("input[type=submit]")
    expect(page.locator("#result_list")).to_be_visible()
    shot(page, "4-admin-tasks")

    page.fill("#searchbar", marker)
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.locator("#changelist-filter a", has_text="Done").first.click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Sow {marker}")
    shot(page, "5-admin-tasks-filtered")
