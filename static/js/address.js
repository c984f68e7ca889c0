/* The 省/市/区 pickers of a Chinese address form (shop.checkout.forms.ChineseAddressFormMixin), without a
   reload: choosing a province fills the city select, choosing a city fills the district select, from
   regions.json (fetched once, cached for a day). The form works without this script: its button
   "show the cities and districts of my choice" re-renders it on the server, and is hidden here.
   The 识别地址 button sends the form as it would without the script, and puts the fields the server read
   into the page in place of the old ones, without a reload (the reading is the server's alone); if that
   fails, the form is submitted the plain way. */
(function () {
  "use strict";

  function fill(select, names, keep) {
    var blank = select.options.length ? select.options[0].cloneNode(true) : document.createElement("option");
    var current = keep ? select.value : "";
    select.textContent = "";
    select.appendChild(blank);
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      select.appendChild(option);
    });
    select.value = names.indexOf(current) >= 0 ? current : "";
    if (names.length === 1) {
      select.value = names[0]; // a municipality is its own one city
    }
    select.disabled = names.length === 0;
  }

  function wire(box, tree) {
    var province = box.querySelector('select[data-region="province"]');
    var city = box.querySelector('select[data-region="city"]');
    var district = box.querySelector('select[data-region="district"]');
    if (!province || !city || !district) {
      return;
    }
    function cities() {
      return Object.keys(tree[province.value] || {});
    }
    function districts() {
      return (tree[province.value] || {})[city.value] || [];
    }
    province.addEventListener("change", function () {
      fill(city, cities(), false);
      fill(district, districts(), false);
    });
    city.addEventListener("change", function () {
      fill(district, districts(), false);
    });
    // An address saved before the pickers may hold a name the lists do not have: leave such a form as it is.
    if (tree[province.value] && (!city.value || cities().indexOf(city.value) >= 0)) {
      fill(city, cities(), true);
      fill(district, districts(), true);
    }
    box.querySelectorAll(".address-refresh").forEach(function (el) {
      el.hidden = true;
    });
  }

  function readPaste(form, tree) {
    var button = form.querySelector("button.address-parse");
    if (!button || !form.id || !window.FormData || !window.DOMParser) {
      return;
    }
    var plain = false;
    button.addEventListener("click", function (event) {
      if (plain) {
        return; // the fallback: the browser submits the form with this button
      }
      event.preventDefault();
      var data = new FormData(form);
      data.append(button.name, button.value);
      button.disabled = true;
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin"
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
          if (!fresh) {
            throw new Error("no form in the answer");
          }
          form.innerHTML = fresh.innerHTML;
          wireForm(form, tree);
          var notice = form.querySelector(".address-notice");
          if (notice) {
            notice.scrollIntoView({ block: "center" });
          }
        })
        .catch(function () {
          button.disabled = false;
          plain = true;
          button.click();
        });
    });
  }

  function wireForm(form, tree) {
    form.querySelectorAll(".chinese-address-form").forEach(function (box) {
      wire(box, tree);
    });
    readPaste(form, tree);
  }

  function start() {
    var boxes = document.querySelectorAll(".chinese-address-form[data-regions-url]");
    if (!boxes.length || !window.fetch) {
      return;
    }
    fetch(boxes[0].getAttribute("data-regions-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (tree) {
        boxes.forEach(function (box) {
          var form = box.closest("form");
          if (form) {
            wireForm(form, tree);
          } else {
            wire(box, tree);
          }
        });
      })
      .catch(function () {
        /* The server-side buttons stay: the form still works. */
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
