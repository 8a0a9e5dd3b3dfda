// Duka's window: start-up, the router between screens, the keys, and the events Rust pushes.
// Each screen is a module in screens/ exporting its name, its key, load() and its handlers;
// no business rules here: amounts, taxes and validation come from Rust, the screens show them.

import { $, h } from "./lib/dom.js";
import { item_choices, listen, shop_status, till_ready } from "./lib/ipc.js";
import { shop } from "./lib/shop.js";
import * as receipt from "./dialogs/receipt.js";
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

/** The screens of the sidebar, in its order. */
const screens = [till, sales, items, stock, purchases, sync, notices, settings, books];
const byName = new Map(screens.map((s) => [s.name, s]));
const byKey = new Map(screens.map((s) => [s.key, s]));
/** Everything that reacts to events pushed from Rust. */
const listeners = [...screens, receipt];

let subscribed = false;
let readyReported = false;

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
  if (!shop.status.configured) {
    setup.load();
  } else {
    await enterShop();
  }
}

async function enterShop() {
  const s = shop.status;
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
  if (!readyReported) {
    readyReported = true;
    till_ready().catch(() => {});
  }
}

// ---------- navigation ----------

function isShown(screen) {
  return !$("screen-" + screen.name).hidden;
}

function showScreen(name) {
  const screen = byName.get(name) || till;
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
  const target = byKey.get(ev.key);
  if (target && !receipt.isOpen()) {
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
for (const screen of screens) if (screen.wire) screen.wire();
receipt.wire(() => { if (isShown(till)) till.focus(); });
wireSidebar();
document.addEventListener("keydown", onKey);
start();
