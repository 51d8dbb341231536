// Search and filters (/jobs/ and /search/); every page is complete without it. The facets
// come in the page with the build's counts; nothing of an index is fetched until the
// reader types, picks an order or ticks a facet. /jobs/ searches the roles' own index
// (RoleIndex: search/roles/, mlguide/publish/role_index.py), /search/ Pagefind's
// (pagefind/, publish/search.py); both answer alike. The search is kept in the address,
// and each settled change is a step of the history. Results are text nodes, never HTML.
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
  var engine = null;  // the index searched: RoleIndex, Pagefind, or Both
  var loading = null;
  var counter = 0;
  var found = [];
  var next = 0;
  var typing = 0;

  // The words of a text, split as the build split the roles' (role_index.words).
  function words(text) {
    var plain = text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
    return (plain.match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) { return w.length >= 2; });
  }

  // The word file a word is in: its first two letters, or their UTF-8 in hex.
  function pairName(word) {
    var start = Array.from(word).slice(0, 2).join("");
    if (/^[a-z0-9]{2}$/.test(start)) return start;
    return "x" + Array.from(new TextEncoder().encode(start), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  // "pipelines" finds "pipeline": an ending is dropped (three letters kept), and the rest
  // matches the start of a word.
  function stem(word) {
    var m = /^(.{3,}?)(ies|ing|es|ed|s)$/.exec(word);
    return m ? m[1] : word;
  }

  // Edit distance, a swap of neighbours counted once (optimal string alignment).
  function distance(a, b) {
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows[i] = [i];
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { rows[i][j] = j; continue; }
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
          rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, rows[i - 2][j - 2] + 1);
        }
        rows[i][j] = d;
      }
    }
    return rows[a.length][b.length];
  }

  // The words a typed word finds: those it starts; if none, those it starts with a slip
  // (one from five letters, two from eight).
  function wordsFor(piece, typed) {
    var start = stem(typed);
    var all = Object.keys(piece);
    var found = all.filter(function (w) { return w.lastIndexOf(start, 0) === 0; });
    var slips = start.length >= 8 ? 2 : start.length >= 5 ? 1 : 0;
    if (found.length || !slips) return found;
    return all.filter(function (w) {
      for (var n = start.length - 1; n <= Math.min(w.length, start.length + 1); n++) {
        if (distance(start, w.slice(0, n)) <= slips) return true;
      }
      return false;
    });
  }

  function RoleIndex(root) {
    var files = {};
    function get(path) {
      if (!files[path]) {
        files[path] = window.fetch(root + path).then(function (response) {
          if (!response.ok) throw new Error(root + path + ": " + response.status);
          return response.json();
        });
      }
      return files[path];
    }

    // Per role, 0 when the typed word is not in it, 3 in its title, else 1.
    function scores(index, typed) {
      var score = new Uint8Array(index.roles);
      var file = index.words[pairName(typed)];
      if (!file) return Promise.resolve(score);
      return get(file).then(function (piece) {
        wordsFor(piece, typed).forEach(function (word) {
          var code = 0;
          piece[word].forEach(function (gap) {
            code += gap;
            var role = code >> 1;
            score[role] = Math.max(score[role], code & 1 ? 3 : 1);
          });
        });
        return score;
      });
    }

    function held(facet, role) {
      var of = facet.of[role];
      return typeof of === "number" ? [of] : of;
    }

    function card(index, role) {
      return get(index.cards[Math.floor(role / index.batch)]).then(function (batch) {
        var c = batch[role % index.batch];
        return { url: c[3], meta: { title: c[0], employer: c[1], facts: c[2], kind: "Role" } };
      });
    }

    // Closing days and pay: a file of their own, fetched for those orders only.
    function orders(index, sort) {
      var key = Object.keys(sort || {})[0];
      return key === "closes" || key === "pay" ? get(index.orders) : Promise.resolve(null);
    }

    function ordered(found, total, sort, keys) {
      var by = {
        posted: function () { return 0; },
        closes: function (a, b) {
          var x = keys.closes[a], y = keys.closes[b];
          return x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y;
        },
        pay: function (a, b) { return keys.pay[b] - keys.pay[a]; },
        best: function (a, b) { return total[b] - total[a]; }
      }[Object.keys(sort || {})[0] || "best"] || function () { return 0; };
      // A role's number is its place newest first: "newest", and every tie-break.
      return found.sort(function (a, b) { return by(a, b) || a - b; });
    }

    this.search = function (term, options) {
      return get("index.json").then(function (index) {
        var typed = words(term || "");
        var keys = orders(index, options.sort);
        return Promise.all([keys].concat(typed.map(function (w) { return scores(index, w); })))
          .then(function (loaded) {
            var each = loaded.slice(1);
            var wanted = options.filters || {};
            var names = Object.keys(wanted).filter(function (n) { return wanted[n].any.length; });
            var total = new Uint16Array(index.roles);
            var found = [];
            var counts = {};
            Object.keys(index.facets).forEach(function (name) { counts[name] = {}; });
            for (var role = 0; role < index.roles; role++) {
              var sum = 0;
              var every = true;  // each typed word is in the role
              for (var w = 0; w < each.length && every; w++) {
                every = each[w][role] > 0;
                sum += each[w][role];
              }
              if (!every) continue;
              var passes = names.every(function (name) {
                var facet = index.facets[name];
                return facet && held(facet, role).some(function (v) {
                  return wanted[name].any.indexOf(facet.values[v]) >= 0;
                });
              });
              if (!passes) continue;
              total[role] = sum;
              found.push(role);
              Object.keys(index.facets).forEach(function (name) {
                var facet = index.facets[name];
                held(facet, role).forEach(function (v) {
                  var value = facet.values[v];
                  counts[name][value] = (counts[name][value] || 0) + 1;
                });
              });
            }
            return {
              filters: counts,
              results: ordered(found, total, options.sort, loaded[0]).map(function (role) {
                return { data: function () { return card(index, role); } };
              })
            };
          });
      });
    };
  }

  // The search page: Pagefind's cities and employers, then the roles (in the order asked
  // for: only roles have closing days and pay), counted together, each role as a "Role".
  function Both(guide, roles) {
    this.search = function (term, options) {
      var filters = options.filters || {};
      var kinds = (filters.kind || {}).any || [];
      var rest = {};
      Object.keys(filters).forEach(function (n) { if (n !== "kind") rest[n] = filters[n]; });
      var none = Promise.resolve({ results: [], filters: {} });
      var sorted = Object.keys(options.sort || {}).length > 0;
      return Promise.all([
        kinds.length && kinds.every(function (k) { return k === "Role"; }) ? none
          : guide.search(term, { filters: filters }),
        kinds.length && kinds.indexOf("Role") < 0 ? none
          : roles.search(term, { filters: rest, sort: options.sort })
      ]).then(function (both) {
        var counts = both[0].filters || {};
        Object.keys(both[1].filters).forEach(function (name) {
          var into = counts[name] = counts[name] || {};
          var from = both[1].filters[name];
          Object.keys(from).forEach(function (v) { into[v] = (into[v] || 0) + from[v]; });
        });
        (counts.kind = counts.kind || {}).Role = both[1].results.length;
        var parts = sorted ? [both[1], both[0]] : [both[0], both[1]];
        return { filters: counts, results: parts[0].results.concat(parts[1].results) };
      });
    };
  }

  function pagefindAt(bundle) {
    return import(bundle + "pagefind.js").then(function (module) {
      return module.options({ baseUrl: "/" }).then(function () {
        return module.filters();  // or results carry no counts
      }).then(function () { return module; });
    });
  }

  function load() {
    var own = form.getAttribute("data-index");
    var bundle = form.getAttribute("data-bundle");
    if (!loading) {
      loading = (bundle ? pagefindAt(bundle) : Promise.resolve(null)).then(function (guide) {
        var roles = own && new RoleIndex(own);
        engine = guide && roles ? new Both(guide, roles) : guide || roles;
        return engine;
      });
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
    return load().then(function () { return engine.search(term || null, options); })
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
