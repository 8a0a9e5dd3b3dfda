// Duka's screens: plain DOM code over the Tauri commands in src-tauri/src/commands.rs.
// No business rules here: amounts, taxes and validation come from Rust; this file shows them.
"use strict";

const tauri = window.__TAURI__;

// ---------- small helpers ----------

const $ = (id) => document.getElementById(id);

/** Builds an element: h("td", {class: "num"}, "12.00"). Text is always set as text, never as HTML. */
function h(tag, attrs, ...children) {
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

/** Calls a Rust command. Every failure is a {code, message} written for the shopkeeper. */
async function call(command, input) {
  try {
    return await tauri.core.invoke(command, input === undefined ? {} : { input });
  } catch (e) {
    if (e && typeof e === "object" && "message" in e) throw e;
    throw { code: "internal", message: `The window could not get an answer from Duka (${String(e)}): close Duka and open it again.` };
  }
}

/** Shows an error next to what caused it (and clears it on success). */
function showError(id, error) {
  const el = $(id);
  el.textContent = error ? error.message : "";
}

function showOk(id, text) {
  $(id).textContent = text || "";
  if (text) setTimeout(() => { if ($(id).textContent === text) $(id).textContent = ""; }, 4000);
}

/** "1234.5" -> "1,234.50": formats the exact decimal strings Rust sends, no floating point. */
function money(s) {
  if (s === null || s === undefined || s === "") return "";
  let [whole, frac = ""] = String(s).split(".");
  const neg = whole.startsWith("-");
  if (neg) whole = whole.slice(1);
  whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "−" : "") + whole + "." + (frac + "00").slice(0, 2);
}

/** "2.00" -> "2", "1.50" -> "1.5" for quantities. */
function qty(s) {
  if (s === null || s === undefined) return "";
  const str = String(s);
  return str.includes(".") ? str.replace(/0+$/, "").replace(/\.$/, "") : str;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Any date Rust or KRA sends ("20261121", "20261121143005", "2026-11-21", "2026-11-21 14:30:05")
 * -> "21 Nov 2026" or "21 Nov 2026 14:30". Text that is not a date is shown as it came. */
function when(s) {
  if (!s) return "";
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?\d{2})?)?/.exec(String(s).trim());
  if (!m || +m[2] < 1 || +m[2] > 12) return String(s);
  const day = `${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]}`;
  return m[4] ? `${day} ${m[4]}:${m[5]}` : day;
}

function badge(state, text) {
  return h("span", { class: "badge " + state }, text || state);
}

function kraBadge(kra) {
  if (!kra) return "";
  const labels = { signed: "signed by KRA", pending: "provisional", sending: "sending", parked: "refused" };
  const css = { signed: "signed", pending: "provisional", sending: "provisional", parked: "parked" };
  return badge(css[kra.state] || "pending", labels[kra.state] || kra.state);
}

function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
  if (options.some(([value]) => value === selected)) select.value = selected;
}

// A failure no screen caught is still shown, not swallowed.
window.addEventListener("error", (ev) => { $("ui-error").textContent = `This screen hit a problem (${ev.message}): close Duka and open it again; nothing saved is lost.`; });
window.addEventListener("unhandledrejection", (ev) => {
  const r = ev.reason;
  $("ui-error").textContent = (r && r.message) ? r.message : `This screen hit a problem (${String(r)}): close Duka and open it again; nothing saved is lost.`;
});

// ---------- state ----------

const state = {
  status: null,
  choices: null,
  cart: { lines: [], buyer_pin: "", buyer_name: "", payment: "01" },
  results: [],
  selected: -1,
  sale: null,
  item: null,
  stockItem: null,
  purchase: null,
  lastReceipt: null,
};

// ---------- start-up ----------

async function start() {
  try {
    state.status = await call("shop_status");
  } catch (e) {
    document.body.replaceChildren(h("main", { class: "setup" }, h("h1", {}, "Duka cannot open this shop"), h("p", { class: "error" }, e.message)));
    return;
  }
  if (!state.status.configured) {
    showSetup();
  } else {
    await enterShop();
  }
}

function showSetup() {
  $("setup").hidden = false;
  $("shop").hidden = true;
  $("start-training").focus();
}

async function enterShop() {
  const s = state.status;
  $("setup").hidden = true;
  $("shop").hidden = false;
  $("training-banner").hidden = !s.training;
  $("shop-name").textContent = s.shop_name || "Duka";
  $("shop-pin").textContent = [s.pin, s.branch_id && "branch " + s.branch_id].filter(Boolean).join(" · ");
  $("shop-pin").title = "KRA PIN and branch";
  state.choices = await call("item_choices");
  fillSelect($("payment"), state.choices.payment_types);
  fillSelect($("credit-reason"), state.choices.credit_reasons);
  fillSelect($("adjust-reason"), state.choices.adjustment_reasons);
  await loadCart();
  await subscribe();
  showScreen(location.hash.slice(1) || "till");
  document.body.dataset.ready = "true";
  if (!state.readyReported) {
    state.readyReported = true;
    call("till_ready").catch(() => {});
  }
}

// ---------- setup ----------

$("start-training").addEventListener("click", async () => {
  const button = $("start-training");
  button.disabled = true;
  button.textContent = "Starting the training KRA simulator…";
  showError("training-error", null);
  try {
    state.status = await call("start_training");
    await enterShop();
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
  showError("device-error", null);
  const button = f.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = "Connecting to KRA…";
  try {
    state.status = await call("connect_device", input);
    await enterShop();
  } catch (e) {
    showError("device-error", e);
  } finally {
    button.disabled = false;
    button.textContent = "Connect";
  }
});

// ---------- navigation ----------

const screens = ["till", "sales", "items", "stock", "purchases", "sync", "notices", "settings"];
const loaders = {
  till: () => $("scan-input").focus(),
  sales: loadSales,
  items: loadItems,
  stock: loadStock,
  purchases: loadPurchases,
  sync: loadSync,
  notices: loadNotices,
  settings: loadSettings,
};

function showScreen(name) {
  if (!screens.includes(name)) name = "till";
  for (const s of screens) $("screen-" + s).hidden = s !== name;
  for (const a of document.querySelectorAll(".sidebar a")) {
    if (a.dataset.screen === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
  document.title = "Duka · " + $("screen-" + name).dataset.title;
  Promise.resolve(loaders[name]()).catch((e) => console.error(e));
}

for (const a of document.querySelectorAll(".sidebar a")) {
  a.addEventListener("click", (ev) => { ev.preventDefault(); showScreen(a.dataset.screen); });
}

document.addEventListener("keydown", (ev) => {
  if ($("shop").hidden) return;
  const f = /^F([1-8])$/.exec(ev.key);
  if (f && !$("receipt-dialog").open) {
    ev.preventDefault();
    showScreen(screens[Number(f[1]) - 1]);
    return;
  }
  if ($("screen-till").hidden || $("receipt-dialog").open) return;
  if (ev.key === "F12" || (ev.key === "Enter" && ev.ctrlKey)) { ev.preventDefault(); charge(); }
  else if (ev.key === "F9") { ev.preventDefault(); focusLastQty(); }
});

// ---------- events pushed from Rust ----------

async function subscribe() {
  await tauri.event.listen("sync-progress", (ev) => {
    showProgress(ev.payload);
    // A document may have been signed: refresh what shows its state.
    if (!$("screen-sales").hidden) loadSales();
    if ($("receipt-dialog").open && state.lastReceipt) refreshReceipt();
  });
  await tauri.event.listen("purchases-changed", (ev) => {
    $("nav-purchases").textContent = ev.payload.waiting ? String(ev.payload.waiting) : "";
    if (!$("screen-purchases").hidden) loadPurchases();
  });
  await tauri.event.listen("notices-changed", (ev) => {
    $("nav-notices").textContent = ev.payload.unread ? String(ev.payload.unread) : "";
    if (!$("screen-notices").hidden) loadNotices();
  });
  await tauri.event.listen("parked-changed", () => {
    if (!$("screen-sync").hidden) loadParked();
    if (!$("screen-sales").hidden) loadSales();
  });
  showProgress(await call("sync_status"));
}

function showProgress(p) {
  state.progress = p;
  const online = $("online-state");
  online.dataset.online = String(p.online);
  online.textContent = p.online
    ? (p.pending + p.in_flight > 0 ? `Online · sending ${p.pending + p.in_flight}` : "Online · all sent to KRA")
    : `Offline · ${p.pending + p.in_flight} waiting`;
  $("nav-parked").textContent = p.parked ? String(p.parked) : "";
  $("sync-online").textContent = p.online ? "Online: KRA answers" : "Offline: sales are kept and sent when KRA answers again";
  $("sync-pending").textContent = String(p.pending);
  $("sync-inflight").textContent = String(p.in_flight);
  $("sync-parked").textContent = String(p.parked);
  $("sync-last").textContent = p.last_success ? when(p.last_success) : "not yet";
  // The technical detail stays available (for whoever supports the shop) under a plain sentence.
  $("sync-error").replaceChildren(p.last_error
    ? h("span", {}, p.online ? "The last attempt failed; Duka keeps retrying." : "KRA did not answer. Sales are kept safe and sent automatically.",
      h("details", { class: "field-note" }, h("summary", {}, "Details for support"), p.last_error))
    : "none");
}

// ---------- till ----------

const scan = $("scan-input");
let searchTimer = null;

scan.addEventListener("input", () => {
  showError("scan-error", null);
  clearTimeout(searchTimer);
  const text = scan.value.trim();
  if (text.length < 2 || /^\d+$/.test(text)) { hideResults(); return; }
  searchTimer = setTimeout(() => search(text), 120);
});

async function search(text) {
  try {
    const items = await call("find_items", { text, limit: 12 });
    if (scan.value.trim() !== text) return;
    state.results = items;
    state.selected = items.length ? 0 : -1;
    renderResults();
  } catch (e) {
    showError("scan-error", e);
  }
}

function renderResults() {
  const list = $("scan-results");
  if (!state.results.length) { hideResults(); return; }
  list.replaceChildren(...state.results.map((it, i) => h("li", {
    role: "option", "aria-selected": String(i === state.selected),
    onmousedown: (ev) => { ev.preventDefault(); addItem(it); },
  }, h("span", {}, it.name, " ", h("small", {}, it.barcode || it.code)), h("span", { class: "num" }, money(it.price)))));
  list.hidden = false;
}

function hideResults() {
  state.results = [];
  state.selected = -1;
  $("scan-results").hidden = true;
}

scan.addEventListener("keydown", async (ev) => {
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    if (!state.results.length) return;
    ev.preventDefault();
    const n = state.results.length;
    state.selected = (state.selected + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
    renderResults();
  } else if (ev.key === "Escape") {
    hideResults();
  } else if (ev.key === "Enter" && !ev.ctrlKey) {
    ev.preventDefault();
    const text = scan.value.trim();
    if (!text) return;
    if (state.selected >= 0 && state.results[state.selected]) { addItem(state.results[state.selected]); return; }
    try {
      addItem(await call("scan_item", { text }));
    } catch (e) {
      // Typed a name faster than the search answered: show the matches instead of an error.
      if (e.code === "not_found" && !/^\d+$/.test(text)) {
        await search(text);
        if (state.results.length) return;
      }
      showError("scan-error", e);
      scan.select();
    }
  } else if (ev.key === "Delete" && !scan.value && state.cart.lines.length) {
    ev.preventDefault();
    removeLine(state.cart.lines.length - 1);
  }
});

function addItem(item) {
  const existing = state.cart.lines.find((l) => l.code === item.code && !l.price_override);
  if (existing) {
    existing.qty = addOne(existing.qty);
  } else {
    state.cart.lines.push({ code: item.code, name: item.name, barcode: item.barcode, qty: "1", price: item.price, price_override: false, discount: "", tax_band: item.tax_band });
  }
  scan.value = "";
  hideResults();
  showError("scan-error", null);
  cartChanged();
  scan.focus();
}

/** "2" -> "3", "1.5" -> "2.5": whole-unit increment of a decimal string without floats. */
function addOne(s) {
  const [w, f] = String(s).split(".");
  return String(Number(w) + 1) + (f ? "." + f : "");
}

function removeLine(i) {
  state.cart.lines.splice(i, 1);
  cartChanged();
  scan.focus();
}

function focusLastQty() {
  const inputs = document.querySelectorAll("#cart-lines input.qty");
  if (inputs.length) { inputs[inputs.length - 1].focus(); inputs[inputs.length - 1].select(); }
}

function renderCart(quote) {
  const body = $("cart-lines");
  const lines = state.cart.lines;
  $("cart-empty").hidden = lines.length > 0;
  body.replaceChildren(...lines.map((l, i) => {
    const q = quote && quote.lines ? quote.lines[i] : null;
    const onEnter = (ev) => { if (ev.key === "Enter") { ev.preventDefault(); scan.focus(); } };
    return h("tr", {},
      h("td", { class: "item-name" }, l.name, h("small", {}, l.barcode || l.code)),
      h("td", { class: "num" }, h("input", { class: "qty", value: l.qty, inputmode: "decimal", "aria-label": "Quantity of " + l.name,
        onchange: (ev) => { l.qty = ev.target.value.trim(); cartChanged(); }, onkeydown: onEnter })),
      h("td", { class: "num" }, h("input", { class: "price", value: l.price, inputmode: "decimal", "aria-label": "Price of " + l.name,
        onchange: (ev) => { l.price = ev.target.value.trim(); l.price_override = true; cartChanged(); }, onkeydown: onEnter })),
      h("td", { class: "num" }, h("input", { class: "discount", value: l.discount, inputmode: "decimal", placeholder: "0", "aria-label": "Discount on " + l.name,
        onchange: (ev) => { l.discount = ev.target.value.trim(); cartChanged(); }, onkeydown: onEnter })),
      h("td", {}, q ? q.tax_band : l.tax_band),
      h("td", { class: "num" }, q ? money(q.amount) : ""),
      h("td", {}, h("button", { class: "remove", type: "button", title: "Remove line", onclick: () => removeLine(i) }, "✕")));
  }));
}

function renderTotals(quote) {
  const split = quote ? quote.bands.filter((b) => b.taxable !== "0.00" || b.tax !== "0.00") : [];
  $("tax-split").replaceChildren(...split.map((b) => h("tr", {},
    h("th", {}, `${b.band} (${b.label})`), h("td", { class: "num" }, money(b.taxable)), h("td", { class: "num" }, money(b.tax)))));
  $("total-tax").textContent = quote ? money(quote.tax) : "0.00";
  $("total-amount").textContent = quote ? money(quote.total) : "0.00";
}

let quoteSeq = 0;
async function cartChanged() {
  const seq = ++quoteSeq;
  renderCart(null);
  saveCart();
  $("charge").disabled = state.cart.lines.length === 0;
  showError("charge-error", null);
  if (!state.cart.lines.length) { renderTotals(null); return; }
  try {
    const quote = await call("quote_sale", cartInput());
    if (seq !== quoteSeq) return;
    renderCart(quote);
    renderTotals(quote);
  } catch (e) {
    if (seq !== quoteSeq) return;
    renderTotals(null);
    showError("charge-error", e);
  }
}

function cartInput() {
  return {
    lines: state.cart.lines.map((l) => ({
      item: l.code, qty: l.qty, price: l.price_override ? l.price : null, discount: l.discount || null,
    })),
    buyer_pin: $("buyer-pin").value.trim() || null,
    buyer_name: $("buyer-name").value.trim() || null,
    payment: $("payment").value,
  };
}

async function saveCart() {
  state.cart.buyer_pin = $("buyer-pin").value;
  state.cart.buyer_name = $("buyer-name").value;
  state.cart.payment = $("payment").value;
  try {
    await call("save_cart", { cart: JSON.stringify(state.cart) });
  } catch (e) {
    showError("charge-error", e);
  }
}

async function loadCart() {
  const saved = await call("load_cart");
  if (saved) {
    try {
      const cart = JSON.parse(saved);
      if (Array.isArray(cart.lines)) state.cart = cart;
    } catch (_) { /* a damaged draft cart is not a fiscal record: start empty */ }
  }
  $("buyer-pin").value = state.cart.buyer_pin || "";
  $("buyer-name").value = state.cart.buyer_name || "";
  if (state.cart.payment) $("payment").value = state.cart.payment;
  await cartChanged();
}

for (const id of ["buyer-name", "payment"]) $(id).addEventListener("change", saveCart);

$("buyer-pin").addEventListener("change", async () => {
  const pin = $("buyer-pin").value.trim().toUpperCase();
  $("buyer-pin").value = pin;
  $("buyer-pin").removeAttribute("aria-invalid");
  $("buyer-note").textContent = "";
  saveCart();
  if (!pin) return;
  try {
    const buyer = await call("lookup_buyer", { pin });
    $("buyer-note").textContent = buyer.name ? `KRA: ${buyer.name}${buyer.status ? " (" + buyer.status + ")" : ""}` : "PIN format is valid.";
    if (buyer.name && !$("buyer-name").value) { $("buyer-name").value = buyer.name; saveCart(); }
  } catch (e) {
    if (e.code === "invalid_input" || e.code === "kra_refused") $("buyer-pin").setAttribute("aria-invalid", "true");
    $("buyer-note").textContent = e.message;
  }
});

$("clear-cart").addEventListener("click", () => {
  state.cart = { lines: [], buyer_pin: "", buyer_name: "", payment: $("payment").value };
  $("buyer-pin").value = "";
  $("buyer-name").value = "";
  $("buyer-note").textContent = "";
  cartChanged();
  scan.focus();
});

$("charge").addEventListener("click", charge);

let charging = false;
async function charge() {
  if (charging || !state.cart.lines.length) return;
  charging = true;
  $("charge").disabled = true;
  showError("charge-error", null);
  try {
    const sale = await call("make_sale", cartInput());
    state.cart = { lines: [], buyer_pin: "", buyer_name: "", payment: $("payment").value };
    $("buyer-pin").value = "";
    $("buyer-name").value = "";
    $("buyer-note").textContent = "";
    await cartChanged();
    await openReceipt(sale.trader_no, false, sale.printed);
  } catch (e) {
    showError("charge-error", e);
    $("charge").disabled = false;
  } finally {
    charging = false;
  }
}

// ---------- receipt preview ----------

async function openReceipt(document, copy, printed) {
  state.lastReceipt = { document, copy };
  await refreshReceipt();
  $("receipt-printed").textContent = printed || "";
  const dialog = $("receipt-dialog");
  if (!dialog.open) dialog.showModal();
  $("receipt-close").focus();
}

async function refreshReceipt() {
  const { document, copy } = state.lastReceipt;
  try {
    const r = await call("receipt_preview", { document, copy });
    $("receipt-title").textContent = r.title;
    $("receipt-state").replaceChildren(r.signed ? badge("signed", "Signed by KRA") : badge("provisional", "Provisional: KRA has not signed it yet"));
    // The image of the printout (drawn by Rust from the printed layout); its words are the alt text.
    const image = $("receipt-image");
    if (image.src) URL.revokeObjectURL(image.src);
    image.alt = r.text;
    image.src = URL.createObjectURL(new Blob([r.svg], { type: "image/svg+xml" }));
    showError("receipt-error", null);
  } catch (e) {
    showError("receipt-error", e);
  }
}

$("receipt-close").addEventListener("click", () => $("receipt-dialog").close());
$("receipt-dialog").addEventListener("close", () => { state.lastReceipt = null; if (!$("screen-till").hidden) scan.focus(); });
$("receipt-print").addEventListener("click", async () => {
  if (!state.lastReceipt) return;
  try {
    const r = await call("print_receipt", { document: state.lastReceipt.document, copy: true });
    $("receipt-printed").textContent = r;
  } catch (e) {
    $("receipt-printed").textContent = e.message;
  }
});

// ---------- sales ----------

async function loadSales() {
  const sales = await call("list_sales");
  $("sales-list").replaceChildren(...sales.map((s) => h("tr", {
    "aria-selected": String(state.sale && state.sale.sale_id === s.sale_id), dataset: { trader: s.trader_no },
    onclick: () => openSale(s.sale_id),
  }, h("td", {}, s.trader_no, s.training ? " " : "", s.training ? badge("training", "training") : ""), h("td", {}, when(s.committed_at)),
    h("td", {}, s.buyer_name || ""), h("td", { class: "num" }, money(s.total)),
    h("td", { title: s.kra.message || "" }, kraBadge(s.kra), s.kra.state === "parked" && s.kra.message ? h("div", { class: "field-note" }, s.kra.message) : ""))));
}

async function openSale(saleId) {
  try {
    const sale = await call("sale_detail", { sale_id: saleId });
    state.sale = sale;
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
    loadSales();
  } catch (e) {
    alertIn("sale-status", e);
  }
}

function alertIn(id, e) {
  $(id).replaceChildren(h("span", { class: "error" }, e.message));
}

$("sale-reprint").addEventListener("click", () => state.sale && openReceipt(state.sale.trader_no, true));
$("sale-credit-toggle").addEventListener("click", () => {
  $("credit-form").hidden = !$("credit-form").hidden;
  const first = document.querySelector("#sale-lines input.credit-qty");
  if (!$("credit-form").hidden && first) first.focus();
});
$("credit-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const lines = [...document.querySelectorAll("#sale-lines input.credit-qty")]
    .filter((i) => i.value.trim() && i.value.trim() !== "0")
    .map((i) => ({ item: i.dataset.item, qty: i.value.trim() }));
  showError("credit-error", null);
  if (!lines.length) { showError("credit-error", { message: "Type the quantity to credit next to each returned item." }); return; }
  try {
    const note = await call("issue_credit_note", { invoice: state.sale.trader_no, reason: $("credit-reason").value, lines });
    await openSale(state.sale.sale_id);
    await openReceipt(note.trader_no, false, note.printed);
  } catch (e) {
    showError("credit-error", e);
  }
});

// ---------- items ----------

let itemsTimer = null;
$("items-filter").addEventListener("input", () => { clearTimeout(itemsTimer); itemsTimer = setTimeout(loadItems, 150); });

async function loadItems() {
  fillItemSelects();
  const items = await call("list_items", { search: $("items-filter").value.trim() || null });
  $("items-list").replaceChildren(...items.map((it) => h("tr", {
    onclick: () => editItem(it), "aria-selected": String(state.item && state.item.code === it.code),
  }, h("td", {}, it.name, h("div", { class: "field-note" }, it.code)), h("td", {}, it.barcode || ""), h("td", {}, it.tax_band),
    h("td", { class: "num" }, money(it.price)), h("td", {}, it.kra_state === "registered" ? badge("registered", "registered") : badge("pending", "waiting to send")))));
}

function fillItemSelects() {
  const f = $("item-form");
  const c = state.choices;
  if (f.qty_unit.options.length) return;
  fillSelect(f.item_type, c.item_types, "2");
  fillSelect(f.origin, c.countries, "KE");
  fillSelect(f.qty_unit, c.qty_units, "U");
  fillSelect(f.pkg_unit, c.pkg_units, "NT");
  fillSelect(f.tax_band, c.tax_bands, "B");
}

function editItem(it) {
  state.item = it;
  const f = $("item-form");
  $("item-form-title").textContent = it ? "Edit " + it.name : "New item";
  f.code.value = it ? it.code : "";
  f.name.value = it ? it.name : "";
  f.barcode.value = it ? it.barcode || "" : "";
  f.class_code.value = it ? it.class_code : "";
  $("class-chosen").textContent = it ? "Classification " + it.class_code : "No classification chosen yet.";
  for (const [name, value] of [["item_type", it && it.item_type], ["origin", it && it.origin], ["qty_unit", it && it.qty_unit], ["pkg_unit", it && it.pkg_unit], ["tax_band", it && it.tax_band]]) {
    if (value) f[name].value = value;
    // The item code already carries type, origin and units: KRA does not allow changing them.
    f[name].disabled = Boolean(it) && name !== "tax_band";
  }
  f.price.value = it ? it.price : "";
  showError("item-error", null);
  f.name.focus();
  loadItems();
}

$("item-new").addEventListener("click", () => editItem(null));

let classTimer = null;
$("class-search").addEventListener("input", () => {
  clearTimeout(classTimer);
  const text = $("class-search").value.trim();
  if (text.length < 2) { $("class-results").hidden = true; return; }
  classTimer = setTimeout(async () => {
    try {
      const classes = await call("search_classes", { text });
      $("class-results").replaceChildren(...classes.map((c) => h("li", {
        onclick: () => {
          $("item-form").class_code.value = c.code;
          if (c.tax_band) $("item-form").tax_band.value = c.tax_band;
          $("class-chosen").textContent = `Classification ${c.code}: ${c.name}`;
          $("class-results").hidden = true;
          $("class-search").value = "";
        },
      }, h("span", {}, c.name), h("small", {}, c.code + (c.tax_band ? " · band " + c.tax_band : "")))));
      $("class-results").hidden = classes.length === 0;
    } catch (e) {
      showError("item-error", e);
    }
  }, 150);
});

$("item-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("item-form");
  const input = {
    code: f.code.value || null, name: f.name.value.trim(), barcode: f.barcode.value.trim() || null,
    class_code: f.class_code.value, item_type: f.item_type.value, origin: f.origin.value,
    qty_unit: f.qty_unit.value, pkg_unit: f.pkg_unit.value, tax_band: f.tax_band.value, price: f.price.value.trim(),
  };
  showError("item-error", null);
  try {
    const saved = await call("save_item", input);
    showOk("item-ok", `Saved ${saved.name} (${saved.code}). It is sent to KRA with the next sync.`);
    editItem(saved);
  } catch (e) {
    showError("item-error", e);
  }
});

$("csv-import").addEventListener("click", async () => {
  const file = $("csv-file").files[0];
  showError("csv-error", null);
  if (!file) { showError("csv-error", { message: "Choose the CSV file first." }); return; }
  try {
    const r = await call("import_items_csv", { csv: await file.text() });
    showOk("csv-ok", `Imported ${r.added} item(s)` + (r.skipped ? `, skipped ${r.skipped} already present.` : "."));
    loadItems();
  } catch (e) {
    showError("csv-error", e);
  }
});

// ---------- stock ----------

async function loadStock() {
  const levels = await call("stock_levels");
  $("stock-list").replaceChildren(...levels.map((s) => h("tr", {
    class: s.low ? "low" : null, dataset: { code: s.code },
    "aria-selected": String(state.stockItem && state.stockItem.code === s.code), onclick: () => openStock(s),
  }, h("td", {}, s.name, s.low ? h("div", { class: "field-note" }, `Low stock (below ${qty(s.reorder_level)}): reorder`) : ""), h("td", { class: "num" }, qty(s.on_hand)), h("td", {}, s.unit || ""))));
}

async function openStock(s) {
  state.stockItem = s;
  $("stock-item-title").textContent = `${s.name}: ${qty(s.on_hand)} on hand`;
  $("adjust-form").hidden = false;
  showError("adjust-error", null);
  $("reorder-form").hidden = false;
  showError("reorder-error", null);
  $("reorder-form").level.value = s.own_reorder_level ? qty(s.reorder_level) : "";
  $("reorder-note").textContent = s.own_reorder_level
    ? "Leave it empty to use the shop's default again."
    : `Using the shop's default (${qty(s.reorder_level)}). Type a number to set this item's own level.`;
  $("adjust-form").qty.focus();
  loadStock();
  await loadMovements(s.code);
}

async function loadMovements(code) {
  try {
    const moves = await call("stock_movements", { text: code, limit: 50 });
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

$("adjust-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("adjust-form");
  showError("adjust-error", null);
  try {
    await call("adjust_stock", { item: state.stockItem.code, qty: f.qty.value.trim(), reason: f.reason.value });
    f.qty.value = "";
    const levels = await call("stock_levels");
    const fresh = levels.find((l) => l.code === state.stockItem.code) || state.stockItem;
    await openStock(fresh);
  } catch (e) {
    showError("adjust-error", e);
  }
});

$("reorder-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  showError("reorder-error", null);
  try {
    await call("set_reorder_level", { item: state.stockItem.code, level: $("reorder-form").level.value.trim() || null });
    const levels = await call("stock_levels");
    await openStock(levels.find((l) => l.code === state.stockItem.code) || state.stockItem);
  } catch (e) {
    showError("reorder-error", e);
  }
});

// ---------- purchases ----------

async function loadPurchases() {
  const [purchases, imports, items] = await Promise.all([call("list_purchases"), call("list_imports"), call("list_items", { search: null })]);
  state.allItems = items.filter((it) => it.active);
  const waiting = purchases.filter((p) => !p.decision).length;
  $("nav-purchases").textContent = waiting ? String(waiting) : "";
  $("purchases-list").replaceChildren(...purchases.map((p) => h("tr", {
    onclick: () => openPurchase(p), "aria-selected": String(state.purchase && state.purchase.id === p.id),
  }, h("td", {}, p.supplier_name || p.supplier_pin), h("td", {}, String(p.supplier_invoice_no)), h("td", {}, when(p.sales_date)),
    h("td", { class: "num" }, money(p.total)), h("td", {}, badge(p.decision || "waiting", p.decision || "waiting")))));
  if (!purchases.length) $("purchases-list").replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No supplier invoices yet.")));
  $("imports-list").replaceChildren(...imports.map((i) => h("tr", {},
    h("td", {}, i.declaration_no || i.task_code, i.declaration_date ? h("div", { class: "field-note" }, when(i.declaration_date)) : ""), h("td", {}, i.name), h("td", { class: "num" }, qty(i.qty)),
    h("td", {}, badge(i.decision || "waiting", i.decision || "waiting")),
    h("td", {}, i.decision ? "" : importActions(i)))));
  if (!imports.length) $("imports-list").replaceChildren(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No customs imports.")));
}

function itemPicker(selected) {
  const sel = h("select", { class: "map-item" }, h("option", { value: "" }, "— choose your item —"),
    ...state.allItems.map((it) => h("option", { value: it.code, title: it.code }, it.name)));
  if (selected) sel.value = selected;
  return sel;
}

function importActions(i) {
  const picker = itemPicker(i.mapped_item);
  return h("span", {}, picker,
    h("button", { type: "button", onclick: async () => {
      try { await call("accept_import", { id: i.id, item: picker.value }); loadPurchases(); } catch (e) { showError("purchases-error", e); }
    } }, "Accept"),
    h("button", { type: "button", onclick: async () => {
      try { await call("reject_import", { id: i.id }); loadPurchases(); } catch (e) { showError("purchases-error", e); }
    } }, "Reject"));
}

async function openPurchase(p) {
  state.purchase = p;
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
  loadPurchases();
}

$("purchase-confirm").addEventListener("click", async () => {
  const mappings = [...document.querySelectorAll("#purchase-lines select")].map((s) => ({ seq: Number(s.dataset.seq), item: s.value }));
  showError("purchase-error", null);
  try {
    await call("confirm_purchase", { id: state.purchase.id, mappings });
    state.purchase = null;
    $("purchase-detail").hidden = true;
    loadPurchases();
  } catch (e) {
    showError("purchase-error", e);
  }
});

$("purchase-reject").addEventListener("click", async () => {
  showError("purchase-error", null);
  try {
    await call("reject_purchase", { id: state.purchase.id });
    state.purchase = null;
    $("purchase-detail").hidden = true;
    loadPurchases();
  } catch (e) {
    showError("purchase-error", e);
  }
});

// A purchase keyed by hand. Rust checks every field; its message names the field ("Supplier PIN:
// ...", "Line 2 quantity: ..."), and the message is shown next to that field.

function manualLine() {
  const band = h("select", { name: "tax_band" }, h("option", { value: "" }, "item's own band"),
    ...state.choices.tax_bands.map(([value, label]) => h("option", { value }, label)));
  const row = h("tr", {},
    h("td", {}, itemPicker(null)),
    h("td", { class: "num" }, h("input", { name: "qty", inputmode: "decimal", size: "5" })),
    h("td", { class: "num" }, h("input", { name: "unit_cost", inputmode: "decimal", size: "8" })),
    h("td", {}, band),
    h("td", {}, h("button", { type: "button", title: "Remove this line", onclick: () => row.remove() }, "×")));
  $("manual-lines").append(row);
  return row;
}

function clearManualErrors() {
  for (const el of document.querySelectorAll("#manual-purchase [data-field], #manual-lines .error")) {
    if (el.dataset.field) el.textContent = ""; else el.remove();
  }
  showError("manual-error", null);
}

/** Puts Rust's message next to the field it names, else under the form. */
function showManualError(e) {
  const m = /^(Supplier PIN|Supplier name|Invoice number|Invoice date|Lines|Line (\d+) [a-z ]+): (.*)$/s.exec(e.message || "");
  if (m && m[2]) {
    const row = $("manual-lines").rows[Number(m[2]) - 1];
    if (row) { row.after(h("tr", { class: "line-error" }, h("td", { colspan: "5", class: "error", role: "alert" }, e.message))); return; }
  } else if (m) {
    const el = document.querySelector(`#manual-purchase [data-field="${m[1]}"]`);
    if (el) { el.textContent = m[3]; return; }
  }
  showError("manual-error", e);
}

$("manual-purchase-open").addEventListener("click", () => {
  const f = $("manual-purchase");
  f.reset();
  $("manual-lines").replaceChildren();
  document.querySelectorAll("#manual-purchase tr.line-error").forEach((r) => r.remove());
  clearManualErrors();
  fillSelect($("manual-payment"), state.choices.payment_types, "01");
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
  document.querySelectorAll("#manual-purchase tr.line-error").forEach((r) => r.remove());
  clearManualErrors();
  const lines = [...$("manual-lines").rows].map((r) => ({
    item: r.querySelector("select.map-item").value,
    qty: r.querySelector("input[name=qty]").value.trim(),
    unit_cost: r.querySelector("input[name=unit_cost]").value.trim(),
    tax_band: r.querySelector("select[name=tax_band]").value || null,
  }));
  try {
    const done = await call("record_purchase", {
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
    loadPurchases();
  } catch (e) {
    showManualError(e);
  }
});

$("purchases-refresh").addEventListener("click", async () => {
  const button = $("purchases-refresh");
  button.disabled = true;
  showError("purchases-error", null);
  try { await call("refresh_lists"); } catch (e) { showError("purchases-error", e); }
  button.disabled = false;
  loadPurchases();
});

// ---------- sync ----------

async function loadSync() {
  const p = await call("sync_status");
  showProgress(p);
  const sim = state.status && state.status.training_kra_url;
  $("sync-sim-label").hidden = !sim;
  $("sync-sim").hidden = !sim;
  $("sync-sim").textContent = sim || "";
  await loadParked();
}

async function loadParked() {
  const rows = await call("parked_documents");
  $("parked-empty").hidden = rows.length > 0;
  $("parked-list").replaceChildren(...rows.map((r) => h("li", {},
    h("div", {}, h("strong", {}, r.document), " · ", r.what),
    h("div", {}, r.reason),
    r.fix ? h("div", { class: "fix" }, "What to do: " + r.fix) : "",
    h("div", { class: "actions" }, h("button", { type: "button", onclick: async () => {
      try { await call("retry_parked", { id: r.id }); loadParked(); } catch (e) { alert(e.message); }
    } }, "Send again")))));
}

$("sync-now").addEventListener("click", async () => {
  const button = $("sync-now");
  button.disabled = true;
  button.textContent = "Syncing…";
  $("sync-result").textContent = "";
  try {
    const r = await call("sync_now");
    showOk("sync-result", `Sent ${r.sent}` + (r.parked ? `, ${r.parked} refused` : "") + (r.retrying ? `, ${r.retrying} will be retried` : "") + ".");
  } catch (e) {
    $("sync-result").textContent = e.message;
  } finally {
    button.disabled = false;
    button.textContent = "Sync now";
    loadSync();
  }
});

// ---------- notices ----------

async function loadNotices() {
  const notices = await call("list_notices");
  $("notices-empty").hidden = notices.length > 0;
  const unread = notices.filter((n) => !n.read).length;
  $("nav-notices").textContent = unread ? String(unread) : "";
  $("notices-list").replaceChildren(...notices.map((n) => h("li", {
    class: n.read ? "" : "unread",
    onclick: async () => { if (!n.read) { await call("mark_notice_read", { notice_no: n.notice_no }); loadNotices(); } },
  }, h("h3", {}, n.title), h("div", { class: "field-note" }, when(n.registered_at)), h("p", {}, n.content))));
}

// ---------- settings ----------

async function loadSettings() {
  const s = await call("get_settings");
  const f = $("settings-form");
  for (const k of ["name", "address", "phone", "email", "footer", "printer_kind", "paper", "printer_target"]) f[k].value = s[k] || "";
  f.sell_beyond_stock.checked = !!s.sell_beyond_stock;
  const d = s.device;
  $("device-facts").replaceChildren(...[
    ["Mode", d.training ? "Training (built-in KRA simulator)" : (d.environment || "")],
    ["KRA PIN", d.pin], ["Branch", d.branch_id], ["Device serial", d.serial], ["Control unit ID", d.scu_id],
    ["KRA address", d.base_url], ["Communication key", d.communication_key_masked || "not set"],
  ].flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v || "")]));
}

$("settings-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("settings-form");
  const input = {};
  for (const k of ["name", "address", "phone", "email", "footer", "printer_kind", "paper", "printer_target"]) input[k] = f[k].value.trim() || null;
  input.sell_beyond_stock = f.sell_beyond_stock.checked;
  showError("settings-error", null);
  try {
    await call("save_settings", input);
    showOk("settings-ok", "Saved. New receipts use these details.");
    state.status = await call("shop_status");
    $("shop-name").textContent = state.status.shop_name || "Duka";
  } catch (e) {
    showError("settings-error", e);
  }
});

start();
