// Small conveniences on top of pages that work without them: copy a message, print a sheet,
// remove a chosen clinician. Loaded as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyByCommand(element) {
    selectContents(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!target) return;
    var text = target.textContent.trim();
    function report(copied) {
      if (!status) return;
      status.textContent = copied
        ? "Copied. Paste it into your message."
        : "The message is selected: copy it from your phone's menu.";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { report(true); },
        function () { report(copyByCommand(target)); }
      );
    } else {
      report(copyByCommand(target));
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // A chosen clinician's remove button (chips arrive through htmx, so listen on the document):
  // the chip goes, and the focus returns to the search box for the next name.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-chip-remove]");
    if (!button) return;
    var chip = button.closest("li");
    var search = document.getElementById("lookup-q");
    if (search) search.focus();
    if (chip) chip.remove();
  });
})();
