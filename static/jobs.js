// Search and filters over the guide's Pagefind index (pagefind/, built by
// mlguide/publish/search.py), on the jobs page (the roles' bundle) and the search
// page (the guide's, with the roles' merged in). Every page
// is complete without this script: each city, sector, employer and kind of role
// has its own list, and long lists have numbered pages. The facets come in the
// page with the build's counts (views/facets.py); nothing of the index is fetched
// until the reader types, picks an order or ticks a facet; then Pagefind loads
// its index in small pieces and each search updates the counts. The search is
// kept in the address (?q=python&city=Leeds), so it can be shared, and each
// settled change (a facet, the order, words once typing pauses) is a step of the
// history: Back undoes it. Results are built as text nodes, never as HTML.
(function () {
  "use strict";

  var form = document.getElementById("search");
  if (!form) return;
  var box = document.getElementById("search-query");
  var order = document.getElementById("search-sort");
  var facets = document.getElementById("search-facets");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-count");
  var list = document.getElementById("search-list");
  var more = document.getElementById("search-more");
  var listing = document.getElementById("job-listing");
  var kind = form.getAttribute("data-kind");
  var TOP = +facets.getAttribute("data-top") || 12;
  var PAGE = 10;
  var PAUSE = 700;  // ms without a keystroke before typed words become a history step
  var pagefind = null;
  var loading = null;
  var counter = 0;
  var found = [];
  var next = 0;
  var typing = 0;

  function load() {
    if (!loading) {
      loading = import(form.getAttribute("data-bundle") + "pagefind.js").then(function (module) {
        pagefind = module;
        return pagefind.options({ baseUrl: "/" });
      }).then(function () {
        // The search page's bundle holds cities and employers; the roles' is merged in,
        // each of its records counted as a role.
        var roles = form.getAttribute("data-merge");
        return roles && pagefind.mergeIndex(roles, { mergeFilter: { kind: "Role" } });
      }).then(function () { return pagefind.filters(); });  // or results carry no counts
    }
    return loading;
  }

  function boxes() {
    return Array.prototype.slice.call(facets.querySelectorAll("input[type=checkbox]"));
  }

  // The checkbox for one value, made if the page does not have it yet (a value beyond
  // the facet's first TOP, found by a search or named in the address).
  function checkbox(name, value) {
    var set = Array.prototype.filter.call(facets.querySelectorAll("fieldset"), function (f) {
      return f.getAttribute("data-facet") === name;  // compared, never put in a selector
    })[0];
    var have = boxes().filter(function (b) { return b.name === name && b.value === value; });
    if (have.length || !set) return have[0];
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
    return input;
  }

  function chosen() {
    var filters = {};
    boxes().forEach(function (input) {
      if (input.checked) (filters[input.name] = filters[input.name] || []).push(input.value);
    });
    return filters;
  }

  function address() {
    var params = new URLSearchParams();
    var term = box.value.trim();
    var filters = chosen();
    if (term) params.set("q", term);
    if (order.value) params.set("sort", order.value);
    Object.keys(filters).forEach(function (name) {
      filters[name].forEach(function (value) { params.append(name, value); });
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  // A settled change becomes a step of the history, unless the address already says it.
  function commit() {
    window.clearTimeout(typing);
    var url = address();
    if (url !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", url);
    }
  }

  // The form as the address says (a shared link, or Back and Forward).
  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    box.value = params.get("q") || "";
    order.value = params.get("sort") || "";
    params.forEach(function (value, name) { checkbox(name, value); });
    boxes().forEach(function (input) {
      input.checked = params.getAll(input.name).indexOf(input.value) >= 0;
    });
  }

  function counts(available) {
    var top = {};
    Object.keys(available).forEach(function (name) {
      var values = available[name];
      Object.keys(values).filter(function (v) { return values[v]; })
        .sort(function (a, b) { return values[b] - values[a] || (a < b ? -1 : 1); })
        .slice(0, TOP).forEach(function (v) { top[name + "=" + v] = checkbox(name, v); });
    });
    boxes().forEach(function (input) {
      var n = (available[input.name] || {})[input.value] || 0;
      input.parentNode.lastChild.textContent = "(" + n + ")";
      // A value no result has, or one beyond the facet's TOP, is hidden unless ticked.
      input.parentNode.hidden = !input.checked && !(n && top[input.name + "=" + input.value]);
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
    if (!term && !Object.keys(filters).length && !order.value) {
      ++counter;  // a search still loading must not show over the listing
      results.hidden = true;
      if (listing) listing.hidden = false;
      return Promise.resolve();
    }
    var mine = ++counter;
    var query = {};
    Object.keys(filters).forEach(function (name) { query[name] = { any: filters[name] }; });
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

  function settled() { commit(); run(); }

  box.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(commit, PAUSE);
    run();
  });
  order.addEventListener("change", settled);
  facets.addEventListener("change", settled);
  more.addEventListener("click", showMore);
  form.addEventListener("submit", function (event) { event.preventDefault(); settled(); });
  // The reset event comes before the form is cleared: act once it is.
  form.addEventListener("reset", function () { window.setTimeout(settled, 0); });
  window.addEventListener("popstate", function () {
    window.clearTimeout(typing);
    fromAddress();
    run();
  });

  form.hidden = false;
  fromAddress();
  // A shared address asks for a search: load the index and run it at once.
  if (window.location.search) run();
})();
