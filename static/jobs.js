// Search and filters over the guide's Pagefind index (pagefind/, built by
// mlguide/publish/search.py), on the jobs page and the search page. Every page
// is complete without this script: each city, sector, employer and kind of role
// has its own list, and long lists have numbered pages. Nothing is fetched until
// the reader types, picks an order or asks for the filters; then Pagefind loads
// its index in small pieces. The search is kept in the address (?q=python&city=Leeds),
// so it can be shared. Results are built as text nodes, never as HTML.
(function () {
  "use strict";

  var form = document.getElementById("search");
  if (!form) return;
  var box = document.getElementById("search-query");
  var order = document.getElementById("search-sort");
  var facets = document.getElementById("search-facets");
  var opener = document.getElementById("search-open");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-count");
  var list = document.getElementById("search-list");
  var more = document.getElementById("search-more");
  var listing = document.getElementById("job-listing");
  var kind = form.getAttribute("data-kind");
  var names = { kind: "Kind", city: "City", sector: "Sector", workplace: "Workplace",
                type: "Employment type", pay: "Pay, a year", visa: "Visa sponsorship",
                ir35: "IR35" };
  var shown = ["kind", "city", "sector", "workplace", "type", "pay", "visa", "ir35"]
    .filter(function (name) { return !(kind && name === "kind"); });
  var payOrder = (form.getAttribute("data-pay") || "").split("|");
  var pagefind = null;
  var loading = null;
  var counter = 0;
  var found = [];
  var next = 0;
  var PAGE = 10;

  function load() {
    if (!loading) {
      loading = import(form.getAttribute("data-bundle") + "pagefind.js").then(function (module) {
        pagefind = module;
        return pagefind.options({ baseUrl: "/" });
      }).then(function () { return pagefind.filters(); }).then(buildFacets);
    }
    return loading;
  }

  function sorted(name, values) {
    var keys = Object.keys(values);
    if (name === "pay") {
      return keys.sort(function (a, b) { return payOrder.indexOf(a) - payOrder.indexOf(b); });
    }
    return keys.sort(function (a, b) { return a.localeCompare(b); });
  }

  function buildFacets(all) {
    shown.forEach(function (name) {
      if (!all[name]) return;
      var set = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = names[name];
      set.appendChild(legend);
      sorted(name, all[name]).forEach(function (value) {
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = name;
        input.value = value;
        var count = document.createElement("span");
        count.className = "count";
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + value + " "));
        label.appendChild(count);
        set.appendChild(label);
      });
      facets.appendChild(set);
    });
    fromAddress();
  }

  function boxes() {
    return Array.prototype.slice.call(facets.querySelectorAll("input[type=checkbox]"));
  }

  function chosen() {
    var filters = {};
    boxes().forEach(function (input) {
      if (input.checked) (filters[input.name] = filters[input.name] || []).push(input.value);
    });
    return filters;
  }

  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    boxes().forEach(function (input) {
      input.checked = params.getAll(input.name).indexOf(input.value) >= 0;
    });
  }

  function toAddress(term, filters) {
    var params = new URLSearchParams();
    if (term) params.set("q", term);
    if (order.value) params.set("sort", order.value);
    Object.keys(filters).forEach(function (name) {
      filters[name].forEach(function (value) { params.append(name, value); });
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function counts(available) {
    boxes().forEach(function (input) {
      var n = (available[input.name] || {})[input.value] || 0;
      input.parentNode.lastChild.textContent = "(" + n + ")";
      // A value no result has (a city with no roles) is hidden, unless it is ticked.
      input.parentNode.hidden = !n && !input.checked;
    });
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "job";
    var heading = document.createElement("h3");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title;
    heading.appendChild(link);
    li.appendChild(heading);
    [data.meta.employer, data.meta.facts].forEach(function (text, i) {
      var p = document.createElement("p");
      p.className = i ? "facts-line" : "job-employer";
      p.textContent = (i === 0 && !kind ? data.meta.kind + " · " : "") + text;
      li.appendChild(p);
    });
    return li;
  }

  function showMore() {
    var batch = found.slice(next, next + PAGE);
    next += batch.length;
    more.hidden = next >= found.length;
    var mine = counter;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (all) {
      // A newer search may have cleared the list while these loaded: drop them.
      if (mine !== counter) return;
      all.forEach(function (data) { list.appendChild(item(data)); });
    });
  }

  function run() {
    var term = box.value.trim();
    var filters = chosen();
    toAddress(term, filters);
    if (!term && !Object.keys(filters).length && !order.value) {
      ++counter;  // a search still loading must not show over the listing
      results.hidden = true;
      if (listing) listing.hidden = false;
      return Promise.resolve();
    }
    var mine = ++counter;
    var query = {};
    Object.keys(filters).forEach(function (name) { query[name] = { any: filters[name] }; });
    if (kind) query.kind = kind;
    var options = { filters: query };
    if (order.value) {
      options.sort = {};
      options.sort[order.value] = order.value === "closes" ? "asc" : "desc";
    }
    return load().then(function () { return pagefind.search(term || null, options); })
      .then(function (search) {
        if (mine !== counter) return;
        found = search.results;
        next = 0;
        list.textContent = "";
        counts(search.filters || {});
        var what = kind ? (found.length === 1 ? "role matches" : "roles match")
          : (found.length === 1 ? "result" : "results");
        status.textContent = found.length + " " + what + ".";
        results.hidden = false;
        if (listing) listing.hidden = true;
        return showMore();
      });
  }

  box.addEventListener("input", run);
  order.addEventListener("change", run);
  facets.addEventListener("change", run);
  more.addEventListener("click", showMore);
  opener.addEventListener("click", function () {
    opener.hidden = true;
    load().then(run);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { boxes().forEach(function (b) { b.checked = false; }); run(); },
                      0);
  });

  form.hidden = false;
  var start = new URLSearchParams(window.location.search);
  box.value = start.get("q") || "";
  order.value = start.get("sort") || "";
  // A shared address asks for a search: load the index and run it at once.
  if (window.location.search) load().then(run);
})();
