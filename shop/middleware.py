"""Chinese unless the visitor chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone
set to English would get English pages. The store is Chinese first: only the
language the visitor picked with the language selector (its cookie) changes it.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
