// Duka's window: start-up, the router between screens, the keys, and the events Rust pushes.
// Each screen is a module in screens/ exporting its name, its key, load() and its handlers;
// no business rules here: amounts, taxes and validation come from Rust, the screens show them.
// Nobody works in the shop until someone signs in on the lock screen (screens/lock.js); the till
// locks again on Ctrl+L and after the owner's idle minutes, and a command that needs a
// supervisor's or the owner's PIN opens the approval dialog (dialogs/approval.js, through ipc.js).

import { $, h } from "./lib/dom.js";
import { current_actor, item_choices, listen, shop_status, till_limits, till_ready, whenPeopleNeeded } from "./lib/ipc.js";
import { shop } from "./lib/shop.js";
import * as approval from "./dialogs/approval.js";
import * as receipt from "./dialogs/receipt.js";
import * as lock from "./screens/lock.js";
import * as setup from "./screens/setup.js";
import * as till from "./screens/till.js";
import * as sales from "./screens/sales.js";
import * as items from "./screens/items.js";
import * as stock from "./screens/stock.js";
import * as purchases from "./screens/purchases.js";
import * as sync from "./screens/sync.js";
import * as notices from "./screens/notices.js";
import * as settings from "./screens/settings.js";
import * as books from "./screens/books.js";
import * as users from "./screens/users.js";

/** The screens of the sidebar, in its order. */
const screens = [till, sales, items, stock, purchases, sync, notices, settings, books, users];
const byName = new Map(screens.map((s) => [s.name, s]));
const byKey = new Map(screens.map((s) => [s.key, s]));
/** Everything that reacts to events pushed from Rust. */
const listeners = [...screens, receipt];

let subscribed = false;
let readyReported = false;
/** The shop's screens were loaded once (the first sign-in); later sign-ins only show them again. */
let entered = false;
/** When the window last saw a key, a click or the mouse: the idle lock counts from there. */
let lastInput = Date.now();
/** Checks for the idle lock this often. */
const IDLE_CHECK_MS = 15000;

// A failure no screen caught is still shown, not swallowed.
window.addEventListener("error", (ev) => { $("ui-error").textContent = `This screen hit a problem (${ev.message}): close Duka and open it again; nothing saved is lost.`; });
window.addEventListener("unhandledrejection", (ev) => {
  const r = ev.reason;
  $("ui-error").textContent = (r && r.message) ? r.message : `This screen hit a problem (${String(r)}): close Duka and open it again; nothing saved is lost.`;
});

// ---------- start-up ----------

async function start() {
  try {
    shop.status = await shop_status();
  } catch (e) {
    document.body.replaceChildren(h("main", { class: "setup" }, h("h1", {}, "Duka cannot open this shop"), h("p", { class: "error" }, e.message)));
    return;
  }
  const actor = await current_actor();
  if (actor) {
    shop.actor = actor;
    await signedIn();
  } else {
    await lock.show();
    reportReady();
  }
}

/** Someone signed in (or the owner was just created): the set-up while the shop has no KRA
 * device yet, else the shop as they may use it. */
async function signedIn() {
  $("lock").hidden = true;
  shop.limits = await till_limits();
  showWho();
  if (!shop.status.configured) {
    setup.load();
  } else if (!entered) {
    await enterShop();
  } else {
    $("shop").hidden = false;
    showScreen(location.hash.slice(1) || till.name);
  }
}

/** The signed-in name and role in the sidebar, and the screens only some roles see. */
function showWho() {
  const actor = shop.actor;
  $("who-name").textContent = actor ? actor.name : "";
  $("who-role").textContent = actor ? lock.roleLabel(actor.role) : "";
  $("nav-users").hidden = !mayUse(users);
}

/** Whether the signed-in user may open `screen` (the Users screen is the owner's). */
function mayUse(screen) {
  if (screen !== users) return true;
  return Boolean(shop.actor && shop.actor.may.includes("users"));
}

/** Tells the start-up benchmark the window is usable: the lock screen, or the till when someone
 * was signed in already. */
function reportReady() {
  if (readyReported) return;
  readyReported = true;
  till_ready().catch(() => {});
}

async function enterShop() {
  const s = shop.status;
  entered = true;
  $("setup").hidden = true;
  $("shop").hidden = false;
  $("training-banner").hidden = !s.training;
  $("shop-name").textContent = s.shop_name || "Duka";
  $("shop-pin").textContent = [s.pin, s.branch_id && "branch " + s.branch_id].filter(Boolean).join(" · ");
  $("shop-pin").title = "KRA PIN and branch";
  if (s.fiscal_check) $("ui-error").textContent = s.fiscal_check;
  shop.choices = await item_choices();
  for (const screen of screens) if (screen.enter) await screen.enter();
  await subscribe();
  showScreen(location.hash.slice(1) || till.name);
  document.body.dataset.ready = "true";
  reportReady();
}

/** Locks the till after the owner's idle minutes without a key, a click or the mouse. */
function checkIdle() {
  if (!shop.actor || lock.isShown()) return;
  const minutes = shop.limits ? shop.limits.idle_lock_minutes : null;
  if (minutes && Date.now() - lastInput >= minutes * 60000) lock.lock().catch((e) => console.error(e));
}

// ---------- navigation ----------

function isShown(screen) {
  return !$("screen-" + screen.name).hidden;
}

function showScreen(name) {
  const wanted = byName.get(name);
  const screen = wanted && mayUse(wanted) ? wanted : till;
  for (const s of screens) $("screen-" + s.name).hidden = s !== screen;
  for (const a of document.querySelectorAll(".sidebar a")) {
    if (a.dataset.screen === screen.name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (location.hash !== "#" + screen.name) history.replaceState(null, "", "#" + screen.name);
  document.title = "Duka · " + $("screen-" + screen.name).dataset.title;
  Promise.resolve(screen.load()).catch((e) => console.error(e));
}

/** Each sidebar link shows its screen's key, and opens it. */
function wireSidebar() {
  for (const a of document.querySelectorAll(".sidebar a")) {
    const screen = byName.get(a.dataset.screen);
    let kbd = a.querySelector("kbd");
    if (!kbd) { kbd = h("kbd"); a.append(kbd); }
    kbd.textContent = screen.key;
    a.addEventListener("click", (ev) => { ev.preventDefault(); showScreen(screen.name); });
  }
}

/** A screen's key opens it from anywhere in the shop; the screen shown gets the other keys. */
function onKey(ev) {
  if ($("shop").hidden) return;
  if (approval.isOpen()) return;
  if (ev.ctrlKey && (ev.key === "l" || ev.key === "L")) {
    ev.preventDefault();
    lock.lock().catch((e) => console.error(e));
    return;
  }
  const target = byKey.get(ev.key);
  if (target && mayUse(target) && !receipt.isOpen()) {
    ev.preventDefault();
    showScreen(target.name);
    return;
  }
  if (receipt.isOpen()) return;
  const current = screens.find(isShown);
  if (current && current.onKey) current.onKey(ev);
}

// ---------- events pushed from Rust ----------

async function subscribe() {
  if (subscribed) return;
  subscribed = true;
  const names = new Set(listeners.flatMap((m) => Object.keys(m.on || {})));
  for (const event of names) {
    await listen(event, (payload) => {
      for (const m of listeners) {
        if (m.on && m.on[event]) m.on[event](payload, m.name ? isShown(m) : true);
      }
    });
  }
  await sync.subscribed();
}

setup.wire(enterShop);
lock.wire(signedIn);
approval.wire();
whenPeopleNeeded({ approve: approval.ask, signIn: () => { lock.show().catch((e) => console.error(e)); } });
$("lock-now").addEventListener("click", () => { lock.lock().catch((e) => console.error(e)); });
for (const kind of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(kind, () => { lastInput = Date.now(); }, { capture: true, passive: true });
}
setInterval(checkIdle, IDLE_CHECK_MS);
for (const screen of screens) if (screen.wire) screen.wire();
receipt.wire(() => { if (isShown(till)) till.focus(); });
wireSidebar();
document.addEventListener("keydown", onKey);
start();
