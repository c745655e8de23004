/**
 * The pages' progressive enhancement, served as /assets/podium.<hash>.js (script-src 'self'):
 * sort the leaderboard by any column, search by name, filter by coverage and by metadata.
 * The page is complete without it. Plain ES2017, no dependencies, no inline styles (CSP): rows
 * are hidden with the `hidden` attribute. Kept as a string so it needs no build step and no
 * file system.
 */
export const PODIUM_JS = String.raw`(function () {
  "use strict";
  var table = document.getElementById("lb");
  if (!table || !table.tBodies.length) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (tr, i) { tr.setAttribute("data-order", String(i)); });
  var headRow = table.tHead.rows[0];

  function cellValue(tr, index, kind) {
    var td = tr.cells[index];
    if (!td) return null;
    var v = td.getAttribute("data-v");
    if (kind === "text") {
      var t = (v === null ? td.textContent || "" : v).trim().toLowerCase();
      return t === "" ? null : t;
    }
    if (v === null || v === "") return null;
    var n = Number(v);
    return isFinite(n) ? n : null;
  }

  function sortBy(th, index) {
    var kind = th.getAttribute("data-sort");
    var current = th.getAttribute("aria-sort");
    var first = th.getAttribute("data-dir") === "desc" ? "descending" : "ascending";
    var next = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
    var sign = next === "ascending" ? 1 : -1;
    var keyed = rows.map(function (tr) { return { tr: tr, v: cellValue(tr, index, kind), o: Number(tr.getAttribute("data-order")) }; });
    keyed.sort(function (a, b) {
      if (a.v === null && b.v === null) return a.o - b.o;
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      if (a.v < b.v) return -sign;
      if (a.v > b.v) return sign;
      return a.o - b.o;
    });
    Array.prototype.forEach.call(headRow.cells, function (c) { if (c !== th) c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", next);
    var server = th.hasAttribute("data-server-order") && next === first;
    table.classList.toggle("resorted", !server);
    var frag = document.createDocumentFragment();
    keyed.forEach(function (k) { frag.appendChild(k.tr); });
    tbody.appendChild(frag);
  }

  Array.prototype.forEach.call(headRow.cells, function (th, index) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, index); });
  });

  var form = document.getElementById("filters");
  if (!form) return;
  form.hidden = false;
  var q = form.querySelector("[name=q]");
  var cov = form.querySelector("[name=coverage]");
  var metas = Array.prototype.slice.call(form.querySelectorAll("select[data-meta]"));
  var count = document.getElementById("count");
  var meta = rows.map(function (tr) {
    try { return JSON.parse(tr.getAttribute("data-meta") || "{}"); } catch (e) { return {}; }
  });

  function apply() {
    var needle = q ? q.value.trim().toLowerCase() : "";
    var minCov = cov && cov.value !== "" ? Number(cov.value) : 0;
    var shown = 0;
    rows.forEach(function (tr, i) {
      var ok = !needle || (tr.getAttribute("data-name") || "").indexOf(needle) !== -1;
      if (ok && minCov) ok = Number(tr.getAttribute("data-cov")) >= minCov;
      for (var j = 0; ok && j < metas.length; j++) {
        var want = metas[j].value;
        if (want !== "") ok = String(meta[i][metas[j].getAttribute("data-meta")]) === want;
      }
      tr.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = shown === rows.length ? rows.length + " systems" : shown + " of " + rows.length + " systems";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
`;
