// soclab portal: the KQL editor. Our own ~150 lines instead of a vendored editor (Monaco,
// CodeMirror): the lab runs offline from one binary, and this is all the page needs —
// highlighting, completion of table and column names from the schema, the error's place
// marked, Ctrl+Enter to run. The textarea stays the form field, so the page works without it.
(function () {
  "use strict";
  var box = document.querySelector(".editor");
  if (!box) return;
  var ta = document.getElementById("query"), code = document.getElementById("highlight");
  var list = document.getElementById("completions");
  // The schema comes from the page's own schema tree (table names and their columns), so the
  // page does not carry it twice.
  var schema = {};
  document.querySelectorAll("#schema-tree > li").forEach(function (li) {
    var name = li.querySelector("summary").textContent.trim();
    schema[name] = Array.prototype.map.call(li.querySelectorAll("code"), function (c) { return c.textContent; });
  });
  var tables = Object.keys(schema);
  var keywords = ["where", "project", "extend", "summarize", "by", "order", "sort", "asc", "desc", "take", "limit", "top",
    "join", "kind", "on", "union", "let", "render", "timechart", "barchart", "columnchart", "piechart", "count", "distinct",
    "and", "or", "not", "has", "contains", "startswith", "endswith", "in", "between", "ago", "now", "bin", "datetime",
    "dcount", "make_set", "make_list", "arg_max", "arg_min", "countif", "tostring", "toint", "parse_json", "mv-expand",
    "project-away", "lookup", "getschema", "search", "true", "false", "with", "hasprefix", "matches", "regex"];
  var kwSet = {}; keywords.forEach(function (k) { kwSet[k] = true; });
  var tblSet = {}; tables.forEach(function (t) { tblSet[t] = true; });

  function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  var tokenRe = /(\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(\b\d+(?:\.\d+)?[a-z]*\b)|([A-Za-z_][A-Za-z0-9_-]*)(\s*\()?|([\s\S])/g;

  function highlight() {
    var src = ta.value, out = "", m;
    var es = box.dataset.errStart !== undefined ? +box.dataset.errStart : -1;
    var ee = box.dataset.errEnd !== undefined ? +box.dataset.errEnd : -1;
    tokenRe.lastIndex = 0;
    while ((m = tokenRe.exec(src)) !== null) {
      var text = m[0], cls = "";
      if (m[1]) cls = "cmt"; else if (m[2]) cls = "str"; else if (m[3]) cls = "num";
      else if (m[4]) { text = m[4]; cls = tblSet[m[4]] ? "tbl" : kwSet[m[4].toLowerCase()] ? "kw" : m[5] ? "fn" : ""; tokenRe.lastIndex = m.index + m[4].length; }
      var start = m.index, end = start + text.length, html = esc(text);
      if (es >= 0 && start < ee && end > es) cls += " err";
      out += cls ? '<span class="' + cls.trim() + '">' + html + "</span>" : html;
    }
    if (es >= src.length) out += '<span class="err"> </span>';
    code.innerHTML = out + "\n";
    code.parentNode.scrollTop = ta.scrollTop;
  }

  function wordAt() {
    var pos = ta.selectionStart, src = ta.value, start = pos;
    while (start > 0 && /[A-Za-z0-9_]/.test(src.charAt(start - 1))) start--;
    return { start: start, end: pos, word: src.slice(start, pos) };
  }

  function candidates(prefix) {
    var p = prefix.toLowerCase(), seen = {}, out = [];
    var used = tables.filter(function (t) { return new RegExp("\\b" + t + "\\b").test(ta.value); });
    function add(name, kind) { if (!seen[name] && name.toLowerCase().indexOf(p) === 0) { seen[name] = true; out.push({ name: name, kind: kind }); } }
    used.forEach(function (t) { schema[t].forEach(function (c) { add(c, "column of " + t); }); });
    tables.forEach(function (t) { add(t, "table"); });
    return out.slice(0, 40);
  }

  var items = [], sel = 0, at = null;
  function close() { list.hidden = true; items = []; ta.setAttribute("aria-expanded", "false"); }
  function show(force) {
    at = wordAt();
    if (!force && at.word.length < 2) { close(); return; }
    items = candidates(at.word);
    if (!items.length) { close(); return; }
    sel = 0;
    list.innerHTML = items.map(function (it, i) {
      return '<li role="option" id="cmp-' + i + '" aria-selected="' + (i === 0) + '">' + esc(it.name) + ' <small>' + esc(it.kind) + "</small></li>";
    }).join("");
    list.hidden = false;
    ta.setAttribute("aria-expanded", "true");
    ta.setAttribute("aria-activedescendant", "cmp-0");
  }
  function move(d) {
    sel = (sel + d + items.length) % items.length;
    Array.prototype.forEach.call(list.children, function (li, i) { li.setAttribute("aria-selected", String(i === sel)); });
    ta.setAttribute("aria-activedescendant", "cmp-" + sel);
    list.children[sel].scrollIntoView({ block: "nearest" });
  }
  function accept(i) {
    var it = items[i], src = ta.value;
    ta.value = src.slice(0, at.start) + it.name + src.slice(at.end);
    ta.selectionStart = ta.selectionEnd = at.start + it.name.length;
    close(); clearError(); highlight(); ta.focus();
  }
  function clearError() { delete box.dataset.errStart; delete box.dataset.errEnd; }

  ta.setAttribute("role", "combobox");
  ta.setAttribute("aria-autocomplete", "list");
  ta.setAttribute("aria-controls", "completions");
  ta.setAttribute("aria-expanded", "false");
  ta.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); ta.form.requestSubmit ? ta.form.requestSubmit() : ta.form.submit(); return; }
    if (e.key === " " && e.ctrlKey) { e.preventDefault(); show(true); return; }
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); accept(sel); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }
  });
  ta.addEventListener("input", function () { clearError(); highlight(); show(false); });
  ta.addEventListener("scroll", function () { code.parentNode.scrollTop = ta.scrollTop; });
  ta.addEventListener("blur", function () { setTimeout(close, 150); });
  list.addEventListener("mousedown", function (e) {
    var li = e.target.closest("li");
    if (li) { e.preventDefault(); accept(Array.prototype.indexOf.call(list.children, li)); }
  });
  ta.classList.remove("plain");
  highlight();
  if (box.dataset.errStart !== undefined) {
    ta.focus();
    ta.setSelectionRange(+box.dataset.errStart, +box.dataset.errEnd);
  }
})();
