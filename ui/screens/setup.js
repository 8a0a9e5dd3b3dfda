// First start, no shop yet: training mode in one click, or connecting the shop's KRA device.

import { $, clearFieldErrors, showError, showFieldError } from "../lib/dom.js";
import { connect_device, start_training } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "setup";
/** Not in the sidebar: shown only until the shop is set up. */
export const key = null;

export function load() {
  $("setup").hidden = false;
  $("shop").hidden = true;
  $("start-training").focus();
}

/** Wires both choices; `entered()` opens the shop once one of them worked. */
export function wire(entered) {
  $("start-training").addEventListener("click", async () => {
    const button = $("start-training");
    button.disabled = true;
    button.textContent = "Starting the training KRA simulator…";
    showError("training-error", null);
    try {
      shop.status = await start_training();
      await entered();
    } catch (e) {
      showError("training-error", e);
    } finally {
      button.disabled = false;
      button.textContent = "Start training mode";
    }
  });

  const deviceForm = $("device-form");
  deviceForm.addEventListener("change", () => {
    deviceForm.querySelector(".gateway-only").hidden = deviceForm.front_door.value !== "gateway";
    deviceForm.querySelector(".key-only").hidden = !deviceForm.has_key.checked;
  });
  deviceForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = deviceForm;
    const input = {
      pin: f.pin.value.trim(),
      branch: f.branch.value.trim(),
      serial: f.serial.value.trim(),
      environment: f.environment.value,
      front_door: f.front_door.value,
      base_url: f.base_url.value.trim() || null,
      gateway_app_id: f.gateway_app_id.value.trim() || null,
      gateway_key: f.gateway_key.value.trim() || null,
      gateway_secret: f.gateway_secret.value || null,
      gateway_token_url: f.gateway_token_url.value.trim() || null,
      cmc_key: f.has_key.checked ? f.cmc_key.value.trim() : null,
      scu_id: f.has_key.checked ? f.scu_id.value.trim() : null,
      mrc_no: f.has_key.checked ? f.mrc_no.value.trim() : null,
    };
    clearFieldErrors(f);
    showError("device-error", null);
    const button = f.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Connecting to KRA…";
    try {
      shop.status = await connect_device(input);
      await entered();
    } catch (e) {
      showFieldError(f, "device-error", e);
    } finally {
      button.disabled = false;
      button.textContent = "Connect";
    }
  });
}
