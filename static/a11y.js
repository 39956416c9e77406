// A table wider than a phone's screen scrolls sideways inside its .table-responsive box;
// a box with no link or button inside cannot be scrolled from the keyboard unless it can
// take the focus itself (WCAG 2.1.1). Such a box gets tabindex="0", and a name for
// screen readers from the heading or caption that says what the table is.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (!scrolls || box.querySelector(FOCUSABLE)) {
        if (box.dataset.a11yFocus) {
          box.removeAttribute("tabindex");
          box.removeAttribute("role");
          delete box.dataset.a11yFocus;
        }
        return;
      }
      if (box.hasAttribute("tabindex")) {
        return;
      }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      if (!box.hasAttribute("aria-label")) {
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
      }
      box.dataset.a11yFocus = "1";
    });
  }
  update();
  window.addEventListener("resize", update);
})();
