/* Live sales pages (vendors/templates/vendors/live/): countdowns, and on an event page the status poll.
 *
 * Plain JS, no library, served from our own origin (CSP 'self'). Without it the pages still work: the start
 * time shows instead of the countdown, and what is left is as of the page load.
 * - Countdowns ([data-countdown-to]) tick every second on the server's clock: the page says what time the
 *   server had when it was rendered, so a phone whose clock is off still counts right.
 * - The event page (#live_event) polls its status.json every 3 s (the same cached JSON for every viewer)
 *   and updates what is left of each item, sold-out buttons, the phase (buttons open at the start and close
 *   at the end) and the item on stage, shown first (a copy of its card) and highlighted in the list.
 * Texts come from data-text-* attributes rendered in the visitor's language.
 */
(function () {
  "use strict";

  var POLL_MS = 3000;
  var root = document.querySelector("[data-server-now]");
  var serverNow = root ? Date.parse(root.getAttribute("data-server-now")) : NaN;
  var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();

  function now() {
    return Date.now() + skew;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var countdowns = document.querySelectorAll("[data-countdown-to]");
    for (var i = 0; i < countdowns.length; i++) {
      var el = countdowns[i];
      var left = Math.floor((Date.parse(el.getAttribute("data-countdown-to")) - now()) / 1000);
      if (left <= 0) {
        el.textContent = el.getAttribute("data-done");
        continue;
      }
      var days = Math.floor(left / 86400);
      var clock = pad(Math.floor((left % 86400) / 3600)) + ":" + pad(Math.floor((left % 3600) / 60)) + ":" + pad(left % 60);
      el.textContent = el.getAttribute("data-label") + " " + (days ? days + el.getAttribute("data-days") + " " : "") + clock;
      el.classList.add("ticking");
    }
  }

  if (document.querySelector("[data-countdown-to]")) {
    tick();
    window.setInterval(tick, 1000);
  }

  var event = document.getElementById("live_event");
  if (!event || !window.fetch) {
    return;
  }
  var text = function (name) {
    return event.getAttribute("data-text-" + name);
  };
  var onStage = event.querySelector("#live_on_stage");
  var first = onStage.querySelector("[data-item-id]");
  var shownOnStage = first ? first.getAttribute("data-item-id") : null;

  function updateItem(card, phase, left) {
    var remaining = card.querySelector(".live-remaining");
    var button = card.querySelector(".live-snap");
    var soldOut = left !== undefined && left <= 0;
    if (left === undefined) {
      remaining.textContent = text("off-sale");
    } else {
      remaining.textContent = soldOut ? text("sold-out") : text("left").replace("__N__", left);
    }
    card.classList.toggle("sold-out", soldOut || left === undefined);
    var label;
    if (phase === "live" && left !== undefined && !soldOut) {
      label = text("snap");
    } else if (phase === "scheduled") {
      label = text("soon");
    } else if (phase === "live") {
      label = left === undefined ? text("off-sale") : text("sold-out");
    } else {
      label = text("ended");
    }
    button.disabled = label !== text("snap");
    button.textContent = label;
  }

  function showOnStage(itemId) {
    var id = itemId === null || itemId === undefined ? null : String(itemId);
    if (id === shownOnStage) {
      return;
    }
    shownOnStage = id;
    var listed = event.querySelectorAll("#live_items [data-item-id]");
    for (var i = 0; i < listed.length; i++) {
      listed[i].classList.toggle("on-stage", listed[i].getAttribute("data-item-id") === id);
    }
    onStage.innerHTML = "";
    var source = id && event.querySelector('#live_items [data-item-id="' + id + '"]');
    if (source) {
      onStage.appendChild(source.cloneNode(true));
    }
  }

  function apply(status) {
    var phase = status.phase;
    if (phase !== event.getAttribute("data-phase")) {
      event.setAttribute("data-phase", phase);
      var badge = document.getElementById("live_phase");
      badge.className = "badge live-phase-badge live-phase-" + phase;
      badge.textContent = phase === "live" ? text("live") : phase === "scheduled" ? badge.textContent : text("ended");
      if (phase !== "scheduled") {
        var countdown = event.querySelector("[data-countdown-to]");
        if (countdown) {
          countdown.parentNode.removeChild(countdown);
        }
      }
    }
    showOnStage(status.on_stage);
    var cards = event.querySelectorAll("[data-item-id]");
    for (var i = 0; i < cards.length; i++) {
      updateItem(cards[i], phase, status.items[cards[i].getAttribute("data-item-id")]);
    }
  }

  function poll() {
    // Without cookies: the poll is anonymous, so it loads no session and no user (Oscar's strategy reads
    // request.user on every request, a query for a signed-in visitor) and every viewer shares one answer.
    fetch(event.getAttribute("data-status-url"), { credentials: "omit" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (status && status.phase) {
          apply(status);
        }
      })
      .catch(function () {})
      .then(function () {
        if (event.getAttribute("data-phase") !== "ended" && !document.hidden) {
          window.setTimeout(poll, POLL_MS);
        } else if (event.getAttribute("data-phase") !== "ended") {
          document.addEventListener("visibilitychange", resume);
        }
      });
  }

  function resume() {
    if (!document.hidden) {
      document.removeEventListener("visibilitychange", resume);
      poll();
    }
  }

  window.setTimeout(poll, POLL_MS);
})();
