"""The logins ``seed_demo`` prints: its passwords are random and shown once, by the run that creates them."""

import io
import re

from django.core.management import call_command

LOGIN_LINE = re.compile(r"^(?:Admin|Seller) login: (\S+) / (\S+)", flags=re.MULTILINE)


def seed_demo(*args: str) -> dict[str, str]:
    """Run ``seed_demo --yes-demo-data *args``; return the logins it printed, {login: password}."""
    out = io.StringIO()
    call_command("seed_demo", "--yes-demo-data", *args, stdout=out)
    return dict(LOGIN_LINE.findall(out.getvalue()))
