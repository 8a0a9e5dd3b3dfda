// Settings: the shop's details printed on receipts, the printer and the wait for KRA's signature,
// selling below zero, the limits for the people at the till (a cashier's discount, the idle lock),
// the KRA device.

import { $, clearFieldErrors, h, showError, showFieldError, showOk } from "../lib/dom.js";
import { get_settings, save_settings, save_till_limits, shop_status, till_limits } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "settings";
export const key = "F8";

const TEXT_FIELDS = ["name", "address", "phone", "email", "footer", "printer_kind", "paper", "printer_target"];

export async function load() {
  shop.limits = await till_limits();
  const l = $("limits-form");
  l.discount_limit.value = shop.limits.discount_limit;
  l.idle_lock_minutes.value = shop.limits.idle_lock_minutes;
  const s = await get_settings();
  const f = $("settings-form");
  for (const k of TEXT_FIELDS) f[k].value = s[k] || "";
  f.sell_beyond_stock.checked = !!s.sell_beyond_stock;
  // Kept in milliseconds, shown in seconds.
  f.signature_wait_ms.value = s.signature_wait_ms == null ? "" : String(s.signature_wait_ms / 1000);
  const d = s.device;
  $("device-facts").replaceChildren(...[
    ["Mode", d.training ? "Training (built-in KRA simulator)" : (d.environment || "")],
    ["KRA PIN", d.pin], ["Branch", d.branch_id], ["Device serial", d.serial], ["Control unit ID", d.scu_id],
    ["KRA address", d.base_url], ["Communication key", d.communication_key_masked || "not set"],
  ].flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v || "")]));
}

/** Wires the settings form. */
export function wire() {
  $("settings-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("settings-form");
    const input = {};
    for (const k of TEXT_FIELDS) input[k] = f[k].value.trim() || null;
    input.sell_beyond_stock = f.sell_beyond_stock.checked;
    const wait = f.signature_wait_ms.value.trim();
    input.signature_wait_ms = wait === "" ? null : Math.round(Number(wait) * 1000);
    clearFieldErrors(f);
    showError("settings-error", null);
    try {
      await save_settings(input);
      showOk("settings-ok", "Saved. New receipts use these details.");
      shop.status = await shop_status();
      $("shop-name").textContent = shop.status.shop_name || "Duka";
    } catch (e) {
      showFieldError(f, "settings-error", e);
    }
  });
  $("limits-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("limits-form");
    clearFieldErrors(f);
    showError("limits-error", null);
    try {
      shop.limits = await save_till_limits({
        discount_limit: f.discount_limit.value.trim(),
        idle_lock_minutes: Number(f.idle_lock_minutes.value),
      });
      const minutes = shop.limits.idle_lock_minutes;
      showOk("limits-ok", `Saved: a cashier gives up to ${shop.limits.discount_limit} % alone; ` +
        `the till locks after ${minutes} minute${minutes === 1 ? "" : "s"} without use.`);
    } catch (e) {
      showFieldError(f, "limits-error", e);
    }
  });
}
