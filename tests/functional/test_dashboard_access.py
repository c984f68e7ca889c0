"""Vendors and consumers never use Oscar's dashboard (docs/oscar-pitfalls.md #2 and 3).

Every dashboard:* URL is walked as a vendor's user and as a consumer: each is
sent to the login page (or refused), and none answers with a page.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_vendor


def _dashboard_names(patterns=None, namespace=""):
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _dashboard_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name and namespace.startswith("dashboard:"):
            names.append((f"{namespace}{entry.name}", list(entry.pattern.regex.groupindex)))
    return names


def _url(name: str, kwargs: list[str]) -> str:
    try:
        return reverse(name, kwargs={key: "x" for key in kwargs})
    except NoReverseMatch:  # a numeric argument
        return reverse(name, kwargs={key: "1" for key in kwargs})


@pytest.mark.django_db
def test_no_dashboard_url_opens_for_a_vendor_or_a_consumer(django_app):
    # given
    _vendor, vendor_user = make_vendor("临县王家庄村合作社")
    consumer = UserFactory()
    # The dashboard's own login and logout pages are for everybody.
    names = [(n, k) for n, k in _dashboard_names() if n not in ("dashboard:login", "dashboard:logout")]
    # when
    answers = {}
    for name, kwargs in names:
        url = _url(name, kwargs)
        for who, user in (("vendor", vendor_user), ("consumer", consumer)):
            response = django_app.get(url, user=user, expect_errors=True)
            answers[(name, who)] = (response.status_code, response.headers.get("Location", "").split("?")[0])
    # then
    assert len(names) > 80
    refused = {(302, "/accounts/login/"), (302, "/dashboard/login/"), (403, ""), (404, "")}
    assert {key: answer for key, answer in answers.items() if answer not in refused} == {}
