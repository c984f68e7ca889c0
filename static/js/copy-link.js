/* Copy buttons for the invitation links of the admins' pages (vendors/dashboard/*.html).
   Without script the buttons stay hidden and the link, shown whole, is selected by one tap (user-select: all). */
(function () {
    "use strict";

    function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        // Plain http (a county office's intranet): the older way, through a selected textarea.
        return new Promise(function (resolve, reject) {
            var area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "fixed";
            area.style.opacity = "0";
            document.body.appendChild(area);
            area.select();
            var done = document.execCommand("copy");
            document.body.removeChild(area);
            if (done) { resolve(); } else { reject(new Error("copy refused")); }
        });
    }

    document.querySelectorAll("[data-copy-link]").forEach(function (button) {
        var label = button.textContent;
        button.hidden = false;
        button.addEventListener("click", function () {
            copyText(button.getAttribute("data-copy-link")).then(function () {
                button.textContent = button.getAttribute("data-copied-label");
                button.classList.add("invitation-copy-done");
            }, function () {
                button.textContent = button.getAttribute("data-failed-label");
            });
            window.setTimeout(function () {
                button.textContent = label;
                button.classList.remove("invitation-copy-done");
            }, 3000);
        });
    });
})();
