"""A buyer's browser without a browser: one cookie session over HTTP, filling the shop's real forms.

Only the standard library and BeautifulSoup (already there for django-webtest), so any
thread can hold one. Redirects are followed by hand to record every status the server sent.
"""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from tests.factories import CHECKOUT_ADDRESS

ADDRESS = CHECKOUT_ADDRESS
CASH_ON_DELIVERY = "货到付款"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    url: str
    status: int
    html: BeautifulSoup

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path

    def text(self) -> str:
        return self.html.get_text(" ", strip=True)

    def form(self, selector: str):
        return self.html.select_one(selector)


@dataclass
class Shopper:
    """One buyer: a cookie jar and the statuses of every response it received."""

    base_url: str
    statuses: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def get(self, path: str) -> Page:
        return self._request(path, None)

    def post(self, path: str, data: dict | list) -> Page:
        return self._request(path, data)

    def submit(self, page: Page, form, **values) -> Page:
        """Post ``form`` (a <form> of ``page``) with its own inputs, ``values`` overriding them."""
        action = urllib.parse.urljoin(page.url, form.get("action") or page.url)
        return self.post(action, [*form_inputs(form, exclude=values).items(), *values.items()])

    def set_cookie(self, name: str, value: str) -> None:
        """A cookie for the server's host, as a browser that signed in elsewhere would hold it."""
        host = urllib.parse.urlsplit(self.base_url).hostname
        self.cookies.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def _request(self, url: str, data) -> Page:
        url = urllib.parse.urljoin(self.base_url, url)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        for _hop in range(10):
            request = urllib.request.Request(url, data=body, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
            try:
                response = self._opener.open(request, timeout=60)
            except urllib.error.HTTPError as error:
                response = error
            with response:
                self.statuses.append(response.status)
                content = response.read()
                if response.status in (301, 302, 303):
                    url, body = urllib.parse.urljoin(url, response.headers["Location"]), None
                    continue
                return Page(url=url, status=response.status, html=BeautifulSoup(content, "html.parser"))
        raise AssertionError(f"too many redirects, last {url}")


def form_inputs(form, *, exclude=()) -> dict[str, str]:
    """The values a browser would send for ``form``'s inputs (checked radios/boxes only, no buttons)."""
    values = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name = element["name"]
        if name in exclude:
            continue
        kind = element.get("type", "text").lower()
        if kind in ("submit", "button", "image", "file") or (
            kind in ("radio", "checkbox") and not element.has_attr("checked")
        ):
            continue
        if element.name == "textarea":
            values[name] = element.get_text()
        elif element.name == "select":
            option = element.select_one("option[selected]") or element.select_one("option")
            values[name] = option.get("value", option.get_text()) if option else ""
        else:
            values[name] = element.get("value", "")
    return values


def add_to_basket(shopper: Shopper, *, product_pk: int, quantity: int = 1) -> Page:
    """Oscar's add-to-basket POST, with the CSRF cookie a first page view gives."""
    shopper.get("/basket/")
    return shopper.post(
        f"/basket/add/{product_pk}/", {"csrfmiddlewaretoken": shopper.csrf_token(), "quantity": str(quantity)}
    )


def checkout_to_preview(shopper: Shopper, *, email: str, address: dict = ADDRESS) -> Page:
    """The guest checkout up to the preview, whatever steps the shop puts in between."""
    page = shopper.get("/checkout/")
    for _step in range(8):
        if form := page.form("#place_order_form"):
            return page
        if page.form("input[name=username]") and page.form("input[name=options]"):
            gateway = page.html.find("input", attrs={"name": "username"}).find_parent("form")
            page = shopper.submit(page, gateway, username=email, options="anonymous")
        elif form := page.form("#new_shipping_address"):
            page = shopper.submit(page, form, **address)
        elif form := page.form("#payment_method_form"):
            label = next(lab for lab in form.select("label") if CASH_ON_DELIVERY in lab.get_text())
            page = shopper.submit(page, form, method=form.find(id=label["for"])["value"])
        elif form := page.form("form[action$='/checkout/shipping-method/']"):
            page = shopper.submit(page, form)
        else:
            break
    raise AssertionError(f"no checkout preview: {page.status} {page.path}\n{page.text()[:2000]}")


def place_order(shopper: Shopper, preview: Page) -> Page:
    """Post the preview's place-order form with every input it carries (hidden totals included)."""
    return shopper.submit(preview, preview.form("#place_order_form"))
