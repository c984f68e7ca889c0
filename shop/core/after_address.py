"""Where a buyer goes back to after adding an address (kept in the session).

A page that needs an address before it can go on (a live snap-up ships its one-tap order to the default
address) sends the buyer to Oscar's address page, whose view takes no ``next``; the page remembers its
own URL here, and the address view (shop.customer.views) returns there once the address is saved.
Only a path on this site is followed.
"""

from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "after_address"


def after_address_remember(request, url: str) -> None:
    request.session[SESSION_KEY] = url


def after_address_pop(request) -> str | None:
    """The remembered URL (forgotten now), or None when there is none or it leads off this site."""
    url = request.session.pop(SESSION_KEY, None)
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return None
