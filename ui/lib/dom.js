// Small DOM helpers: find by id, build elements (text always as text, never as HTML), show errors
// in plain words next to what caused them.

export const $ = (id) => document.getElementById(id);

/** Builds an element: h("td", {class: "num"}, "12.00"). Text is always set as text, never as HTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Shows an error in the element `id` (and clears it when `error` is null). */
export function showError(id, error) {
  $(id).textContent = error ? error.message : "";
}

/** Replaces what the element `id` shows with an error. */
export function alertIn(id, error) {
  $(id).replaceChildren(h("span", { class: "error" }, error.message));
}

/** Shows a success line for a few seconds. */
export function showOk(id, text) {
  $(id).textContent = text || "";
  if (text) setTimeout(() => { if ($(id).textContent === text) $(id).textContent = ""; }, 4000);
}

export function badge(state, text) {
  return h("span", { class: "badge " + state }, text || state);
}

/** The state of a document at KRA as a coloured badge. */
export function kraBadge(kra) {
  if (!kra) return "";
  const labels = { signed: "signed by KRA", pending: "provisional", sending: "sending", parked: "refused" };
  const css = { signed: "signed", pending: "provisional", sending: "provisional", parked: "parked" };
  return badge(css[kra.state] || "pending", labels[kra.state] || kra.state);
}

/** Fills a select with [value, label] pairs, keeping `selected` when it is one of them. */
export function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
  if (options.some(([value]) => value === selected)) select.value = selected;
}

// ---------- errors next to their field ----------
//
// The shell's error is {code, message, field?}; `field` names the input the error belongs to, as the
// `name` of that input inside the form ("supplier_pin"), or a line of a table as "lines.2" or
// "lines.2.qty" (lines counted from 1; the table body carries data-rows="lines").

/** Shows `error` next to the input of `box` that `error.field` names; without a field (or when
 * `box` has no such input) under the form, in the element `fallbackId`. */
export function showFieldError(box, fallbackId, error) {
  const field = error && error.field;
  if (field && placeAtField(box, field, error.message)) {
    showError(fallbackId, null);
    return;
  }
  showError(fallbackId, error);
}

/** Clears every error showFieldError put inside `box`. */
export function clearFieldErrors(box) {
  for (const el of box.querySelectorAll(".error[data-field], .error[data-for]")) el.textContent = "";
  for (const el of box.querySelectorAll(".field-error, tr.line-error")) el.remove();
  for (const el of box.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** Marks the input `field` names as wrong, without words (for inputs redrawn on every change). */
export function markField(box, field) {
  const input = fieldInput(box, field);
  if (input) input.setAttribute("aria-invalid", "true");
  return Boolean(input);
}

function lineOf(box, field) {
  const m = /^(\w+)\.(\d+)(?:\.(\w+))?$/.exec(field);
  if (!m) return null;
  const body = box.querySelector(`[data-rows="${CSS.escape(m[1])}"]`);
  const row = body ? body.rows[Number(m[2]) - 1] : null;
  if (!row) return null;
  return { row, input: m[3] ? row.querySelector(`[name="${CSS.escape(m[3])}"]`) : null };
}

function fieldInput(box, field) {
  const line = lineOf(box, field);
  if (line) return line.input;
  return box.querySelector(`[name="${CSS.escape(field)}"]`);
}

function placeAtField(box, field, message) {
  const line = lineOf(box, field);
  if (line) {
    if (line.input) line.input.setAttribute("aria-invalid", "true");
    line.row.after(h("tr", { class: "line-error" },
      h("td", { colspan: String(line.row.cells.length), class: "error", role: "alert" }, message)));
    return true;
  }
  let slot = box.querySelector(`.error[data-for="${CSS.escape(field)}"]`);
  let name = slot ? slot.dataset.field : "";
  if (!slot) {
    const input = box.querySelector(`[name="${CSS.escape(field)}"]`);
    if (!input) return false;
    input.setAttribute("aria-invalid", "true");
    const label = input.closest("label");
    slot = label && label.querySelector(".error");
    if (!slot) {
      slot = h("span", { class: "error field-error", role: "alert" });
      if (label) label.append(slot); else input.after(slot);
    }
    const words = label && label.firstChild && label.firstChild.nodeType === Node.TEXT_NODE ? label.firstChild.textContent.trim() : "";
    name = slot.dataset.field || words;
  }
  // The label already names the field: "Supplier PIN: 123 is not a KRA PIN" reads "123 is not a KRA PIN" there.
  slot.textContent = name && message.startsWith(name + ": ") ? message.slice(name.length + 2) : message;
  return true;
}
