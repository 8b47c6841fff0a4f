// Back office: a search box over a long list of choices (a <select> or a list of checkboxes marked data-search).
// Progressive enhancement: without this script the list works as it is. Typing filters by name, accents and
// case ignored ("so tu phap" finds "Sở Tư pháp"); selected choices always stay visible.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().trim();
  }

  function enhance(list, index, label) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.id = (list.id || "picker-" + index) + "-search";
    box.setAttribute("aria-label", label);
    box.setAttribute("placeholder", label);
    box.setAttribute("autocomplete", "off");
    if (list.id) { box.setAttribute("aria-controls", list.id); }
    var status = document.createElement("p");
    status.className = "hint picker-count";
    status.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(box, list);
    list.parentNode.insertBefore(status, list.nextSibling);

    var isSelect = list.tagName === "SELECT";
    var items = isSelect ? Array.prototype.slice.call(list.options)
      : Array.prototype.slice.call(list.querySelectorAll("input[type=checkbox]"));

    function text(item) {
      if (isSelect) { return item.text; }
      var holder = item.closest("label") || item.parentNode;
      return holder ? holder.textContent : item.value;
    }

    function row(item) {
      if (isSelect) { return item; }
      return item.closest("div") || item.closest("li") || item.parentNode;
    }

    box.addEventListener("input", function () {
      var wanted = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var keep = item.value === "" || (isSelect ? item.selected : item.checked) || wanted.every(function (w) {
          return fold(text(item)).indexOf(w) !== -1;
        });
        row(item).hidden = !keep;
        if (keep && item.value !== "") { shown += 1; }
      });
      status.textContent = wanted.length ? shown + " / " + items.filter(function (i) { return i.value !== ""; }).length : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lists = [];
    document.querySelectorAll("select[data-search], input[type=checkbox][data-search]").forEach(function (el) {
      // A list of checkboxes carries the attribute on each box: the list is their container (div#id_<name>).
      var list = el.tagName === "SELECT" ? el : el.closest("div[id]");
      if (list && lists.indexOf(list) === -1) {
        lists.push(list);
        enhance(list, lists.length, el.getAttribute("data-search"));
      }
    });
  });
})();
