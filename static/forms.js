// The GOV.UK error summary's behaviour (design-system.service.gov.uk/components/error-summary):
// the summary takes the focus when the page loads, so that a phone user (and a screen
// reader) starts at the list of problems; a link in it moves the focus to its field and
// scrolls the field's label or legend into view, not just the input.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']") || input;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
