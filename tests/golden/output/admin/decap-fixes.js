// Two fixes for Decap CMS 3.16, loaded after it on /admin/ (cms.py).
//
// 1. A field the editor empties is left out of the file, as if never filled in.
//    Decap writes an optional field that was filled in and then cleared as an
//    empty value (employer: "", office_days: ""), which `check` refuses: an empty
//    text is not a name, an empty number is not a number. Before each save, such
//    fields are dropped from the entry, in groups and list items too, and a group
//    left with nothing in it. A required field never reaches here empty: the form
//    refuses to save it.
// 2. Moving from one entry straight to another reloads the page. Decap keeps the
//    entry it shows when only the address changes (cities/entries/leeds, then
//    cities/entries/york typed in the address bar, or Back between them, shows
//    Leeds's values under York's address), so a save could write the wrong values.
//    Through the collection's list, as its own links go, nothing is reloaded.
"use strict";
(function () {
  function isList(value) {
    return value !== null && typeof value === "object" && typeof value.push === "function";
  }

  function isGroup(value) {
    return value !== null && typeof value === "object" && !isList(value)
      && typeof value.filter === "function" && typeof value.map === "function";
  }

  function isEmpty(value) {
    return value === "" || value === null || value === undefined
      || ((isList(value) || isGroup(value)) && value.size === 0);
  }

  // Immutable.js values, as Decap keeps an entry's data: a Map per group, a List per list.
  function pruned(value) {
    if (isList(value)) {
      return value.map(pruned);
    }
    if (isGroup(value)) {
      return value.map(pruned).filter(function (inner) { return !isEmpty(inner); });
    }
    return value;
  }

  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) { return pruned(event.entry.get("data")); },
  });

  // The form of an entry (#/collections/cities/entries/leeds) or of a new one (.../new).
  var FORM = /^#\/collections\/[^/?]+\/(entries\/[^?]+|new)/;

  function form(url) {
    var found = new URL(url).hash.match(FORM);
    return found ? found[0] : null;
  }

  window.addEventListener("hashchange", function (event) {
    var before = form(event.oldURL);
    var after = form(event.newURL);
    if (before && after && after !== before && after.indexOf("/entries/") !== -1) {
      window.location.reload();
    }
  });
}());
