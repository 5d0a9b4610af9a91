// Sorts the calls table when a column header is clicked: the first click
// sorts ascending, the next descending. Cells sort by their data-value
// (the raw value, e.g. an ISO date) or their text; data-type="num" columns
// sort as numbers. Ties keep the input order.
(function () {
  "use strict";
  var table = document.getElementById("calls-table");
  if (!table || !table.tBodies.length) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) {
    row.setAttribute("data-index", String(i));
  });
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = typeof Intl !== "undefined" && Intl.Collator ? new Intl.Collator("zh-CN", { numeric: true }) : null;

  function key(cell) {
    var v = cell.getAttribute("data-value");
    return v === null ? cell.textContent.trim() : v;
  }
  function compareText(a, b) {
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }
  function compareNum(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (isNaN(x)) { x = -Infinity; }
    if (isNaN(y)) { y = -Infinity; }
    return x - y;
  }

  headers.forEach(function (th, col) {
    var button = th.querySelector("button");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      var cmp = th.getAttribute("data-type") === "num" ? compareNum : compareText;
      var sorted = Array.prototype.slice.call(body.rows).filter(function (r) {
        return r.hasAttribute("data-index");
      });
      sorted.sort(function (a, b) {
        var c = cmp(key(a.cells[col]), key(b.cells[col]));
        if (descending) {
          c = -c;
        }
        return c || Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
      });
      sorted.forEach(function (r) {
        body.appendChild(r);
      });
      headers.forEach(function (h) {
        h.setAttribute("aria-sort", "none");
      });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    });
  });
})();
