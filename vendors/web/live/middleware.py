"""The status every open event page polls, answered before sessions, users and the rest of the chain.

``/live/<slug>/status.json`` is the same for every viewer and reads no session, no user and no cookie
(``EventStatusView``); with 200,000 viewers polling every 3 s it is most of the site's requests during a
stream. This middleware sits after the security, static-file and content-security-policy ones and answers
a GET (or HEAD) of it with that view itself, so a poll costs what the view costs, not also the session,
locale, CSRF, authentication, messages and basket middleware, which would find nothing to do. An unknown
event goes on down the chain to the site's own 404 page; every other request goes on untouched.
"""

import re

from django.http import Http404

from vendors.web.live.views import EventStatusView


class LiveStatusMiddleware:
    PATH = re.compile(r"/live/(?P<slug>[-a-zA-Z0-9_]+)/status\.json")

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = EventStatusView.as_view()

    def __call__(self, request):
        match = self.PATH.fullmatch(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            return self.view(request, slug=match["slug"])
        except Http404:
            return self.get_response(request)
