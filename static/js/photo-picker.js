/* Photo pickers: in a container marked data-photo-picker, each .photo-input (a file input) gets a preview of
   the photo chosen, and the next one shows once this one has a photo. Without this script every file input
   shows as the browser draws it (the container's "photos-one-by-one" class is added here). */
(function () {
    document.querySelectorAll("[data-photo-picker]").forEach(function (picker) {
        picker.classList.add("photos-one-by-one");
        picker.querySelectorAll(".photo-input input[type=file]").forEach(function (input) {
            input.addEventListener("change", function () {
                var box = input.closest(".photo-input");
                var preview = box.querySelector(".photo-preview");
                if (input.files && input.files[0]) {
                    // A data: URL, which the Content-Security-Policy allows for images (a blob: URL it blocks).
                    var reader = new FileReader();
                    reader.onload = function () { preview.src = reader.result; preview.hidden = false; };
                    reader.readAsDataURL(input.files[0]);
                    var next = box.nextElementSibling;
                    if (next) { next.classList.remove("photo-input-later"); }
                } else {
                    preview.hidden = true;
                }
            });
        });
    });
})();
