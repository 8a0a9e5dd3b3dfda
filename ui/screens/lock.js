// The lock screen: on the very first start it creates the shop's owner (a name and a PIN typed
// twice); after that whoever is at the till taps their name and types their PIN. Shown at start,
// on Ctrl+L (lock / quick switch), after the owner's idle minutes, and whenever Duka says nobody
// is signed in. Which PIN is right, the lock after wrong PINs and the roles are Rust's.

import { $, clearFieldErrors, h, showError, showFieldError } from "../lib/dom.js";
import { create_owner, lock_screen_users, needs_owner, sign_in, sign_out } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "lock";
/** Not in the sidebar. */
export const key = null;

const ROLES = { owner: "Owner", supervisor: "Supervisor", cashier: "Cashier" };

/** The role as the window names it. */
export const roleLabel = (role) => ROLES[role] || role;

let users = [];
/** The user whose PIN is asked. */
let chosen = null;
/** Called once someone signed in (or the owner was created): main.js opens the shop. */
let unlocked = async () => {};

export function isShown() {
  return !$("lock").hidden;
}

/** Signs whoever is signed in out and shows the lock screen (the key and the idle lock). */
export async function lock() {
  try {
    await sign_out();
  } finally {
    await show();
  }
}

/** Shows the lock screen over the shop and the set-up: the owner's form while the shop has no
 * user, else the active users to choose from. */
export async function show() {
  shop.actor = null;
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  $("setup").hidden = true;
  $("shop").hidden = true;
  $("lock").hidden = false;
  $("training-banner").hidden = !(shop.status && shop.status.training);
  document.title = "Duka · Locked";
  const first = await needs_owner();
  $("owner-box").hidden = !first;
  $("sign-in-box").hidden = first;
  if (first) {
    showError("owner-error", null);
    $("owner-form").name.focus();
    return;
  }
  $("lock-shop").textContent = shop.status && shop.status.shop_name
    ? `${shop.status.shop_name}: tap your name, then type your PIN.`
    : "Tap your name, then type your PIN.";
  await loadUsers();
  choose(users.length === 1 ? users[0].name : null);
}

async function loadUsers() {
  users = await lock_screen_users();
  $("lock-users").replaceChildren(...users.map((u) => h("li", {},
    h("button", { type: "button", dataset: { name: u.name }, onclick: () => choose(u.name) },
      u.name, h("small", {}, roleLabel(u.role), lockedUntil(u) ? ` · locked until ${lockedUntil(u).clock}` : "")))));
}

/** Asks `userName`'s PIN (or nobody's). */
function choose(userName) {
  chosen = users.find((u) => u.name === userName) || null;
  for (const b of $("lock-users").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.name === userName));
  $("pin-form").hidden = !chosen;
  $("pin-input").value = "";
  showError("pin-error", null);
  if (!chosen) {
    const firstButton = $("lock-users").querySelector("button");
    if (firstButton) firstButton.focus();
    return;
  }
  $("pin-label").textContent = `PIN for ${chosen.name}`;
  $("pin-input").focus();
}

/** A user's lock after wrong PINs while it lasts: when it ends (Duka's times are Kenya's, EAT,
 * UTC+3 all year, whatever this computer's time zone) and that time as the shop's clock shows it. */
export function lockedUntil(user) {
  const t = user && user.locked_until;
  if (!t) return null;
  const at = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10) - 3, +t.slice(10, 12), +t.slice(12, 14));
  return at > Date.now() ? { at, clock: `${t.slice(8, 10)}:${t.slice(10, 12)}` } : null;
}

/** The sentence for a user locked after too many wrong PINs. */
function lockedSentence(user, fallback) {
  const until = lockedUntil(user);
  if (!until) return fallback;
  const minutes = Math.max(1, Math.ceil((until.at - Date.now()) / 60000));
  return `Too many wrong PINs: ${user.name} is locked for ${minutes} more minute${minutes === 1 ? "" : "s"} (until ${until.clock}). ` +
    "Try again then, or ask the owner to give a new PIN.";
}

/** Wires the owner's form and the PIN form; `signedIn()` opens what comes next. */
export function wire(signedIn) {
  unlocked = signedIn;

  $("owner-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("owner-form");
    clearFieldErrors(f);
    showError("owner-error", null);
    if (f.pin.value !== f.pin_again.value) {
      showError("owner-error", { message: "The two PINs are not the same: type the same PIN twice." });
      f.pin_again.value = "";
      f.pin_again.focus();
      return;
    }
    const button = f.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      shop.actor = await create_owner({ name: f.name.value.trim(), pin: f.pin.value });
      f.reset();
      $("lock").hidden = true;
      await unlocked();
    } catch (e) {
      f.pin.value = "";
      f.pin_again.value = "";
      showFieldError(f, "owner-error", e);
    } finally {
      button.disabled = false;
    }
  });

  $("pin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!chosen) return;
    const input = $("pin-input");
    showError("pin-error", null);
    if (!/^[0-9]+$/.test(input.value)) {
      showError("pin-error", { message: "Type your PIN: digits only." });
      input.focus();
      return;
    }
    const button = $("pin-form").querySelector("button[type=submit]");
    button.disabled = true;
    try {
      shop.actor = await sign_in({ name: chosen.name, pin: input.value });
      input.value = "";
      $("lock").hidden = true;
      await unlocked();
    } catch (e) {
      input.value = "";
      const who = chosen.name;
      if (e.code === "user_locked" || e.code === "not_found") await loadUsers();
      const user = users.find((u) => u.name === who);
      if (e.code === "not_found" || !user) {
        choose(null);
        showError("pin-error", null);
        $("lock-shop").textContent = e.message;
        return;
      }
      choose(user.name);
      showError("pin-error", { message: e.code === "user_locked" ? lockedSentence(user, e.message) : e.message });
    } finally {
      button.disabled = false;
    }
  });
  // A PIN is digits (every PIN field of the window): anything else typed is dropped as it is typed.
  document.addEventListener("input", (ev) => {
    const input = ev.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "password" || input.inputMode !== "numeric") return;
    const digits = input.value.replace(/[^0-9]/g, "");
    if (digits !== input.value) input.value = digits;
  });
  $("pin-back").addEventListener("click", () => choose(null));
}
