// Copy buttons (progressive enhancement): a button with data-copy="ID" is shown only when
// this script runs, and copies the value of the field ID; without JavaScript the field
// stays visible and selectable. Messages come from #share-status (translatable there).
(function () {
  "use strict";
  var status = document.getElementById("share-status");

  function say(key) {
    if (status) status.textContent = status.dataset[key] || "";
  }

  function fallback(field) {
    field.focus();
    field.select();
    try {
      say(document.execCommand("copy") ? "copied" : "failed");
    } catch (e) {
      say("failed");
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { say("copied"); },
          function () { fallback(field); }
        );
      } else {
        fallback(field);
      }
    });
  });
})();
