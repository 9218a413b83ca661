// The opt-in page's "Copy the HTML" buttons. Loaded as a file: the Content-Security-Policy
// allows no inline script. Without script the buttons stay hidden and the code can be selected.
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

  document.querySelectorAll("[data-copy-snippet]").forEach(function (button) {
    var code = document.getElementById(button.getAttribute("data-copy-snippet"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!code) return;
    function report(copied) {
      if (status) status.textContent = copied ? "Copied: paste it into the form's HTML." : "The code is selected: copy it.";
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code.textContent).then(
          function () { report(true); },
          function () { report(copyByCommand(code)); }
        );
      } else {
        report(copyByCommand(code));
      }
    });
  });
})();
