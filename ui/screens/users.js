// Users (the owner's screen): the people who use this till, their roles, a new PIN for someone
// who forgot theirs, and deactivating someone who left (never deleting: documents keep naming
// them). Rust decides who may do this and keeps the last owner.

import { $, clearFieldErrors, fillSelect, h, showError, showFieldError, showOk } from "../lib/dom.js";
import { add_user, change_role, deactivate_user, list_users, reset_pin } from "../lib/ipc.js";
import { lockedUntil, roleLabel } from "./lock.js";

export const name = "users";
export const key = "F11";

const ROLES = ["owner", "supervisor", "cashier"].map((r) => [r, roleLabel(r)]);

/** Whose PIN the reset form changes. */
let resetting = null;

export async function load() {
  showError("users-error", null);
  try {
    render(await list_users());
  } catch (e) {
    $("users-list").replaceChildren();
    showError("users-error", e);
  }
}

function render(users) {
  $("users-list").replaceChildren(...users.map((u) => {
    const role = h("select", { "aria-label": `Role of ${u.name}`, disabled: !u.active, onchange: (ev) => changeRole(u, ev.target) });
    fillSelect(role, ROLES, u.role);
    const locked = lockedUntil(u);
    const state = !u.active ? "deactivated" : locked ? `locked until ${locked.clock} after wrong PINs` : "active";
    return h("tr", { dataset: { name: u.name } },
      h("td", {}, u.name),
      h("td", {}, role),
      h("td", {}, state),
      h("td", {}, u.active ? [
        h("button", { type: "button", class: "reset-pin", onclick: () => askPin(u) }, "New PIN…"),
        h("button", { type: "button", class: "deactivate", onclick: (ev) => deactivate(u, ev.target) }, "Deactivate"),
      ] : ""));
  }));
}

async function changeRole(user, select) {
  showError("users-error", null);
  try {
    await change_role({ name: user.name, role: select.value });
    showOk("users-ok", `${user.name} is now ${roleLabel(select.value).toLowerCase()}.`);
  } catch (e) {
    showError("users-error", e);
  }
  await load();
}

/** Deactivates on the second click (the button asks first). */
async function deactivate(user, button) {
  if (button.dataset.sure !== "true") {
    button.dataset.sure = "true";
    button.textContent = `Really deactivate ${user.name}?`;
    return;
  }
  showError("users-error", null);
  try {
    await deactivate_user({ name: user.name });
    showOk("users-ok", `${user.name} can no longer sign in. Their sales and documents keep their name.`);
  } catch (e) {
    showError("users-error", e);
  }
  await load();
}

function askPin(user) {
  resetting = user.name;
  const f = $("reset-pin-form");
  f.reset();
  clearFieldErrors(f);
  $("reset-pin-label").textContent = `New PIN for ${user.name}`;
  f.hidden = false;
  f.pin.focus();
}

/** Both PINs typed the same, else a sentence under `errorId`. */
function samePins(form, errorId) {
  if (form.pin.value === form.pin_again.value) return true;
  showError(errorId, { message: "The two PINs are not the same: type the same PIN twice." });
  form.pin_again.value = "";
  form.pin_again.focus();
  return false;
}

/** Wires the add-user form and the new-PIN form. */
export function wire() {
  $("user-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("user-form");
    clearFieldErrors(f);
    showError("user-form-error", null);
    if (!samePins(f, "user-form-error")) return;
    try {
      const added = await add_user({ name: f.name.value.trim(), role: f.role.value, pin: f.pin.value });
      f.reset();
      showOk("users-ok", `${added.name} can now sign in as ${roleLabel(added.role).toLowerCase()}.`);
      await load();
    } catch (e) {
      f.pin.value = "";
      f.pin_again.value = "";
      showFieldError(f, "user-form-error", e);
    }
  });

  $("reset-pin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("reset-pin-form");
    showError("users-error", null);
    if (!resetting || !samePins(f, "users-error")) return;
    try {
      await reset_pin({ name: resetting, pin: f.pin.value });
      showOk("users-ok", `${resetting} signs in with the new PIN from now on.`);
      f.hidden = true;
      resetting = null;
      await load();
    } catch (e) {
      f.pin.value = "";
      f.pin_again.value = "";
      showError("users-error", e);
    }
  });
  $("reset-pin-cancel").addEventListener("click", () => {
    $("reset-pin-form").hidden = true;
    resetting = null;
  });
}
