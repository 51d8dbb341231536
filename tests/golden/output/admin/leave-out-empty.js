// A field the editor empties is left out of the file, as if never filled in.
//
// Decap CMS 3.16 writes an optional field that was filled in and then cleared as
// an empty value (employer: "", office_days: ""), which `check` refuses: an
// empty text is not a name, an empty number is not a number. Before each save,
// this drops such fields from the entry, in groups and list items too, and a
// group left with nothing in it. A required field never reaches here empty: the
// form refuses to save it. Served from /admin/ beside the CMS (cms.py).
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
}());
