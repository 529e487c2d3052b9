// The review console's keyboard: every element with data-key="x" is clicked (a button or link) or focused
// (a field) when x is pressed outside a field; on the queue j/k move through the rows and Enter opens one.
// Loaded from the package (the Content-Security-Policy allows no inline script); survives htmx's swaps
// because it listens on the document.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  }

  function select(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + step));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    all[next].classList.add("selected");
    all[next].setAttribute("aria-selected", "true");
    all[next].scrollIntoView({ block: "nearest" });
  }

  function open() {
    var row = document.querySelector("tr.row.selected") || rows()[0];
    var link = row && row.querySelector("a");
    if (link) link.click();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { if (document.activeElement) document.activeElement.blur(); return; }
    if (typing(e.target)) return;
    if (e.key === "j" || e.key === "ArrowDown") { if (rows().length) { select(1); e.preventDefault(); } return; }
    if (e.key === "k" && rows().length) { select(-1); e.preventDefault(); return; }
    if (e.key === "ArrowUp" && rows().length) { select(-1); e.preventDefault(); return; }
    if ((e.key === "Enter" || e.key === "o") && rows().length) { open(); e.preventDefault(); return; }
    var target = document.querySelector('[data-key="' + (e.key.length === 1 ? e.key : "") + '"]');
    if (!target || target.disabled) return;
    e.preventDefault();
    if (typing(target)) target.focus(); else target.click();
  });

  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-autosubmit") && e.target.tagName === "SELECT") form.requestSubmit();
  });

  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("tr.row");
    if (row && !e.target.closest("a, button, input, select")) {
      var link = row.querySelector("a");
      if (link) link.click();
    }
  });
})();
