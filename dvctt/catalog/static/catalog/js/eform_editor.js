// The administrator's e-form editor (catalog.eform_editor.EFormEditorWidget). It edits the list of fields of a
// procedure version's e-form and writes it, as JSON, into the field's textarea: the textarea is what the admin
// form posts, and the server validates it before saving. No dependencies, no inline script.
(function () {
  "use strict";

  var CHOICE_TYPES = ["select", "multiselect"];
  var TEXT_TYPES = ["text", "textarea", "email", "phone", "id_number"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] === true) { node.setAttribute(key, ""); } else if (attrs[key] !== false && attrs[key] != null) {
        node.setAttribute(key, attrs[key]);
      }
    });
    if (text != null) { node.textContent = text; }
    return node;
  }

  function choicesToText(choices) {
    return (choices || []).map(function (c) {
      return Array.isArray(c) ? (String(c[0]) === String(c[1]) ? String(c[0]) : c[0] + "|" + c[1]) : String(c);
    }).join("\n");
  }

  function textToChoices(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
      var cut = line.indexOf("|");
      return cut === -1 ? line : [line.slice(0, cut).trim(), line.slice(cut + 1).trim()];
    });
  }

  // A technical name from a label: "Số tiền nộp" → "so_tien_nop" (what the validator accepts).
  function slug(label) {
    var text = (label || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d")
      .toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").replace(/^[0-9_]+/, "");
    return text.slice(0, 64);
  }

  function Editor(root) {
    this.root = root;
    this.textarea = document.getElementById(root.getAttribute("data-target"));
    this.types = JSON.parse(root.getAttribute("data-types"));
    this.t = JSON.parse(root.getAttribute("data-texts"));
    // [[value, label, field types it fits]]: "" = recognised by the field's name, "none" = never filled.
    this.prefills = JSON.parse(root.getAttribute("data-prefills") || "[]");
    this.list = root.querySelector("[data-fields]");
    this.preview = root.querySelector("[data-preview]");
    this.uid = 0;
    var raw = (this.textarea.value || "").trim();
    try {
      var parsed = raw ? JSON.parse(raw) : [];
      this.fields = Array.isArray(parsed) ? parsed : [];
    } catch (e) {
      // Not JSON (a bad paste): leave the textarea to the administrator, the server says what is wrong.
      root.querySelector("details").open = true;
      return;
    }
    var self = this;
    this.textarea.addEventListener("change", function () {
      try { self.fields = JSON.parse(self.textarea.value || "[]"); self.render(); } catch (e) { /* server checks */ }
    });
    this.render();
  }

  Editor.prototype.save = function () {
    var clean = this.fields.map(function (f) {
      var out = { name: f.name || "", label: f.label || "", type: f.type || "text" };
      if (f.required) { out.required = true; }
      if (CHOICE_TYPES.indexOf(out.type) !== -1) { out.choices = f.choices || []; }
      if (f.help) { out.help = f.help; }
      if (f.prefill) { out.prefill = f.prefill; }
      if (TEXT_TYPES.indexOf(out.type) !== -1 && f.max_length) {
        var n = parseInt(f.max_length, 10);
        out.max_length = isNaN(n) ? f.max_length : n;
      }
      return out;
    });
    this.textarea.value = JSON.stringify(clean, null, 2);
    this.renderPreview();
  };

  Editor.prototype.render = function () {
    var self = this;
    this.list.textContent = "";
    var heading = el("h3", {}, this.t.fields);
    this.list.appendChild(heading);
    if (!this.fields.length) { this.list.appendChild(el("p", { "class": "help" }, this.t.empty)); }
    this.fields.forEach(function (field, index) { self.list.appendChild(self.fieldBox(field, index)); });
    var add = el("button", { type: "button", "class": "button", "data-add-field": true }, this.t.add);
    add.addEventListener("click", function () {
      self.fields.push({ name: "", label: "", type: "text" });
      self.render();
      self.save();
      var boxes = self.list.querySelectorAll("fieldset");
      boxes[boxes.length - 1].querySelector("input").focus();
    });
    this.list.appendChild(add);
    this.save();
  };

  Editor.prototype.fieldBox = function (field, index) {
    var self = this;
    var id = "eform-f" + (++this.uid);
    var box = el("fieldset", { "data-field-index": index });
    var legend = el("legend", {}, this.t.field + " " + (index + 1) + (field.label ? ": " + field.label : ""));
    box.appendChild(legend);

    function input(key, labelText, attrs) {
      var wrap = el("div");
      var control = el(attrs && attrs.tag === "textarea" ? "textarea" : "input",
        Object.assign({ id: id + "-" + key, type: attrs && attrs.tag === "textarea" ? null : "text" }, attrs || {}));
      control.removeAttribute("tag");
      wrap.appendChild(el("label", { "for": control.id }, labelText));
      control.value = key === "choices" ? choicesToText(field.choices) : (field[key] == null ? "" : field[key]);
      control.addEventListener("input", function () {
        field[key] = key === "choices" ? textToChoices(control.value) : control.value;
        if (key === "label") { legend.textContent = self.t.field + " " + (index + 1) + (control.value ? ": " + control.value : ""); }
        self.save();
      });
      wrap.appendChild(control);
      box.appendChild(wrap);
      return wrap;
    }

    // Until the administrator types a name, the name follows the label.
    var autoName = !field.name;
    var labelWrap = input("label", this.t.label, { "data-key": "label" });
    var nameWrap = input("name", this.t.name, { "data-key": "name", autocomplete: "off", spellcheck: "false" });
    var nameInput = nameWrap.querySelector("input");
    nameInput.addEventListener("input", function () { autoName = false; });
    labelWrap.querySelector("input").addEventListener("input", function (event) {
      if (!autoName) { return; }
      field.name = slug(event.target.value);
      nameInput.value = field.name;
      self.save();
    });

    var typeWrap = el("div");
    var select = el("select", { id: id + "-type", "data-key": "type" });
    Object.keys(this.types).forEach(function (key) {
      var option = el("option", { value: key }, self.types[key]);
      if ((field.type || "text") === key) { option.selected = true; }
      select.appendChild(option);
    });
    typeWrap.appendChild(el("label", { "for": select.id }, this.t.type));
    typeWrap.appendChild(select);
    box.appendChild(typeWrap);

    var reqWrap = el("div");
    var req = el("input", { type: "checkbox", id: id + "-required", "data-key": "required" });
    req.checked = !!field.required;
    req.addEventListener("change", function () { field.required = req.checked; self.save(); });
    var reqLabel = el("label", { "for": req.id });
    reqLabel.appendChild(req);
    reqLabel.appendChild(document.createTextNode(" " + this.t.required));
    reqWrap.appendChild(reqLabel);
    box.appendChild(reqWrap);

    var choices = input("choices", this.t.choices, { tag: "textarea", rows: 3, "data-key": "choices" });
    var prefillWrap = el("div");
    var prefill = el("select", { id: id + "-prefill", "data-key": "prefill" });
    function fillPrefillOptions() {
      // Only the account values that fit the field's type (the server refuses the others).
      prefill.textContent = "";
      self.prefills.forEach(function (item) {
        var fits = !item[2].length || item[2].indexOf(field.type || "text") !== -1;
        if (!fits && field.prefill !== item[0]) { return; }
        var option = el("option", { value: item[0] }, item[1]);
        if ((field.prefill || "") === item[0]) { option.selected = true; }
        prefill.appendChild(option);
      });
    }
    fillPrefillOptions();
    prefill.addEventListener("change", function () {
      if (prefill.value) { field.prefill = prefill.value; } else { delete field.prefill; }
      self.save();
    });
    prefillWrap.appendChild(el("label", { "for": prefill.id }, this.t.prefill));
    prefillWrap.appendChild(prefill);
    box.appendChild(prefillWrap);
    input("help", this.t.help, { "data-key": "help" });
    var maxLength = input("max_length", this.t.max_length, { inputmode: "numeric", "data-key": "max_length" });

    function showOptional() {
      choices.hidden = CHOICE_TYPES.indexOf(field.type || "text") === -1;
      maxLength.hidden = TEXT_TYPES.indexOf(field.type || "text") === -1;
    }
    select.addEventListener("change", function () {
      field.type = select.value;
      showOptional();
      fillPrefillOptions();
      self.save();
    });
    showOptional();

    var buttons = el("div", { "class": "eform-editor-buttons" });
    [["up", -1], ["down", 1]].forEach(function (pair) {
      var b = el("button", { type: "button", "class": "button", "data-move": pair[0] }, self.t[pair[0]]);
      b.disabled = (pair[1] < 0 && index === 0) || (pair[1] > 0 && index === self.fields.length - 1);
      b.addEventListener("click", function () {
        var other = index + pair[1];
        var moved = self.fields.splice(index, 1)[0];
        self.fields.splice(other, 0, moved);
        self.render();
      });
      buttons.appendChild(b);
    });
    var remove = el("button", { type: "button", "class": "button", "data-remove": true }, this.t.remove);
    remove.addEventListener("click", function () { self.fields.splice(index, 1); self.render(); });
    buttons.appendChild(remove);
    box.appendChild(buttons);
    return box;
  };

  Editor.prototype.renderPreview = function () {
    var self = this;
    var root = this.preview;
    root.textContent = "";
    if (!this.fields.length) { root.appendChild(el("p", {}, this.t.empty)); return; }
    this.fields.forEach(function (field, index) {
      var id = "eform-preview-" + index;
      var type = field.type || "text";
      var label = (field.label || field.name || "") + (field.required ? " *" : "");
      var wrap = el("div", { "class": "field", "data-preview-field": field.name || "" });
      var hint = field.help ? el("p", { "class": "hint", id: id + "-hint" }, field.help) : null;
      var described = hint ? id + "-hint" : null;
      if (type === "checkbox") {
        var box = el("input", { type: "checkbox", id: id, "aria-describedby": described });
        var l = el("label", { "for": id });
        l.appendChild(box);
        l.appendChild(document.createTextNode(" " + label));
        wrap.appendChild(l);
        if (hint) { wrap.appendChild(hint); }
      } else if (type === "multiselect") {
        var group = el("fieldset", { "aria-describedby": described });
        group.appendChild(el("legend", {}, label));
        if (hint) { group.appendChild(hint); }
        (field.choices || []).forEach(function (c, i) {
          var value = Array.isArray(c) ? c[0] : c;
          var text = Array.isArray(c) ? c[1] : c;
          var item = el("label", { "for": id + "-" + i });
          item.appendChild(el("input", { type: "checkbox", id: id + "-" + i, value: value }));
          item.appendChild(document.createTextNode(" " + text));
          group.appendChild(item);
        });
        wrap.appendChild(group);
      } else {
        wrap.appendChild(el("label", { "for": id }, label));
        if (hint) { wrap.appendChild(hint); }
        var control;
        if (type === "textarea") {
          control = el("textarea", { id: id, rows: 3 });
        } else if (type === "select") {
          control = el("select", { id: id });
          control.appendChild(el("option", { value: "" }, self.t.choose));
          (field.choices || []).forEach(function (c) {
            control.appendChild(el("option", { value: Array.isArray(c) ? c[0] : c }, Array.isArray(c) ? c[1] : c));
          });
        } else {
          control = el("input", {
            id: id,
            type: type === "email" ? "email" : (type === "phone" ? "tel" : "text"),
            placeholder: type === "date" ? "dd/mm/yyyy" : null,
            inputmode: ["number", "integer", "money", "id_number", "date"].indexOf(type) !== -1 ? "numeric" : null,
            maxlength: field.max_length || null
          });
        }
        if (described) { control.setAttribute("aria-describedby", described); }
        if (field.required) { control.setAttribute("aria-required", "true"); }
        wrap.appendChild(control);
      }
      root.appendChild(wrap);
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-eform-editor]").forEach(function (root) { new Editor(root); });
  });
})();
