"""Chinese unless the visitor chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone
set to English would get English pages. The store is Chinese first: only the
language the visitor picked with the language selector (its cookie) changes it.
"""

from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()


def request_language(request) -> str:
    """The language the visitor chose with the language selector (its cookie), else Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response.

    Defence in depth behind sanitising vendor text on save: no script, style,
    frame or form target from another origin, no plugins, no <base> tricks.
    Oscar's templates use inline scripts and styles, so those stay allowed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class HealthCheckMiddleware:
    """Answers ``/healthz/`` with "ok" before any other middleware runs.

    A load balancer's probe and `make bench`'s ceiling: no session, no database, no template, no
    HTTPS redirect (a probe speaks plain HTTP to the server behind the proxy). Everything else goes on
    down the chain untouched.
    """

    PATH = "/healthz/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.PATH:
            return HttpResponse(b"ok", content_type="text/plain")
        return self.get_response(request)
