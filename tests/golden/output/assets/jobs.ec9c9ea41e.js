// Filters the jobs page in place. The page is complete without this script: every
// city and sector has its own listing page, and long lists have numbered pages.
// With it, the filter form appears, the list narrows as a box is ticked, the
// choice is kept in the address (?workplace=remote&sector=healthcare), so it can
// be shared and the back button undoes it, and the count says how many match.
// No dependencies, no network requests.
(function () {
  "use strict";

  var form = document.getElementById("job-filters");
  var list = document.getElementById("job-list");
  var status = document.getElementById("job-count");
  if (!form || !status) return;

  var empty = document.getElementById("job-empty");
  var pager = document.getElementById("job-pager");
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li.job")) : [];
  // Items past the first page are sent hidden; they show only when a filter is on.
  var later = items.filter(function (item) { return item.hidden; });
  var unfiltered = status.textContent;
  // Filter name => the item's data- attribute it matches (space-separated values).
  var fields = { workplace: "workplace", sector: "sectors", city: "city", type: "type",
                 salary: "salary" };
  var names = Object.keys(fields);

  function boxes(name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='" + name + "']"));
  }

  // The ticked values of each filter: {workplace: ["remote"], sector: []}.
  function chosen() {
    var state = {};
    names.forEach(function (name) {
      state[name] = boxes(name).filter(function (box) { return box.checked; })
        .map(function (box) { return box.value; });
    });
    return state;
  }

  function active(state) {
    return names.some(function (name) { return state[name].length > 0; });
  }

  // Any ticked value within a filter, and every filter that has one.
  function matches(item, state) {
    return names.every(function (name) {
      if (!state[name].length) return true;
      var values = (item.getAttribute("data-" + fields[name]) || "").split(" ");
      return state[name].some(function (value) { return values.indexOf(value) >= 0; });
    });
  }

  function show(state) {
    var filtering = active(state);
    var count = 0;
    items.forEach(function (item) {
      var visible = filtering ? matches(item, state) : later.indexOf(item) < 0;
      item.hidden = !visible;
      if (filtering && visible) count += 1;
    });
    if (!filtering) {
      status.textContent = unfiltered;
    } else {
      status.textContent = count === 1 ? "1 of " + items.length + " roles matches."
        : count + " of " + items.length + " roles match.";
    }
    if (empty) empty.hidden = !filtering || count > 0;
    if (pager) pager.hidden = filtering;
  }

  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    names.forEach(function (name) {
      var wanted = params.getAll(name);
      boxes(name).forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    });
  }

  function toAddress(state) {
    var params = new URLSearchParams();
    names.forEach(function (name) {
      state[name].forEach(function (value) { params.append(name, value); });
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState(null, "", url);
    }
  }

  function update() {
    var state = chosen();
    toAddress(state);
    show(state);
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    // The reset event fires before the boxes are cleared.
    window.setTimeout(update, 0);
  });
  if (empty) {
    empty.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a.clear-filters")) {
        event.preventDefault();
        form.reset();
      }
    });
  }
  window.addEventListener("popstate", function () {
    fromAddress();
    show(chosen());
  });

  form.hidden = false;
  fromAddress();
  show(chosen());
})();
