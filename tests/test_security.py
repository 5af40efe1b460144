"""What a newsroom deploys: login throttling, a Content-Security-Policy with no inline script,
a Permissions-Policy, HSTS by default, the proxy header trusted only when configured, a clean
``check --deploy`` from the production variables alone, and gunicorn serving the app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "claims.example.org,127.0.0.1",
}


def production_env(**extra):
    kept = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY"} and not (k.startswith(("SECURE_", "AXES_", "BEHIND_")))
    }
    return {**kept, **PRODUCTION, **extra}


def log_in(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def test_repeated_wrong_passwords_lock_the_account_out_with_a_message(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "editor", "wrong").status_code == 200
    locked = log_in(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused now.
    response = log_in(client, "editor", "demo-editor-pass")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # An administrator unlocks it (also in the admin: "Access attempts").
    call_command("axes_reset_username", "editor")
    assert log_in(client, "editor", "demo-editor-pass").status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, demo, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess{number}", "wrong")
    assert log_in(client, "reviewer", "demo-reviewer-pass").status_code == 429


def test_administrators_see_the_access_attempts(client, demo):
    log_in(client, "editor", "wrong")
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "editor" in page.content.decode()


def test_pages_carry_a_strict_content_security_policy_and_no_inline_script(client, demo):
    client.force_login(get_user_model().objects.get(username="editor"))
    for url in ("/", "/claims/", "/sources/1/", "/claims/1/", "/sources/new/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "style-src 'self'" in policy
        page = response.content.decode()
        assert "<script>" not in page and " onchange=" not in page and " style=" not in page
        assert "camera=()" in response["Permissions-Policy"]


def settings_value(name, **env):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tracker.settings'; "
        f"django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_proxy_header_is_trusted_only_when_configured():
    assert settings_value("SECURE_PROXY_SSL_HEADER", **production_env()) == "None"
    trusted = settings_value("SECURE_PROXY_SSL_HEADER", **production_env(BEHIND_TLS_PROXY="1"))
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_hsts_is_on_by_default_in_production():
    assert settings_value("SECURE_HSTS_SECONDS", **production_env()) == "31536000"
    assert settings_value("SECURE_HSTS_SECONDS", **production_env(SECURE_HSTS_SECONDS="0")) == "0"


def test_check_deploy_is_clean_with_only_the_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_the_login_page_and_the_static_files(tmp_path):
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="0",
    )
    python = sys.executable
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run([python, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "tracker.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    body = page.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not answer: " + server.stdout.read1().decode())
                time.sleep(0.2)
        assert '<button type="submit">Log in</button>' in body
        stylesheet = body.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert stylesheet.startswith("/static/claims/app.") and stylesheet.endswith(".css")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}") as css:
            assert css.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
