/* AI Impact Registry: site search (Pagefind, loaded from this site on first focus) and the sortable, filterable models index. */
(function () {
  "use strict";

  /* Numbers as the builder prints them (builder/formatting.py): 3 significant figures for values, 2 for range ends, separators,
     units by size, parameters as "176 B", compute as "2.1 × 10²⁵ FLOP". */
  var SUP = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  var ENERGY = [["Wh", 1e-6], ["kWh", 1e-3], ["MWh", 1], ["GWh", 1e3]];
  var MASS = [["gCO2e", 1e-6], ["kgCO2e", 1e-3], ["tCO2e", 1]];
  var FAMILIES = { Wh: [ENERGY, 1e-6], kWh: [ENERGY, 1e-3], MWh: [ENERGY, 1], GWh: [ENERGY, 1e3], gCO2e: [MASS, 1e-6],
    kgCO2e: [MASS, 1e-3], tCO2e: [MASS.slice(1), 1] };
  var COUNT = [["T", 1e12], ["B", 1e9], ["M", 1e6], ["K", 1e3]];

  function power(n) { return "10" + String(n).split("").map(function (c) { return SUP[c]; }).join(""); }
  function strip(t) { return t.indexOf(".") < 0 ? t : t.replace(/0+$/, "").replace(/\.$/, ""); }
  function scientific(x, digits) {
    if (x === 0) return "0";
    var mag = Math.floor(Math.log10(Math.abs(x)));
    var m = roundTo(shifted(x, mag), digits - 1).toFixed(digits - 1);
    if (/^-?10/.test(m)) { mag += 1; m = roundTo(shifted(x, mag), digits - 1).toFixed(digits - 1); }
    return strip(m) + " × " + power(mag);
  }
  function fmt(x, digits) {
    digits = digits || 3;
    if (x === null || x === undefined) return "unknown";
    if (x === 0) return "0";
    var mag = Math.floor(Math.log10(Math.abs(x)));
    if (mag >= 9 || mag <= -4) return scientific(x, digits);
    var places = digits - 1 - mag;
    var rounded = roundTo(x, places);
    if (rounded && Math.floor(Math.log10(Math.abs(rounded))) > mag) { places -= 1; rounded = roundTo(x, places); }
    var text = rounded.toLocaleString("en-US", { minimumFractionDigits: Math.max(0, places), maximumFractionDigits: Math.max(0, places) });
    text = strip(text);
    return text === "-0" ? "0" : text;
  }
  function shifted(x, mag) { return mag >= 0 ? x / Math.pow(10, mag) : x * Math.pow(10, -mag); }
  /* half away from zero, as formatting.rounded */
  function roundTo(x, places) {
    var f = Math.pow(10, Math.abs(places));
    var r = places >= 0 ? Math.floor(Math.abs(x) * f + 0.5) / f : Math.floor(Math.abs(x) / f + 0.5) * f;
    return x < 0 ? -r : r;
  }
  function countStep(x) {
    for (var i = 0; i < COUNT.length; i++) if (Math.abs(x) >= COUNT[i][1] * 0.9995) return COUNT[i];
    return ["", 1];
  }
  function count(x, digits) { var s = countStep(x); return (fmt(x / s[1], digits) + " " + s[0]).trim(); }
  /* [value, range, unit] as printed, or null when unknown */
  function scaled(value, low, high, unit) {
    if (value === null || value === undefined) return null;
    var lo = low === null || low === undefined ? value : low, hi = high === null || high === undefined ? value : high;
    var wide = Math.abs(hi - lo) > 1e-12 * Math.max(Math.abs(hi), Math.abs(lo), 1e-300);
    if (unit === "tCO2e" && value > 0 && value < 0.9995e-3 && hi < 0.9995e-3) return ["< 1", "", "kgCO2e"];
    if (unit === "parameters") {
      var s = countStep(value);
      return [count(value, 3), wide ? (fmt(lo / s[1], 2) + "–" + fmt(hi / s[1], 2) + " " + s[0]).trim() : "", ""];
    }
    if ((unit === "FLOP" || unit === "FLOP/s") && Math.abs(value) >= 1e4) {
      return [scientific(value, 3), wide ? scientific(lo, 2) + "–" + scientific(hi, 2) : "", unit];
    }
    var shown = unit, factor = 1, fam = FAMILIES[unit];
    if (fam && value !== 0) {
      var base = Math.abs(value) * fam[1], chosen = fam[0][0];
      fam[0].forEach(function (step) { if (base >= step[1] * 0.9995) chosen = step; });
      shown = chosen[0]; factor = fam[1] / chosen[1];
    }
    return [fmt(value * factor, 3), wide ? fmt(lo * factor, 2) + "–" + fmt(hi * factor, 2) : "", shown];
  }
  /* a figure as one line of text, for the CSV of the view and the charts */
  function figureText(value, low, high, unit) {
    var q = scaled(value, low, high, unit);
    if (!q) return "unknown";
    return (q[0] + (q[2] ? " " + q[2] : "")) + (q[1] ? " (range " + q[1] + ")" : "");
  }

  window.registryFormat = { number: fmt, scaled: scaled, figure: figureText };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* ---------------------------------------------------------------- search */
  var pagefinds = {};
  /* Pagefind, loaded from this site on first use */
  function pagefind(base) {
    var key = base.href;
    if (!pagefinds[key]) {
      pagefinds[key] = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options({ baseUrl: base.pathname, excerptLength: 18 }).then(function () { return pf.init(); }).then(function () { return pf; });
      });
    }
    return pagefinds[key];
  }

  function aliasesOf(d) {
    var a = (d.meta && d.meta.aliases) || "";
    return a.replace(/^Also known as:\s*/, "").split(/,\s*/).map(function (x) { return x.trim().toLowerCase(); }).filter(Boolean);
  }

  /* Results with an exact name or alias match first ("GPT-4" finds GPT-4 before GPT-4o), then Pagefind's order. */
  function searchAll(base, query, count) {
    return pagefind(base).then(function (pf) { return pf.search(query); }).then(function (search) {
      var found = search.results;
      return Promise.all(found.slice(0, Math.max(count, 24)).map(function (r) { return r.data(); })).then(function (items) {
        var q = query.trim().toLowerCase();
        function rank(d) {
          var title = ((d.meta && d.meta.title) || "").trim().toLowerCase();
          if (title === q) return 0;
          if (aliasesOf(d).indexOf(q) >= 0) return 1;
          return 2;
        }
        var ranked = items.map(function (d, i) { return [rank(d), i, d]; });
        ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        return { total: found.length, items: ranked.map(function (x) { return x[2]; }), more: found.slice(ranked.length) };
      });
    });
  }

  function resultNode(d, tag) {
    var li = el(tag || "li", { "class": "rg-search__item" });
    var kind = (d.meta && d.meta.kind) || "Page";
    li.appendChild(el("span", { "class": "rg-search__kind rg-search__kind--" + kind.toLowerCase().replace(/[^a-z]+/g, "-") }, kind));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("a", { href: d.url }, (d.meta && d.meta.title) || d.url));
    var tmp = document.createElement("template");
    tmp.innerHTML = d.excerpt || "";
    var text = (d.meta && d.meta.summary) || tmp.content.textContent;
    li.appendChild(el("p", { "class": "rg-search__excerpt" }, text));
    return li;
  }

  function setupSearch() {
    var input = document.getElementById("rg-search-input");
    if (!input) return;
    var form = input.form;
    var list = document.getElementById("rg-search-results");
    var status = document.getElementById("rg-search-status");
    var base = new URL(form.getAttribute("data-base") || "./", window.location.href);
    var all = new URL(form.getAttribute("action"), window.location.href);
    var timer = null;
    var current = 0;

    function show(result, query) {
      list.replaceChildren();
      var items = result ? result.items.slice(0, 8) : [];
      items.forEach(function (d) { list.appendChild(resultNode(d)); });
      list.hidden = !query;
      if (query && !items.length) list.appendChild(el("li", { "class": "rg-search__item" }, "No match for “" + query + "”."));
      if (query && result && result.total > items.length) {
        var li = el("li", { "class": "rg-search__item rg-search__all" });
        li.appendChild(el("a", { href: all.pathname + "?q=" + encodeURIComponent(query) }, "See all " + result.total + " results"));
        list.appendChild(li);
      }
      status.textContent = query ? (result ? result.total : 0) + " results" : "";
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++current;
      if (!query) { show(null, ""); list.hidden = true; return; }
      searchAll(base, query, 8).then(function (result) {
        if (ticket === current) show(result, query);
      }, function () { status.textContent = "Search is not available on this copy of the site."; });
    }

    input.addEventListener("focus", function () { pagefind(base).catch(function () { status.textContent = "Search is not available on this copy of the site."; }); }, { once: true });
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
      if (first && !list.hidden) { e.preventDefault(); window.location.href = first.href; }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) list.hidden = true; });
    /* "/" anywhere but in a field jumps to the search box */
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
    });
  }

  /* The search page: every result of ?q=, twenty at a time. */
  function setupSearchPage() {
    var root = document.getElementById("rg-search-page");
    if (!root) return;
    var base = new URL(root.getAttribute("data-base"), window.location.href);
    var input = document.getElementById("rg-search-page-q");
    var status = document.getElementById("rg-search-page-status");
    var list = document.getElementById("rg-search-page-results");
    var more = document.getElementById("rg-search-page-more");
    var rest = [];
    function page() {
      var next = rest.splice(0, 20);
      Promise.all(next.map(function (r) { return r.data(); })).then(function (items) {
        items.forEach(function (d) { list.appendChild(resultNode(d)); });
        more.hidden = rest.length === 0;
      });
    }
    function run(query) {
      list.replaceChildren();
      more.hidden = true;
      if (!query) { status.textContent = "Type what you are looking for."; return; }
      status.textContent = "Searching…";
      searchAll(base, query, 20).then(function (result) {
        result.items.forEach(function (d) { list.appendChild(resultNode(d)); });
        rest = result.more;
        more.hidden = rest.length === 0;
        status.textContent = result.total ? result.total + " results for “" + query + "”" : "No match for “" + query + "”.";
      }, function () { status.textContent = "Search is not available on this copy of the site."; });
    }
    more.addEventListener("click", page);
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    run(q.trim());
  }

  /* ---------------------------------------------------------------- compare selection (index and model pages) */
  var PICKED = "rg-compare";
  function picked() {
    try { return JSON.parse(localStorage.getItem(PICKED) || "[]").filter(function (x) { return typeof x === "string"; }); }
    catch (e) { return []; }
  }
  function setPicked(ids) {
    try { localStorage.setItem(PICKED, JSON.stringify(ids.slice(0, 8))); } catch (e) { /* private mode: the selection lives on this page only */ }
    document.dispatchEvent(new CustomEvent("rg-compare"));
  }
  function togglePicked(id, on) {
    var ids = picked().filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    setPicked(ids);
  }

  /* A button on a model page: add it to (or remove it from) the comparison, with a link to the compare page. */
  function setupCompareButton() {
    var box = document.getElementById("rg-compare-this");
    if (!box) return;
    var id = box.getAttribute("data-model");
    var button = box.querySelector("button");
    var link = box.querySelector("a");
    var base = link.getAttribute("href");
    function paint() {
      var ids = picked();
      var on = ids.indexOf(id) >= 0;
      button.textContent = on ? "Remove from comparison" : "Add to comparison";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var list = on ? ids : ids.concat([id]);
      link.href = base + "?m=" + list.map(encodeURIComponent).join(",");
      link.textContent = ids.length ? "Compare (" + list.length + ")" : "Compare with…";
    }
    box.hidden = false;
    button.addEventListener("click", function () { togglePicked(id, button.getAttribute("aria-pressed") !== "true"); });
    document.addEventListener("rg-compare", paint);
    paint();
  }

  /* ---------------------------------------------------------------- models index */
  /* work the reader does not need before the page shows: when the browser is idle, in its own task */
  function later(work) {
    if (window.requestIdleCallback) window.requestIdleCallback(work, { timeout: 1000 }); else setTimeout(work, 50);
  }

  var BATCH = 200;
  var UNITS = { parameters: "parameters", compute: "FLOP", energy: "MWh", emissions: "tCO2e", openness: "/ 100" };

  /* Each filter reads its state from the form or the address, writes it to the address, and tests a row. One more filter is one
     more entry here (and its control in the template). */
  function filters(form, orgs) {
    function val(name) { var e = form.elements[name]; return e ? e.value.trim() : ""; }
    var list = [
      { keys: ["q"], read: function (p) { form.elements.q.value = p.get("q") || ""; }, write: function (p) { if (val("q")) p.set("q", val("q")); },
        test: function (r) {
          var words = val("q").toLowerCase().split(/\s+/).filter(Boolean);
          for (var w = 0; w < words.length; w++) if (r._text.indexOf(words[w]) < 0) return false;
          return true;
        } },
      { keys: ["org"], read: function (p) { orgs.set(p.getAll("org")); }, write: function (p) { orgs.get().forEach(function (o) { p.append("org", o); }); },
        test: function (r) { var want = orgs.get(); return !want.length || want.some(function (o) { return r._orgs.indexOf(o) >= 0; }); } },
      { keys: ["from", "to"], read: function (p) { if (form.elements.from) { form.elements.from.value = p.get("from") || ""; form.elements.to.value = p.get("to") || ""; } },
        write: function (p) { if (val("from")) p.set("from", val("from")); if (val("to")) p.set("to", val("to")); },
        test: function (r) {
          var from = parseInt(val("from"), 10), to = parseInt(val("to"), 10);
          if (isNaN(from) && isNaN(to)) return true;
          if (r.year === null) return false;
          return (isNaN(from) || r.year >= from) && (isNaN(to) || r.year <= to);
        } },
      { keys: ["openness_only"],  /* records holding openness data only: hidden unless asked */
        read: function (p) { if (form.elements.openness_only) form.elements.openness_only.checked = p.get("openness_only") === "1"; },
        write: function (p) { if (form.elements.openness_only && form.elements.openness_only.checked) p.set("openness_only", "1"); },
        test: function (r) { return !r.openness_only || !!(form.elements.openness_only && form.elements.openness_only.checked); } },
      { keys: ["published"], read: function (p) { form.elements.published.checked = p.get("published") === "1"; },
        write: function (p) { if (form.elements.published.checked) p.set("published", "1"); },
        test: function (r) {
          return !form.elements.published.checked || ["compute", "energy", "emissions"].some(function (k) { return r[k] !== null && !r[k + "_est"]; });
        } }
    ];
    form.querySelectorAll("select[data-filter]").forEach(function (s) {
      var key = s.getAttribute("data-filter");
      list.push({ keys: [key], read: function (p) { s.value = p.get(key) || ""; }, write: function (p) { if (s.value) p.set(key, s.value); },
        test: function (r) {
          if (!s.value) return true;
          var have = r[key] === null || r[key] === undefined ? "unknown" : String(r[key]);
          return key === "domain" ? have.split(",").map(function (x) { return x.trim(); }).indexOf(s.value) >= 0 : have === s.value;
        } });
    });
    return list;
  }

  /* The organization filter: type (the datalist suggests), Enter or pick to add; each chosen one is a button that removes it.
     The names come as JSON, read on first use; the datalist's options (one per organization) are made when the reader goes to
     the box, not while the page loads. */
  function orgPicker(input, list, source, chosen, changed) {
    var names = [];
    var known = null;
    var lower = {};
    function knownNames() {
      if (!known) {
        known = JSON.parse(source.textContent || "[]");
        known.forEach(function (o) { lower[o.toLowerCase()] = o; });
      }
      return known;
    }
    input.addEventListener("focus", function () {
      var frag = document.createDocumentFragment();
      knownNames().forEach(function (o) { frag.appendChild(el("option", { value: o })); });
      list.replaceChildren(frag);
    }, { once: true });
    function paint() {
      chosen.replaceChildren();
      names.forEach(function (n) {
        var li = el("li");
        var b = el("button", { type: "button", "class": "rg-chip", "aria-label": "Remove " + n }, n + " ×");
        b.addEventListener("click", function () { names = names.filter(function (x) { return x !== n; }); paint(); changed(); input.focus(); });
        li.appendChild(b);
        chosen.appendChild(li);
      });
    }
    function add() {
      knownNames();
      var name = lower[input.value.trim().toLowerCase()];
      if (!name) return false;
      if (names.indexOf(name) < 0) names.push(name);
      input.value = "";
      paint();
      changed();
      return true;
    }
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); add(); } });
    input.addEventListener("change", add);
    input.addEventListener("input", function (e) { if (e.inputType === "insertReplacementText" || !e.inputType) add(); });
    function set(list) {
      if (!list.length && !names.length) return;  /* nothing to read or paint: a page opened without ?org= */
      knownNames();
      names = list.filter(function (n) { return lower[n.toLowerCase()]; }).map(function (n) { return lower[n.toLowerCase()]; });
      paint();
    }
    return { get: function () { return names.slice(); }, set: set };
  }

  function csvCell(v) {
    var t = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  function setupIndex() {
    var table = document.getElementById("rg-models");
    if (!table) return;
    var form = document.getElementById("rg-filters");
    var count = document.getElementById("rg-count");
    var more = document.getElementById("rg-more");
    var box = document.getElementById("rg-filter-box");
    var tbody = table.tBodies[0];
    var rows = [];
    var view = [];
    var shown = tbody.rows.length;
    var total = null;
    var defaultSort = table.getAttribute("data-sort") || "name";  /* the order the page's rows and rows.json are in */
    var sortKey = defaultSort.replace(/^-/, "");
    var sortDir = defaultSort.charAt(0) === "-" ? -1 : 1;
    var orgs = orgPicker(document.getElementById("rg-org-input"), document.getElementById("rg-org-list"),
      document.getElementById("rg-org-names"), document.getElementById("rg-org-chosen"), function () { update(true); });
    var active = filters(form, orgs);
    table.closest(".rg-index").classList.add("rg-js");
    /* on a phone the filters sit behind a button (CSS hides them there until it is pressed) */
    var toggle = document.getElementById("rg-filter-toggle");
    toggle.addEventListener("click", function () {
      var open = !box.classList.contains("rg-open");
      box.classList.toggle("rg-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });

    function cellQty(value, est, low, high, unit) {
      var td = el("td");
      var q = scaled(value, low, high, unit);
      if (!q) { td.appendChild(el("span", { "class": "rg-unknown" }, "unknown")); return td; }
      if (est) td.appendChild(el("span", { "class": "rg-est", title: "estimate" }, "≈ "));
      td.appendChild(el("span", { "class": "rg-value" }, q[0]));
      if (q[2]) td.appendChild(document.createTextNode(" " + q[2]));
      if (q[1]) td.appendChild(el("span", { "class": "rg-range" }, " (range " + q[1] + ")"));
      return td;
    }

    function pick(id, name) {
      var td = el("td");
      var label = el("label", { "class": "rg-compare-pick" });
      var box = el("input", { type: "checkbox", "data-compare": id });
      box.checked = picked().indexOf(id) >= 0;
      label.appendChild(box);
      label.appendChild(el("span", { "class": "rg-visually-hidden" }, "Compare " + name));
      td.appendChild(label);
      return td;
    }

    function rowNode(r) {
      var tr = el("tr", r.openness_only ? { "data-openness-only": "" } : null);
      var th = el("th", { scope: "row" });
      th.appendChild(el("a", { href: r.id + "/" }, r.name));
      tr.appendChild(th);
      tr.appendChild(el("td", null, r.organization));
      tr.appendChild(el("td", null, r.released || "unknown"));
      tr.appendChild(cellQty(r.parameters, 0, null, null, "parameters"));
      tr.appendChild(cellQty(r.compute, r.compute_est, r.compute_low, r.compute_high, "FLOP"));
      tr.appendChild(cellQty(r.energy, r.energy_est, r.energy_low, r.energy_high, "MWh"));
      tr.appendChild(cellQty(r.emissions, r.emissions_est, r.emissions_low, r.emissions_high, "tCO2e"));
      tr.appendChild(cellQty(r.openness, 0, null, null, "/ 100"));
      tr.appendChild(el("td", null, r.weights));
      tr.appendChild(pick(r.id, r.name));
      return tr;
    }

    function counter() {
      count.textContent = "Showing " + shown + " of " + (view.length === total ? total + " models" : view.length + " matching models (of " + total + ")");
    }

    function renderMore() {
      var frag = document.createDocumentFragment();
      var end = Math.min(view.length, shown + BATCH);
      for (var i = shown; i < end; i++) frag.appendChild(rowNode(view[i]));
      tbody.appendChild(frag);
      shown = end;
      more.hidden = shown >= view.length;
      counter();
    }

    function compareRows(a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (x === y || (x === "" && y === "")) return a.name.localeCompare(b.name);
      if (x === null || x === undefined || x === "") return 1;
      if (y === null || y === undefined || y === "") return -1;
      return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * sortDir;
    }

    function apply() {
      view = rows.filter(function (r) { return active.every(function (f) { return f.test(r); }); });
      view.sort(compareRows);
      tbody.replaceChildren();
      shown = 0;
      renderMore();
    }

    /* only what changed: the page's HTML already marks its default order */
    function paintSort() {
      table.querySelectorAll("thead th").forEach(function (h) {
        var want = h.getAttribute("data-key") === sortKey ? (sortDir === 1 ? "ascending" : "descending") : null;
        if (h.getAttribute("aria-sort") === want) return;
        if (want) h.setAttribute("aria-sort", want); else h.removeAttribute("aria-sort");
      });
    }

    /* the address holds the view: filters, then sort when it is not the default */
    function address() {
      var p = new URLSearchParams();
      active.forEach(function (f) { f.write(p); });
      var sort = (sortDir === 1 ? "" : "-") + sortKey;
      if (sort !== defaultSort) p.set("sort", sort);
      var q = p.toString();
      return window.location.pathname + (q ? "?" + q : "") + window.location.hash;
    }
    var typing = null;
    function remember(push) {
      var next = address();
      if (next === window.location.pathname + window.location.search + window.location.hash) return;
      if (push) history.pushState(null, "", next); else history.replaceState(null, "", next);
    }
    function readAddress() {
      var p = new URLSearchParams(window.location.search);
      active.forEach(function (f) { f.read(p); });
      var s = p.get("sort");
      if (s && table.querySelector('thead th[data-key="' + s.replace(/^-/, "").replace(/[^a-z_]/g, "") + '"]')) {
        sortDir = s.charAt(0) === "-" ? -1 : 1;
        sortKey = s.replace(/^-/, "");
      } else { sortKey = defaultSort.replace(/^-/, ""); sortDir = defaultSort.charAt(0) === "-" ? -1 : 1; }
      paintSort();
      return p.toString() !== "";
    }

    /* the buttons are in the page's HTML, disabled until now: enabling them moves nothing, so the table is not laid out again */
    function setupSort() {
      table.querySelectorAll("thead th[data-key]").forEach(function (th) {
        var button = th.querySelector("button.rg-sort");
        button.disabled = false;
        button.addEventListener("click", function () {
          var key = th.getAttribute("data-key");
          sortDir = key === sortKey ? -sortDir : (th.getAttribute("data-type") === "num" || key === "released" ? -1 : 1);
          sortKey = key;
          paintSort();
          update(true);
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
              r._orgs = String(r.organization).split(",").map(function (x) { return x.trim(); });
              return r;
            });
            total = rows.length;
            view = rows.slice();
          });
        loading.catch(function () { count.textContent = "Sorting and filtering are not available: the model list could not be loaded."; });
      }
      return loading;
    }
    function update(push) {
      load().then(function () { apply(); remember(push); });
    }

    function download() {
      load().then(function () {
        var cols = [["id", "id"], ["name", "name"], ["organization", "organization"], ["released", "released"],
          ["parameters", "parameters"], ["compute", "training_compute_flop"], ["compute_low", "training_compute_flop_low"],
          ["compute_high", "training_compute_flop_high"], ["compute_est", "training_compute_estimated"], ["energy", "energy_mwh"],
          ["energy_low", "energy_mwh_low"], ["energy_high", "energy_mwh_high"], ["energy_est", "energy_estimated"],
          ["emissions", "emissions_tco2e"], ["emissions_low", "emissions_tco2e_low"], ["emissions_high", "emissions_tco2e_high"],
          ["emissions_est", "emissions_estimated"], ["openness", "openness_score"], ["weights", "weights"], ["licence", "weights_licence"]];
        var lines = [cols.map(function (c) { return c[1]; }).join(",")];
        view.forEach(function (r) {
          lines.push(cols.map(function (c) {
            var v = r[c[0]];
            if (/_est$/.test(c[0])) v = r[c[0].replace(/_est$/, "")] === null ? "" : (v ? "true" : "false");
            return csvCell(v);
          }).join(","));
        });
        var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
        var a = el("a", { href: URL.createObjectURL(blob), download: "models-view.csv" });
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }

    /* choosing models to compare */
    var bar = document.getElementById("rg-compare-bar");
    var go = document.getElementById("rg-compare-go");
    var goBase = go.getAttribute("href");
    function paintPicked() {
      var ids = picked();
      bar.hidden = ids.length === 0;
      go.textContent = "Compare " + ids.length + " model" + (ids.length === 1 ? "" : "s");
      go.href = goBase + "?m=" + ids.map(encodeURIComponent).join(",");
      tbody.querySelectorAll("input[data-compare]").forEach(function (b) {
        var on = ids.indexOf(b.getAttribute("data-compare")) >= 0;
        if (b.checked !== on) b.checked = on;
      });
    }
    tbody.addEventListener("change", function (e) {
      var t = e.target;
      if (t && t.hasAttribute && t.hasAttribute("data-compare")) togglePicked(t.getAttribute("data-compare"), t.checked);
    });
    document.getElementById("rg-compare-clear").addEventListener("click", function () { setPicked([]); });
    document.addEventListener("rg-compare", paintPicked);
    later(paintPicked);  /* its first read of localStorage can wait on the browser: not in the task that loads the page */

    document.getElementById("rg-filter-set").disabled = false;
    setupSort();
    form.addEventListener("focusin", function () { load(); }, { once: true });
    form.addEventListener("input", function (e) {
      if (e.target && e.target.id === "rg-org-input") return;
      clearTimeout(typing);
      var push = e.target && e.target.type !== "search" && e.target.type !== "number";
      if (push) update(true); else typing = setTimeout(function () { update(false); }, 250);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById("rg-reset").addEventListener("click", function () {
      form.reset();
      orgs.set([]);
      update(true);
    });
    document.getElementById("rg-csv").addEventListener("click", download);
    more.querySelector("button").addEventListener("click", function () { load().then(renderMore); });
    window.addEventListener("popstate", function () { readAddress(); load().then(apply); });
    if (readAddress()) load().then(apply);  /* otherwise the server-rendered rows are already in the default order */
  }

  /* ---------------------------------------------------------------- compare page */
  var COMPARED = [["compute_flop", "Training compute"], ["accelerator_hours", "Accelerator-hours"],
    ["it_energy_mwh", "IT energy"], ["energy_mwh", "Energy, data-centre overhead included"],
    ["carbon_intensity_g_per_kwh", "Carbon intensity of the electricity"], ["emissions_tco2e", "Emissions (location-based)"],
    ["emissions_market_tco2e", "Emissions (market-based)"], ["water_m3", "Water consumed"],
    ["inference_energy_wh_per_1000_tokens", "Inference energy per 1,000 output tokens"]];
  var SCOPES = { "final-run": "final training run", "fine-tune-only": "fine-tuning only", "with-base-model": "base model included",
    "with-experiments": "experiments included" };

  function ratioText(r) { return fmt(r, 2) + "× of"; }

  function setupCompare() {
    var root = document.getElementById("rg-compare");
    if (!root) return;
    var input = document.getElementById("rg-compare-input");
    var form = document.getElementById("rg-compare-form");
    var names = document.getElementById("rg-compare-names");
    var status = document.getElementById("rg-compare-status");
    var holder = document.getElementById("rg-compare-table");
    var api = new URL(root.getAttribute("data-api"), window.location.href);
    var models = new URL(root.getAttribute("data-models"), window.location.href);
    var orgApi = new URL("../organizations/", api);
    var byName = {}, listed = null, cache = {}, orgs = {}, allNames = [];

    function ids() {
      var m = new URLSearchParams(window.location.search).get("m");
      var list = m === null ? picked() : m.split(",");
      return list.map(function (x) { return x.trim(); }).filter(function (x, i, all) { return /^[a-z0-9][a-z0-9._-]*$/.test(x) && all.indexOf(x) === i; });
    }
    function go(list, push) {
      var q = list.length ? "?m=" + list.map(encodeURIComponent).join(",") : "";
      history[push ? "pushState" : "replaceState"](null, "", window.location.pathname + q);
      setPicked(list);
      render();
    }
    function rowsIndex() {
      if (!listed) {
        listed = fetch(new URL(root.getAttribute("data-rows"), window.location.href)).then(function (r) { return r.json(); }).then(function (d) {
          d.rows.forEach(function (v) {
            var r = {};
            d.columns.forEach(function (c, i) { r[c] = v[i]; });
            byName[r.name.toLowerCase()] = r.id;
            byName[r.id] = r.id;
            allNames.push(r.name);
          });
        });
      }
      return listed;
    }
    function getJson(url) {
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url);
        return r.json();
      }).then(function (d) { return d.data; });
    }
    /* a model's API file and its organization's (for the name): a few KB each, not every model's row */
    function record(id) {
      if (!cache[id]) cache[id] = getJson(new URL(encodeURIComponent(id) + ".json", api)).then(function (d) {
        var ids = [].concat(d.organization || []);
        return Promise.all(ids.map(function (o) {
          if (!orgs[o]) orgs[o] = getJson(new URL(encodeURIComponent(o) + ".json", orgApi)).then(function (x) { return x.name; }, function () { return o; });
          return orgs[o];
        })).then(function (n) { d.organizationName = n.join(", "); return d; });
      });
      return cache[id];
    }

    function cell(tr, node) { var td = el("td"); if (typeof node === "string") td.textContent = node; else if (node) td.appendChild(node); tr.appendChild(td); return td; }
    function figureNode(m, unit) {
      var span = el("span");
      if (!m) { span.appendChild(el("span", { "class": "rg-unknown" }, "unknown")); return span; }
      var q = scaled(m.value, m.low, m.high, m.unit || unit);
      if (m.method === "estimated") span.appendChild(el("span", { "class": "rg-est", title: "estimate" }, "≈ "));
      span.appendChild(el("span", { "class": "rg-value" }, q[0]));
      if (q[2]) span.appendChild(document.createTextNode(" " + q[2]));
      if (q[1]) span.appendChild(el("span", { "class": "rg-range" }, " (range " + q[1] + ")"));
      span.appendChild(el("br"));
      span.appendChild(el("span", { "class": "rg-badge " + (m.method === "reported" ? "rg-badge--rep" : "rg-badge--est") }, m.method));
      if (m.method === "estimated" && m.path) span.appendChild(el("span", { "class": "rg-note" }, " " + m.path));
      return span;
    }
    function scopeOf(d) { return (d.training && d.training.scope) || ""; }

    function render() {
      var list = ids();
      input.disabled = false;
      form.querySelector("button").disabled = false;
      if (!list.length) { holder.hidden = true; holder.replaceChildren(); status.replaceChildren(document.createTextNode("No model chosen yet: add one below the heading, or pick them on the "), el("a", { href: models.href }, "models index"), document.createTextNode(".")); return; }
      status.textContent = "Loading " + list.length + " model" + (list.length === 1 ? "" : "s") + "…";
      /* straight from the chosen models' API files: a mistyped id is a missing file, reported below */
      Promise.all(list.map(function (id) { return record(id).catch(function () { return null; }); })).then(function (data) {
        var missing = list.filter(function (id, i) { return !data[i]; });
        var shown = list.filter(function (id, i) { return data[i]; });
        data = data.filter(Boolean);
        var table = el("table", { "class": "rg-table rg-table--compare" });
        table.appendChild(el("caption", { "class": "rg-visually-hidden" }, "Models compared"));
        var head = el("tr");
        head.appendChild(el("th", { scope: "col" }, "Figure"));
        data.forEach(function (d, i) {
          var th = el("th", { scope: "col" });
          th.appendChild(el("a", { href: new URL(encodeURIComponent(d.id) + "/", models).href }, d.name));
          var b = el("button", { type: "button", "class": "rg-chip", "aria-label": "Remove " + d.name }, "Remove");
          b.addEventListener("click", function () { go(shown.filter(function (x) { return x !== d.id; }), true); });
          th.appendChild(el("br"));
          th.appendChild(b);
          head.appendChild(th);
        });
        var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
        var body = el("tbody");
        function row(label, fill) {
          var tr = el("tr");
          tr.appendChild(el("th", { scope: "row" }, label));
          data.forEach(function (d, i) { fill(tr, d, i); });
          body.appendChild(tr);
        }
        row("Organization", function (tr, d) { cell(tr, d.organizationName || d.organization || "unknown"); });
        row("Released", function (tr, d) { cell(tr, d.released || "unknown"); });
        row("Parameters", function (tr, d) {
          var p = d.parameters && typeof d.parameters === "object" ? d.parameters.value : d.parameters;
          cell(tr, p === null || p === undefined ? "unknown" : scaled(p, null, null, "parameters")[0]);
        });
        row("Training scope", function (tr, d) { var s = scopeOf(d); cell(tr, s ? SCOPES[s] || s : "not stated"); });
        COMPARED.forEach(function (c) {
          if (!data.some(function (d) { return d.derived[c[0]]; })) return;
          row(c[1], function (tr, d, i) {
            var m = d.derived[c[0]];
            var td = cell(tr, figureNode(m, ""));
            var first = data[0].derived[c[0]];
            if (i === 0 || !m || !first || !first.value) return;
            var p = el("span", { "class": "rg-ratio" });
            if (scopeOf(d) !== scopeOf(data[0])) p.textContent = "no ratio: the training scopes differ";
            else p.textContent = ratioText(m.value / first.value) + " " + data[0].name + (scopeOf(d) ? "" : "*");
            td.appendChild(el("br"));
            td.appendChild(p);
          });
        });
        row("Openness score", function (tr, d) {
          var o = d.derived.openness && d.derived.openness.score;
          cell(tr, o === null || o === undefined ? "unknown" : fmt(o) + " / 100");
        });
        row("Weights", function (tr, d) { cell(tr, (d.derived.access && d.derived.access.weights) || "unknown"); });
        table.appendChild(body);
        holder.replaceChildren(table);
        holder.hidden = false;
        status.textContent = data.length + " model" + (data.length === 1 ? "" : "s") + " compared." +
          (missing.length ? " Not found: " + missing.join(", ") + "." : "") +
          (data.length > 1 && data.some(function (d) { return !scopeOf(d); }) ?
            " * Neither source states its training scope: the ratio assumes both count the final training run." : "");
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      rowsIndex().then(function () {
        var id = byName[input.value.trim().toLowerCase()];
        if (!id) { status.textContent = "No model named “" + input.value.trim() + "”: pick one of the suggestions."; return; }
        input.value = "";
        var list = ids().filter(function (x) { return x !== id; });
        list.push(id);
        go(list, true);
      });
    });
    /* the suggestions (one option per model) are made when the reader goes to the box, not while the table loads */
    input.addEventListener("focus", function () {
      rowsIndex().then(function () {
        var frag = document.createDocumentFragment();
        allNames.forEach(function (name) { frag.appendChild(el("option", { value: name })); });
        names.replaceChildren(frag);
      });
    }, { once: true });
    window.addEventListener("popstate", render);
    render();
  }

  /* ---------------------------------------------------------------- sortable tables (organization pages, hardware and grids) */
  /* A cell sorts by its data-sort value when it has one (raw numbers), else by its text; numbers as numbers, empty last. */
  function setupSortable() {
    document.querySelectorAll("table.rg-sortable").forEach(function (table) {
      var body = table.tBodies[0];
      table.querySelectorAll("thead th").forEach(function (th, column) {
        var button = el("button", { type: "button", "class": "rg-sort" }, th.textContent);
        th.replaceChildren(button);
        button.addEventListener("click", function () {
          var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
          function key(tr) {
            var c = tr.cells[column];
            var v = c.hasAttribute("data-sort") ? c.getAttribute("data-sort") : c.textContent.trim();
            var n = parseFloat(v.replace(/,/g, ""));
            return v === "" || v === "unknown" ? null : (!isNaN(n) && /^-?[\d.,]+(e[-+]?\d+)?$/i.test(v.replace(/,/g, "")) ? n : v.toLowerCase());
          }
          var rows = Array.prototype.slice.call(body.rows).map(function (tr) { return [key(tr), tr]; });
          rows.sort(function (a, b) {
            if (a[0] === b[0]) return 0;
            if (a[0] === null) return 1;
            if (b[0] === null) return -1;
            return (typeof a[0] === "number" && typeof b[0] === "number" ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]))) * dir;
          });
          rows.forEach(function (r) { body.appendChild(r[1]); });
          table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        });
      });
    });
  }

  /* ---------------------------------------------------------------- charts: what a point says, published only, downloads */
  function save(name, type, text) {
    var a = el("a", { href: URL.createObjectURL(new Blob([text], { type: type })), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function setupCharts() {
    document.querySelectorAll("figure.rg-chart--points").forEach(function (fig) {
      var svg = fig.querySelector("svg");
      var table = fig.querySelector("table");
      var tip = el("div", { "class": "rg-tip", role: "status", "aria-live": "polite" });
      tip.hidden = true;
      fig.appendChild(tip);
      function show(e) {
        var a = e.target.closest("a.rg-point");
        if (!a) return;
        var title = a.querySelector("title");
        tip.textContent = title ? title.textContent : "";
        var box = a.getBoundingClientRect(), outer = fig.getBoundingClientRect();
        tip.style.left = Math.max(0, Math.min(box.left - outer.left, outer.width - 260)) + "px";
        tip.style.top = (box.top - outer.top - 8) + "px";
        tip.hidden = false;
      }
      function hide() { tip.hidden = true; }
      svg.addEventListener("mouseover", show);
      svg.addEventListener("focusin", show);
      svg.addEventListener("mouseleave", hide);
      svg.addEventListener("focusout", hide);

      var bar = el("div", { "class": "rg-chart-tools" });
      var label = el("label");
      var only = el("input", { type: "checkbox" });
      label.appendChild(only);
      label.appendChild(document.createTextNode(" Published figures only"));
      var csv = el("button", { type: "button", "class": "md-button" }, "Data (CSV)");
      var svgButton = el("button", { type: "button", "class": "md-button" }, "Chart (SVG)");
      bar.appendChild(label);
      bar.appendChild(csv);
      bar.appendChild(svgButton);
      fig.insertBefore(bar, svg);
      only.addEventListener("change", function () {
        fig.classList.toggle("rg-chart--published", only.checked);
        Array.prototype.forEach.call(svg.querySelectorAll("a.rg-point--est"), function (a) {
          if (only.checked) a.setAttribute("tabindex", "-1"); else a.removeAttribute("tabindex");
        });
      });
      csv.addEventListener("click", function () {
        var lines = [Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvCell(c.textContent); }).join(",")];
        Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
          if (only.checked && tr.hasAttribute("data-est")) return;
          lines.push(Array.prototype.map.call(tr.cells, function (c) { return csvCell(c.textContent); }).join(","));
        });
        save(fig.id + ".csv", "text/csv;charset=utf-8", lines.join("\r\n") + "\r\n");
      });
      svgButton.addEventListener("click", function () {
        var copy = svg.cloneNode(true);
        copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
        if (only.checked) Array.prototype.forEach.call(copy.querySelectorAll(".rg-point--est"), function (n) { n.remove(); });
        var style = "<style>text{font:12px sans-serif;fill:#222}.rg-grid line{stroke:#ddd}.rg-axis line{stroke:#888}" +
          ".rg-point circle{fill:#2e7d32;stroke:#1b5e20;stroke-width:1.5}.rg-point line{stroke:#2e7d32;stroke-width:1.5;opacity:.6}" +
          ".rg-point--est circle{fill:#fff;stroke:#8a4b00}.rg-point--est line{stroke:#8a4b00}</style>";
        save(fig.id + ".svg", "image/svg+xml", new XMLSerializer().serializeToString(copy).replace(/(<svg[^>]*>)/, "$1" + style));
      });
    });
  }

  setupSearch();
  setupSearchPage();
  setupCharts();
  setupSortable();
  setupIndex();
  setupCompareButton();
  setupCompare();
})();
