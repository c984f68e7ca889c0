"""The migrations describe the models wherever the repository is checked out."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Not part of a checkout: the virtualenv, local data, caches, test output.
NOT_CHECKED_OUT = shutil.ignore_patterns(
    ".git", ".venv", "var", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", "test-artifacts"
)
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "SEARCH_URL", "EMAIL_URL", "CELERY_BROKER_URL", "PRIVATE_MEDIA_ROOT")


def test_a_checkout_in_another_folder_needs_no_new_migration(tmp_path):
    """A path baked into a migration (e.g. a storage's location) differs in another folder."""
    # given: the repository copied to a folder of another name, with its embedded defaults
    clone = tmp_path / "another-checkout"
    shutil.copytree(ROOT, clone, ignore=NOT_CHECKED_OUT)
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    # when
    out = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    # then
    assert (out.returncode, out.stdout) == (0, "No changes detected\n"), out.stderr
