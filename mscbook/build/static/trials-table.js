/* The trial explorer of the HTML book (mscbook.build.explorer adds this file, after DataTables, to
 * the pages that have a table.mscbook-trials-table, made by mscbook.widgets.trials.static_table).
 *
 * DataTables gives the table a search box (every column) and sorting (click a heading); above
 * it, a labelled drop-down list per design column (th[data-mscbook-filter="list"]) keeps the rows
 * with exactly that value. DataTables is served from the site's own _static/ (a pinned npm
 * package), as a classic script, so this works offline and from file://. Without JavaScript the
 * table stays a plain table with every row.
 */
(function () {
  "use strict";

  var ANY = "";
  var tableCount = 0;

  function columnFilter(api, tableId, th, index) {
    var values = [];
    api.column(index).nodes().each(function (cell) {
      var text = cell.textContent;
      if (values.indexOf(text) < 0) {
        values.push(text);
      }
    });
    values.sort(function (a, b) { return a.localeCompare(b); });

    var id = tableId + "-filter-" + index;
    var field = document.createElement("div");
    field.className = "mscbook-trials-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = th.textContent;
    var select = document.createElement("select");
    select.id = id;
    select.add(new Option("any", ANY));
    values.forEach(function (value) { select.add(new Option(value, value)); });
    select.addEventListener("change", function () {
      var wanted = select.value;
      // A function compares the whole cell text (decoded, as DataTables searches it).
      api.column(index).search(wanted === ANY ? "" : function (text) { return text === wanted; });
      api.draw();
    });
    field.appendChild(label);
    field.appendChild(select);
    return field;
  }

  function enhance(table) {
    tableCount += 1;
    var tableId = "mscbook-trials-" + tableCount;
    var api = new window.DataTable(table, {
      paging: false,
      order: [], // the data's order until the reader sorts
      autoWidth: false,
      language: {
        search: "Search the trials:",
        info: "Showing _TOTAL_ trials",
        infoFiltered: "(of _MAX_)",
        infoEmpty: "No trials match",
        zeroRecords: "No trials match the search and the filters.",
      },
    });
    var filters = document.createElement("div");
    filters.className = "mscbook-trials-filters";
    filters.setAttribute("role", "group");
    filters.setAttribute("aria-label", "Filter the trials by design");
    table.querySelectorAll("thead th").forEach(function (th, index) {
      if (th.getAttribute("data-mscbook-filter") === "list") {
        filters.appendChild(columnFilter(api, tableId, th, index));
      }
    });
    var container = api.table().container();
    container.parentNode.insertBefore(filters, container);
    // DataTables 3 gives every event it handles a read-only `delegateTarget`. The copy buttons of
    // the code cells (clipboard.js, delegated from <body>) assign that property to find their
    // button; unable to, they took a click on a heading for a copy and threw an error. Once the
    // event leaves the table, make the property an ordinary one again.
    container.parentNode.addEventListener("click", function (event) {
      Object.defineProperty(event, "delegateTarget", {
        configurable: true,
        writable: true,
        value: undefined,
      });
    });
    var help = container.parentNode.querySelector(".mscbook-trials-help");
    if (help) {
      help.hidden = false;
    }
  }

  function enhanceAll() {
    if (typeof window.DataTable !== "function") {
      return; // DataTables did not load: the plain table stays
    }
    document.querySelectorAll("table.mscbook-trials-table").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
