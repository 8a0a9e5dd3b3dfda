// Purchases: supplier invoices from KRA's feed and customs imports to confirm against your items,
// and a supplier's paper invoice keyed by hand.

import { $, badge, clearFieldErrors, fillSelect, h, showError, showFieldError, showOk } from "../lib/dom.js";
import { money, qty, when } from "../lib/format.js";
import {
  accept_import, confirm_purchase, list_imports, list_items, list_purchases, record_purchase, refresh_lists, reject_import, reject_purchase,
} from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "purchases";
export const key = "F5";

let purchase = null;
let allItems = [];

export async function load() {
  const [purchases, imports, items] = await Promise.all([list_purchases(), list_imports(), list_items({ search: null })]);
  allItems = items.filter((it) => it.active);
  const waiting = purchases.filter((p) => !p.decision).length;
  $("nav-purchases").textContent = waiting ? String(waiting) : "";
  $("purchases-list").replaceChildren(...purchases.map((p) => h("tr", {
    onclick: () => openPurchase(p), "aria-selected": String(purchase && purchase.id === p.id),
  }, h("td", {}, p.supplier_name || p.supplier_pin), h("td", {}, String(p.supplier_invoice_no)), h("td", {}, when(p.sales_date)),
    h("td", { class: "num" }, money(p.total)), h("td", {}, badge(p.decision || "waiting", p.decision || "waiting")))));
  if (!purchases.length) $("purchases-list").replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No supplier invoices yet.")));
  $("imports-list").replaceChildren(...imports.map((i) => h("tr", {},
    h("td", {}, i.declaration_no || i.task_code, i.declaration_date ? h("div", { class: "field-note" }, when(i.declaration_date)) : ""), h("td", {}, i.name), h("td", { class: "num" }, qty(i.qty)),
    h("td", {}, badge(i.decision || "waiting", i.decision || "waiting")),
    h("td", {}, i.decision ? "" : importActions(i)))));
  if (!imports.length) $("imports-list").replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No customs imports.")));
}

/** Events pushed from Rust: new supplier invoices came in (the sidebar counts those waiting). */
export const on = {
  "purchases-changed": (payload, visible) => {
    $("nav-purchases").textContent = payload.waiting ? String(payload.waiting) : "";
    if (visible) load();
  },
};

function itemPicker(selected) {
  const sel = h("select", { class: "map-item", name: "item" }, h("option", { value: "" }, "— choose your item —"),
    ...allItems.map((it) => h("option", { value: it.code, title: it.code }, it.name)));
  if (selected) sel.value = selected;
  return sel;
}

function importActions(i) {
  const picker = itemPicker(i.mapped_item);
  return h("span", {}, picker,
    h("button", { type: "button", onclick: async () => {
      try { await accept_import({ id: i.id, item: picker.value }); load(); } catch (e) { showError("purchases-error", e); }
    } }, "Accept"),
    h("button", { type: "button", onclick: async () => {
      try { await reject_import({ id: i.id }); load(); } catch (e) { showError("purchases-error", e); }
    } }, "Reject"));
}

function openPurchase(p) {
  purchase = p;
  $("manual-purchase").hidden = true;
  $("purchase-detail").hidden = false;
  $("purchase-title").textContent = `${p.supplier_name || p.supplier_pin} · invoice ${p.supplier_invoice_no}${p.sales_date ? " of " + when(p.sales_date) : ""} · KSh ${money(p.total)}`;
  $("purchase-lines").replaceChildren(...p.lines.map((l) => h("tr", {},
    h("td", {}, l.name, h("div", { class: "field-note" }, `${money(l.unit_price)} each · band ${l.tax_band}`)),
    h("td", { class: "num" }, qty(l.qty)),
    h("td", {}, p.decision ? (l.proposed_item || "") : itemPicker(l.proposed_item)))));
  for (const [i, sel] of [...document.querySelectorAll("#purchase-lines select")].entries()) sel.dataset.seq = String(p.lines[i].seq);
  $("purchase-confirm").hidden = Boolean(p.decision);
  $("purchase-reject").hidden = Boolean(p.decision);
  showError("purchase-error", null);
  load();
}

function closePurchase() {
  purchase = null;
  $("purchase-detail").hidden = true;
  load();
}

// A purchase keyed by hand. Rust checks every field; the error names the field (`field`), and the
// message is shown next to it.

function manualLine() {
  const band = h("select", { name: "tax_band" }, h("option", { value: "" }, "item's own band"),
    ...shop.choices.tax_bands.map(([value, label]) => h("option", { value }, label)));
  const row = h("tr", {},
    h("td", {}, itemPicker(null)),
    h("td", { class: "num" }, h("input", { name: "qty", inputmode: "decimal", size: "5" })),
    h("td", { class: "num" }, h("input", { name: "unit_cost", inputmode: "decimal", size: "8" })),
    h("td", {}, band),
    h("td", {}, h("button", { type: "button", title: "Remove this line", onclick: () => row.remove() }, "×")));
  $("manual-lines").append(row);
  return row;
}

/** Wires the feed's buttons and the paper invoice form. */
export function wire() {
  $("purchase-confirm").addEventListener("click", async () => {
    const mappings = [...document.querySelectorAll("#purchase-lines select")].map((s) => ({ seq: Number(s.dataset.seq), item: s.value }));
    showError("purchase-error", null);
    try {
      await confirm_purchase({ id: purchase.id, mappings });
      closePurchase();
    } catch (e) {
      showError("purchase-error", e);
    }
  });

  $("purchase-reject").addEventListener("click", async () => {
    showError("purchase-error", null);
    try {
      await reject_purchase({ id: purchase.id });
      closePurchase();
    } catch (e) {
      showError("purchase-error", e);
    }
  });

  $("manual-purchase-open").addEventListener("click", () => {
    const f = $("manual-purchase");
    f.reset();
    $("manual-lines").replaceChildren();
    clearFieldErrors(f);
    showError("manual-error", null);
    fillSelect($("manual-payment"), shop.choices.payment_types, "01");
    manualLine();
    $("purchase-detail").hidden = true;
    f.hidden = false;
    f.supplier_pin.focus();
  });
  $("manual-add-line").addEventListener("click", () => manualLine().querySelector("select").focus());
  $("manual-cancel").addEventListener("click", () => { $("manual-purchase").hidden = true; });

  $("manual-purchase").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("manual-purchase");
    clearFieldErrors(f);
    showError("manual-error", null);
    const lines = [...$("manual-lines").rows].map((r) => ({
      item: r.querySelector("select.map-item").value,
      qty: r.querySelector("input[name=qty]").value.trim(),
      unit_cost: r.querySelector("input[name=unit_cost]").value.trim(),
      tax_band: r.querySelector("select[name=tax_band]").value || null,
    }));
    try {
      const done = await record_purchase({
        supplier_pin: f.supplier_pin.value.trim() || null,
        supplier_name: f.supplier_name.value.trim() || null,
        invoice_no: f.invoice_no.value.trim() || null,
        date: f.date.value || null,
        payment: f.payment.value,
        lines,
      });
      f.hidden = true;
      // The focused submit button is hidden with its form: give the keyboard back its place.
      $("manual-purchase-open").focus();
      showOk("purchases-ok", `Saved ${done.trader_no}: KSh ${money(done.totals.total)}, the stock came in.`);
      load();
    } catch (e) {
      showFieldError(f, "manual-error", e);
    }
  });

  $("purchases-refresh").addEventListener("click", async () => {
    const button = $("purchases-refresh");
    button.disabled = true;
    showError("purchases-error", null);
    try { await refresh_lists(); } catch (e) { showError("purchases-error", e); }
    button.disabled = false;
    load();
  });
}
