"""Settings read at start-up, each in a fresh interpreter: the secret key is never one written in
the code, and mail goes to the console unless SMTP is configured from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "import json, django; from django.conf import settings; django.setup();"
    " print(json.dumps({'key': settings.SECRET_KEY, 'mail': settings.MAILERS['default']}))"
)


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "EMAIL_HOST", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "-c", READ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cvm_site.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_a_start_without_secret_key_makes_one_in_a_private_file_and_says_so(tmp_path):
    key_file = tmp_path / "secret"
    first = start({"DEBUG": "0", "SECRET_KEY_FILE": str(key_file)})
    second = start({"DEBUG": "0", "SECRET_KEY_FILE": str(key_file)})
    assert first.returncode == 0, first.stderr
    key = json.loads(first.stdout)["key"]
    assert len(key) >= 50 and "insecure" not in key
    assert json.loads(second.stdout)["key"] == key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "created a secret key" in first.stderr and "created" not in second.stderr


def test_two_sites_without_secret_key_never_share_one(tmp_path):
    one = start({"SECRET_KEY_FILE": str(tmp_path / "a")})
    two = start({"SECRET_KEY_FILE": str(tmp_path / "b")})
    assert json.loads(one.stdout)["key"] != json.loads(two.stdout)["key"]


def test_https_without_secret_key_refuses_to_start(tmp_path):
    result = start({"HTTPS": "1", "SECRET_KEY_FILE": str(tmp_path / "secret")})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_secret_key_file_is_never_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".secret_key"], cwd=ROOT, capture_output=True
    )
    assert ignored.returncode == 0


def test_mail_goes_to_the_console_by_default(tmp_path):
    result = start({"SECRET_KEY_FILE": str(tmp_path / "s")})
    assert json.loads(result.stdout)["mail"]["BACKEND"].endswith("console.EmailBackend")


def test_smtp_is_configured_from_the_environment(tmp_path):
    env = {
        "SECRET_KEY_FILE": str(tmp_path / "s"),
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "cvm",
        "EMAIL_HOST_PASSWORD": "hunter2-but-longer",
    }
    mail = json.loads(start(env).stdout)["mail"]
    assert mail["BACKEND"].endswith("smtp.EmailBackend")
    assert mail["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "cvm",
        "password": "hunter2-but-longer",
        "use_tls": True,
    }
