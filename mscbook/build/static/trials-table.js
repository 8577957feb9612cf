/* The trial explorer and the paginated tables of the HTML book (mscbook.build.explorer adds this
 * file, after DataTables, to the pages that have a table.mscbook-trials-table, made by
 * mscbook.widgets.trials.static_table, or a table.mscbook-paged-table, made by
 * mscbook.tables.show with a page length).
 *
 * DataTables gives the table a search box (every column) and sorting (click a heading); above
 * a trials table, a labelled drop-down list per design column (th[data-mscbook-filter="list"])
 * keeps the rows with exactly that value; a paged table shows data-page-length rows a page.
 * DataTables is served from the site's own _static/ (a pinned npm package), as a classic script,
 * so this works offline and from file://. Without JavaScript each table stays a plain table
 * with every row. Each table keeps its sideways-scrolling box (.mscbook-table-box): DataTables
 * puts its controls outside the box and the table inside it.
 */
(function () {
  "use strict";

  var ANY = "";
  var tableCount = 0;

  function columnFilter(api, tableId, th, index) {
    var values = [];
    var separator = splitValues(th);
    api.column(index).nodes().each(function (cell) {
      var parts = separator ? cell.textContent.split(separator) : [cell.textContent];
      parts.forEach(function (text) {
        if (values.indexOf(text) < 0) {
          values.push(text);
        }
      });
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
      api.column(index).search(wanted === ANY ? "" : function (text) {
        return separator ? text.split(separator).indexOf(wanted) >= 0 : text === wanted;
      });
      api.draw();
    });
    field.appendChild(label);
    field.appendChild(select);
    return field;
  }

  // DataTables wraps the table where it stands; the controls belong outside the scrolling box,
  // so the box's role goes to DataTables' table cell and the old box goes.
  function keepBox(table, api) {
    var box = table.closest(".mscbook-table-box");
    var container = api.table().container();
    if (box && box.contains(container)) {
      box.parentNode.insertBefore(container, box);
      box.parentNode.removeChild(box);
      var cell = container.querySelector(".dt-layout-table") || container;
      cell.classList.add("mscbook-table-box");
      ["role", "tabindex", "aria-label"].forEach(function (name) {
        if (box.hasAttribute(name)) {
          cell.setAttribute(name, box.getAttribute(name));
        }
      });
    }
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
    return container;
  }

  function splitValues(th) {
    return th.getAttribute("data-mscbook-split");
  }

  function enhancePaged(table) {
    var length = parseInt(table.getAttribute("data-page-length"), 10) || 10;
    var api = new window.DataTable(table, {
      paging: true,
      pageLength: length,
      lengthMenu: [length, 25, 50, -1],
      order: [],
      autoWidth: false,
      language: {
        search: "Search the table:",
        lengthMenu: "_MENU_ rows a page",
        info: "Rows _START_ to _END_ of _TOTAL_",
        infoFiltered: "(of _MAX_)",
        infoEmpty: "No rows match",
        zeroRecords: "No rows match the search.",
      },
    });
    keepBox(table, api);
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
    var container = keepBox(table, api);
    container.parentNode.insertBefore(filters, container);
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
    document.querySelectorAll("table.mscbook-paged-table").forEach(enhancePaged);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
