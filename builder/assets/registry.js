/* AI Impact Registry: site search (Pagefind, loaded from this site on first focus) and the sortable, filterable models index. */
(function () {
  "use strict";

  /* Numbers as the builder prints them: 3 significant figures, separators, powers of ten for the huge and the tiny. */
  function fmt(x) {
    if (x === null || x === undefined) return "unknown";
    if (x === 0) return "0";
    var mag = Math.floor(Math.log10(Math.abs(x)));
    if (mag >= 9 || mag <= -4) {
      var m = (x / Math.pow(10, mag)).toFixed(2).replace(/\.?0+$/, "");
      if (m === "10") { m = "1"; mag += 1; }
      return m + "e" + mag;
    }
    var decimals = Math.max(0, 2 - mag);
    return Number(x.toFixed(decimals)).toLocaleString("en-US", { maximumFractionDigits: decimals });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* ---------------------------------------------------------------- search */
  function setupSearch() {
    var input = document.getElementById("rg-search-input");
    if (!input) return;
    var form = input.form;
    var list = document.getElementById("rg-search-results");
    var status = document.getElementById("rg-search-status");
    var base = new URL(form.getAttribute("data-base") || "./", window.location.href);
    var loading = null;
    var timer = null;
    var current = 0;

    function load() {
      if (!loading) {
        loading = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
          return pf.options({ baseUrl: base.pathname, excerptLength: 18 }).then(function () { return pf.init(); }).then(function () { return pf; });
        });
        loading.catch(function () { status.textContent = "Search is not available on this copy of the site."; });
      }
      return loading;
    }

    function show(items, query) {
      list.replaceChildren();
      items.forEach(function (d) {
        var li = el("li", { "class": "rg-search__item" });
        var a = el("a", { href: d.url }, (d.meta && d.meta.title) || d.url);
        var tmp = document.createElement("template");
        tmp.innerHTML = d.excerpt || "";
        li.appendChild(a);
        li.appendChild(el("p", { "class": "rg-search__excerpt" }, tmp.content.textContent));
        list.appendChild(li);
      });
      list.hidden = items.length === 0 && !query;
      if (query && !items.length) list.appendChild(el("li", { "class": "rg-search__item" }, "No match for “" + query + "”."));
      status.textContent = query ? items.length + " results" : "";
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++current;
      if (!query) { show([], ""); list.hidden = true; return; }
      load().then(function (pf) {
        return ticket === current ? pf.search(query) : null;
      }).then(function (search) {
        if (!search || ticket !== current) return null;
        return Promise.all(search.results.slice(0, 8).map(function (r) { return r.data(); }));
      }).then(function (items) {
        if (items && ticket === current) show(items, query);
      });
    }

    input.addEventListener("focus", load, { once: true });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { list.hidden = true; }
      if (e.key === "ArrowDown") { var first = list.querySelector("a"); if (first) { e.preventDefault(); first.focus(); } }
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
      if (e.key === "Escape") { list.hidden = true; input.focus(); }
    });
    form.addEventListener("submit", function (e) {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); window.location.href = first.href; }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) list.hidden = true; });
  }

  /* ---------------------------------------------------------------- models index */
  var BATCH = 200;

  function setupIndex() {
    var table = document.getElementById("rg-models");
    if (!table) return;
    var form = document.getElementById("rg-filters");
    var text = document.getElementById("rg-q");
    var count = document.getElementById("rg-count");
    var more = document.getElementById("rg-more");
    var tbody = table.tBodies[0];
    var rows = [];
    var view = [];
    var shown = tbody.rows.length;
    var sortKey = "name";
    var sortDir = 1;

    function cellQty(value, est, low, high) {
      var td = el("td");
      if (value === null || value === undefined) { td.appendChild(el("span", { "class": "rg-unknown" }, "unknown")); return td; }
      if (est) td.appendChild(el("span", { "class": "rg-est", title: "estimate" }, "≈ "));
      td.appendChild(el("span", { "class": "rg-value" }, fmt(value)));
      if (low !== undefined && low !== null && high !== low) td.appendChild(el("span", { "class": "rg-range" }, " (range " + fmt(low) + "–" + fmt(high) + ")"));
      return td;
    }

    function rowNode(r) {
      var tr = el("tr", r.openness_only ? { "data-openness-only": "" } : null);
      var th = el("th", { scope: "row" });
      th.appendChild(el("a", { href: r.id + "/" }, r.name));
      tr.appendChild(th);
      tr.appendChild(el("td", null, r.organization));
      tr.appendChild(el("td", null, r.year === null ? "unknown" : String(r.year)));
      tr.appendChild(cellQty(r.parameters, 0));
      tr.appendChild(cellQty(r.compute, r.compute_est));
      tr.appendChild(cellQty(r.energy, r.energy_est));
      tr.appendChild(cellQty(r.emissions, r.emissions_est, r.emissions_low, r.emissions_high));
      var o = cellQty(r.openness, 0);
      if (r.openness !== null) o.appendChild(document.createTextNode(" / 100"));
      tr.appendChild(o);
      tr.appendChild(el("td", null, r.weights));
      return tr;
    }

    function renderMore() {
      var frag = document.createDocumentFragment();
      var end = Math.min(view.length, shown + BATCH);
      for (var i = shown; i < end; i++) frag.appendChild(rowNode(view[i]));
      tbody.appendChild(frag);
      shown = end;
      more.hidden = shown >= view.length;
    }

    var opennessOnly = document.getElementById("rg-openness-only");

    function matches(r, selects, words) {
      if (r.openness_only && !(opennessOnly && opennessOnly.checked)) return false;  /* records with no figures, hidden by default */
      for (var k in selects) {
        var want = selects[k];
        var have = r[k] === null || r[k] === undefined ? "unknown" : String(r[k]);
        if (k === "organization" || k === "domain") {
          if (have.split(",").map(function (s) { return s.trim(); }).indexOf(want) < 0) return false;
        } else if (have !== want) return false;
      }
      for (var w = 0; w < words.length; w++) if (r._text.indexOf(words[w]) < 0) return false;
      return true;
    }

    function apply() {
      var selects = {};
      form.querySelectorAll("select[data-filter]").forEach(function (s) { if (s.value) selects[s.getAttribute("data-filter")] = s.value; });
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      view = rows.filter(function (r) { return matches(r, selects, words); });
      view.sort(function (a, b) {
        var x = a[sortKey], y = b[sortKey];
        if (x === y) return a.name.localeCompare(b.name);
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * sortDir;
      });
      tbody.replaceChildren();
      shown = 0;
      renderMore();
      count.textContent = view.length + " of " + rows.length + " models";
    }

    function setupSort() {
      table.querySelectorAll("thead th[data-key]").forEach(function (th) {
        var label = th.textContent;
        var button = el("button", { type: "button", "class": "rg-sort" }, label);
        th.replaceChildren(button);
        button.addEventListener("click", function () {
          var key = th.getAttribute("data-key");
          sortDir = key === sortKey ? -sortDir : (th.getAttribute("data-type") === "num" ? -1 : 1);
          sortKey = key;
          table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
          update();
        });
      });
    }

    /* rows.json (hundreds of KB at 10,000 models) is fetched on the reader's first use of the table, not on page load. */
    var loading = null;
    function load() {
      if (!loading) {
        loading = fetch(new URL(table.getAttribute("data-rows"), window.location.href)).then(function (r) { return r.json(); })
          .then(function (data) {
            var cols = data.columns;
            rows = data.rows.map(function (values) {
              var r = {};
              cols.forEach(function (c, i) { r[c] = values[i]; });
              r._text = [r.name, r.aliases, r.organization, r.id].join(" ").toLowerCase();
              return r;
            });
            view = rows.slice();
          });
        loading.catch(function () { count.textContent = "Sorting and filtering are not available: the model list could not be loaded."; });
      }
      return loading;
    }
    function update() { load().then(apply); }

    document.getElementById("rg-filter-set").disabled = false;
    setupSort();
    form.addEventListener("focusin", load, { once: true });
    form.addEventListener("input", update);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    more.querySelector("button").addEventListener("click", function () { load().then(renderMore); });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { text.value = q; update(); }  /* otherwise the server-rendered rows are already the first rows by name */
  }

  setupSearch();
  setupIndex();
})();
