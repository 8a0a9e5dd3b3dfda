// Sales: the signed receipts to hand over, the list of receipts with their state at KRA, a sale's
// lines, reprints and credit notes.

import { $, alertIn, badge, clearFieldErrors, fillSelect, h, kraBadge, showError, showFieldError, showOk } from "../lib/dom.js";
import { money, qty, when } from "../lib/format.js";
import { issue_credit_note, list_sales, print_all_to_hand_over, print_receipt, receipts_to_hand_over, sale_detail } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";
import { openReceipt } from "../dialogs/receipt.js";

export const name = "sales";
export const key = "F2";

let sale = null;

export async function load() {
  const [sales] = await Promise.all([list_sales(), loadHandOver()]);
  $("sales-list").replaceChildren(...sales.map((s) => h("tr", {
    "aria-selected": String(sale && sale.sale_id === s.sale_id), dataset: { trader: s.trader_no },
    onclick: () => openSale(s.sale_id),
  }, h("td", {}, s.trader_no, s.training ? " " : "", s.training ? badge("training", "training") : ""), h("td", {}, when(s.committed_at)),
    h("td", {}, s.buyer_name || ""), h("td", { class: "num" }, money(s.total)),
    h("td", { title: s.kra.message || "" }, kraBadge(s.kra), s.kra.state === "parked" && s.kra.message ? h("div", { class: "field-note" }, s.kra.message) : ""))));
}

/** The signed receipts to hand over (KRA signed the sale after its provisional receipt went out),
 * and their count in the sidebar. */
async function loadHandOver() {
  let list;
  try {
    list = await receipts_to_hand_over();
  } catch (e) {
    showError("handover-error", e);
    return;
  }
  $("nav-handover").textContent = list.length ? String(list.length) : "";
  $("handover-count").textContent = list.length ? String(list.length) : "";
  $("handover").hidden = !list.length && !$("handover-ok").textContent;
  $("handover-print-all").disabled = !list.length;
  $("handover-list").replaceChildren(...list.map((r) => h("tr", { dataset: { trader: r.trader_no } },
    h("td", {}, r.trader_no), h("td", {}, when(r.committed_at)), h("td", {}, r.buyer_name || ""),
    h("td", { class: "num" }, money(r.total)), h("td", {}, String(r.kra_invoice_no)),
    h("td", {}, h("button", { type: "button", onclick: () => printOne(r.trader_no) }, "Print")))));
}

/** Prints the signed original of one sale to hand over. */
async function printOne(document) {
  showError("handover-error", null);
  try {
    showOk("handover-ok", `${document}: ${await print_receipt({ document, copy: false })}`);
  } catch (e) {
    showError("handover-error", e);
  }
  await loadHandOver();
}

/** On entering the shop: the credit note reasons and the count of receipts to hand over. */
export function enter() {
  fillSelect($("credit-reason"), shop.choices.credit_reasons);
  loadHandOver();
}

/** Events pushed from Rust: a document may have been signed or refused. */
export const on = {
  "sync-progress": (_, visible) => { if (visible) load(); else loadHandOver(); },
  "parked-changed": (_, visible) => { if (visible) load(); },
};

async function openSale(saleId) {
  try {
    sale = await sale_detail({ sale_id: saleId });
    $("sale-detail").hidden = false;
    $("sale-title").textContent = `${sale.trader_no} · KSh ${money(sale.total)}`;
    $("sale-status").replaceChildren(kraBadge(sale.kra), " ", sale.kra.kra_invoice_no ? `KRA invoice ${sale.kra.kra_invoice_no}` : "", sale.kra.message ? h("div", { class: "error" }, sale.kra.message) : "");
    $("sale-lines").replaceChildren(...sale.lines.map((l) => h("tr", {},
      h("td", {}, l.name), h("td", { class: "num" }, qty(l.qty)), h("td", { class: "num" }, money(l.total)),
      h("td", { class: "num" }, qty(l.credited)),
      h("td", { class: "num" }, h("input", { class: "credit-qty", inputmode: "decimal", placeholder: "0", dataset: { item: l.item_code }, "aria-label": "Quantity of " + l.name + " to credit" })))));
    $("sale-credit-notes").replaceChildren(...sale.credit_notes.map((c) => h("li", {},
      h("a", { href: "#", onclick: (ev) => { ev.preventDefault(); openReceipt(c.trader_no, true); } }, c.trader_no), ` · KSh ${money(c.total)} · ${c.reason} `, kraBadge(c.kra))));
    if (!sale.credit_notes.length) $("sale-credit-notes").replaceChildren(h("li", { class: "empty" }, "None."));
    $("credit-form").hidden = true;
    showError("credit-error", null);
    load();
  } catch (e) {
    alertIn("sale-status", e);
  }
}

/** Wires reprint and the credit note form. */
export function wire() {
  $("handover-print-all").addEventListener("click", async () => {
    showError("handover-error", null);
    $("handover-print-all").disabled = true;
    try {
      const done = await print_all_to_hand_over();
      showOk("handover-ok", done.printed.length ? `Printed ${done.printed.length} signed receipt(s): ${done.printed.join(", ")}.` : "Nothing to print.");
      if (done.failed) showError("handover-error", { message: `${done.failed[0]} did not print: ${done.failed[1]}` });
    } catch (e) {
      showError("handover-error", e);
    }
    await loadHandOver();
  });
  $("sale-reprint").addEventListener("click", () => sale && openReceipt(sale.trader_no, true));
  $("sale-credit-toggle").addEventListener("click", () => {
    $("credit-form").hidden = !$("credit-form").hidden;
    const first = document.querySelector("#sale-lines input.credit-qty");
    if (!$("credit-form").hidden && first) first.focus();
  });
  $("credit-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const inputs = [...document.querySelectorAll("#sale-lines input.credit-qty")]
      .filter((i) => i.value.trim() && i.value.trim() !== "0");
    const lines = inputs.map((i) => ({ item: i.dataset.item, qty: i.value.trim() }));
    const box = $("sale-detail");
    clearFieldErrors(box);
    showError("credit-error", null);
    if (!lines.length) { showError("credit-error", { message: "Type the quantity to credit next to each returned item." }); return; }
    try {
      const note = await issue_credit_note({ invoice: sale.trader_no, reason: $("credit-reason").value, lines });
      await openSale(sale.sale_id);
      await openReceipt(note.trader_no, false, { print: true });
    } catch (e) {
      showFieldError(box, "credit-error", e);
    }
  });
}
