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

  // The main menu: open (one row) on a wide screen, a "Menu" to tap on a phone.
  var menu = document.querySelector("[data-nav-menu]");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var fit = function () { menu.open = wide.matches; };
    fit();
    if (wide.addEventListener) wide.addEventListener("change", fit);
  }

  // Tables of three or more columns stack into cards on a phone (see app.css): each cell is
  // labeled with its column's heading, so the card still says what each value is.
  document.querySelectorAll("table.table").forEach(function (table) {
    var headings = Array.prototype.map.call(
      table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (headings.length < 3) return;
    table.classList.add("table--stack");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (headings[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", headings[column]);
        column += cell.colSpan || 1;
      });
    });
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
