// Stock: levels with low-stock marks, adjustments, an item's reorder level and its movements.

import { $, clearFieldErrors, fillSelect, h, showError, showFieldError } from "../lib/dom.js";
import { qty, when } from "../lib/format.js";
import { adjust_stock, set_reorder_level, stock_levels, stock_movements } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "stock";
export const key = "F4";

let stockItem = null;

export async function load() {
  const levels = await stock_levels();
  $("stock-list").replaceChildren(...levels.map((s) => h("tr", {
    class: s.low ? "low" : null, dataset: { code: s.code },
    "aria-selected": String(stockItem && stockItem.code === s.code), onclick: () => openStock(s),
  }, h("td", {}, s.name, s.low ? h("div", { class: "field-note" }, `Low stock (below ${qty(s.reorder_level)}): reorder`) : ""), h("td", { class: "num" }, qty(s.on_hand)), h("td", {}, s.unit || ""))));
}

/** On entering the shop: the adjustment reasons. */
export function enter() {
  fillSelect($("adjust-reason"), shop.choices.adjustment_reasons);
}

async function openStock(s) {
  stockItem = s;
  $("stock-item-title").textContent = `${s.name}: ${qty(s.on_hand)} on hand`;
  $("adjust-form").hidden = false;
  clearFieldErrors($("adjust-form"));
  showError("adjust-error", null);
  $("reorder-form").hidden = false;
  clearFieldErrors($("reorder-form"));
  showError("reorder-error", null);
  $("reorder-form").level.value = s.own_reorder_level ? qty(s.reorder_level) : "";
  $("reorder-note").textContent = s.own_reorder_level
    ? "Leave it empty to use the shop's default again."
    : `Using the shop's default (${qty(s.reorder_level)}). Type a number to set this item's own level.`;
  $("adjust-form").qty.focus();
  load();
  await loadMovements(s.code);
}

async function loadMovements(code) {
  try {
    const moves = await stock_movements({ text: code, limit: 50 });
    $("movements-box").hidden = false;
    $("movements-empty").hidden = moves.length > 0;
    $("movements-list").replaceChildren(...moves.map((m) => h("tr", {},
      h("td", {}, when(m.occurred_at).replace(/ (\d\d:\d\d)$/, ""), h("div", { class: "field-note" }, when(m.occurred_at).slice(-5))),
      h("td", {}, m.move_type_label, h("div", { class: "field-note" }, m.reference, m.remark ? ` · ${m.remark}` : "")),
      h("td", { class: "num" }, qty(m.qty_in)),
      h("td", { class: "num" }, qty(m.qty_out)),
      h("td", { class: "num" }, qty(m.balance_after)))));
  } catch (e) {
    showError("adjust-error", e);
  }
}

/** The item again as stock_levels has it now, after a change. */
async function reopen() {
  const levels = await stock_levels();
  await openStock(levels.find((l) => l.code === stockItem.code) || stockItem);
}

/** Wires the adjustment and reorder level forms. */
export function wire() {
  $("adjust-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("adjust-form");
    clearFieldErrors(f);
    showError("adjust-error", null);
    try {
      await adjust_stock({ item: stockItem.code, qty: f.qty.value.trim(), reason: f.reason.value });
      f.qty.value = "";
      await reopen();
    } catch (e) {
      showFieldError(f, "adjust-error", e);
    }
  });

  $("reorder-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("reorder-form");
    clearFieldErrors(f);
    showError("reorder-error", null);
    try {
      await set_reorder_level({ item: stockItem.code, level: f.level.value.trim() || null });
      await reopen();
    } catch (e) {
      showFieldError(f, "reorder-error", e);
    }
  });
}
