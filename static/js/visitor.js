/* The per-visitor part of a page served from the shared cache (shop.core.pagecache).
   Such a page carries blank CSRF tokens, an empty basket and the header of someone signed out: this asks
   /visitor.json once for the visitor's own token (it also sets the CSRF cookie), basket count and, when
   she is signed in, her header's links, and fills them in. A page rendered
   for this visitor alone has its tokens already and asks for nothing. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.getAttribute("data-visitor-url");
  // Tells the page cache that this browser runs this script: a signed-in visitor may then be sent the shared
  // pages, which this script makes hers (shop.core.pagecache). Without it she gets pages rendered for her.
  document.cookie = "vm_js=1; path=/; max-age=31536000; samesite=lax";

  function show(selector, shown) {
    document.querySelectorAll(selector).forEach(function (el) { el.hidden = !shown; });
  }

  function fillAccount(account) {
    if (!account || !account.signed_in) {
      return;
    }
    show("[data-visitor-signed-out]", false);
    // A hidden field a signed-in visitor does not need (the back-in-stock e-mail) must not stop its form.
    document.querySelectorAll("[data-visitor-signed-out] input").forEach(function (input) { input.disabled = true; });
    show("[data-visitor-signed-in]", true);
    show("[data-visitor-staff]", !!account.staff);
    var seller = document.querySelector("[data-visitor-seller]");
    if (seller && account.seller) {
      seller.href = account.seller.href;
      seller.textContent = account.seller.label;
    }
  }

  function blankTokens() {
    return Array.prototype.filter.call(
      document.querySelectorAll('input[name="csrfmiddlewaretoken"]'),
      function (input) { return !input.value; }
    );
  }

  function fill(state) {
    blankTokens().forEach(function (input) { input.value = state.csrf_token; });
    document.querySelectorAll("[data-visitor-basket-count]").forEach(function (el) {
      el.textContent = state.basket.count || "";
      el.hidden = !state.basket.count;
    });
    fillAccount(state.account);
  }

  function load() {
    if (!blankTokens().length) {
      return;
    }
    var live = document.getElementById("live_event");
    var query = live && live.getAttribute("data-event-id") ? "?live_event=" + live.getAttribute("data-event-id") : "";
    fetch(url + query, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { fill(state); } })
      .catch(function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
