/* The per-visitor part of a page served from the shared cache (shop.core.pagecache).
   Such a page carries blank CSRF tokens and an empty basket: this asks /visitor.json once for the
   visitor's own token (it also sets the CSRF cookie) and basket count, and fills them in. A page rendered
   for this visitor alone has its tokens already and asks for nothing. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.getAttribute("data-visitor-url");

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
