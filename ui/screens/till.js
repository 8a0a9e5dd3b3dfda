// The till: scan or search items into the cart, see Rust's quote (taxes, totals), charge with F12.

import { $, fillSelect, h, markField, showError } from "../lib/dom.js";
import { addOne, money } from "../lib/format.js";
import { find_items, load_cart, lookup_buyer, make_sale, quote_sale, save_cart, scan_item } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";
import { openReceipt } from "../dialogs/receipt.js";

export const name = "till";
export const key = "F1";

const state = {
  // The cart's id is made when the cart starts and kept with the saved cart: Rust charges a cart once.
  cartId: newCartId(),
  cart: { lines: [], buyer_pin: "", buyer_name: "", payment: "01" },
  results: [],
  selected: -1,
};
const scan = $("scan-input");
let searchTimer = null;
let quoteSeq = 0;
let charging = false;

/** A new cart's id: 128 random bits in hex. */
function newCartId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "cart-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function load() {
  scan.focus();
}

/** On entering the shop: the payment types, then the cart left from last time. */
export async function enter() {
  fillSelect($("payment"), shop.choices.payment_types);
  await loadCart();
}

/** Keys of the till: F12 or Ctrl+Enter charges, F9 goes to the quantity of the last line. */
export function onKey(ev) {
  if (ev.key === "F12" || (ev.key === "Enter" && ev.ctrlKey)) { ev.preventDefault(); charge(); }
  else if (ev.key === "F9") { ev.preventDefault(); focusLastQty(); }
}

/** After the receipt preview closes, the scanner has the keyboard again. */
export function focus() {
  scan.focus();
}

async function search(text) {
  try {
    const items = await find_items({ text, limit: 12 });
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
      h("td", { class: "num" }, h("input", { class: "qty", name: "qty", value: l.qty, inputmode: "decimal", "aria-label": "Quantity of " + l.name,
        onchange: (ev) => { l.qty = ev.target.value.trim(); cartChanged(); }, onkeydown: onEnter })),
      h("td", { class: "num" }, h("input", { class: "price", name: "price", value: l.price, inputmode: "decimal", "aria-label": "Price of " + l.name,
        onchange: (ev) => { l.price = ev.target.value.trim(); l.price_override = true; cartChanged(); }, onkeydown: onEnter })),
      h("td", { class: "num" }, h("input", { class: "discount", name: "discount", value: l.discount, inputmode: "decimal", placeholder: "0", "aria-label": "Discount on " + l.name,
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

/** A cart error stays in words under Charge (the cart is redrawn on every change); the input it
 * names, when the shell names one, is marked too. */
function showCartError(e) {
  showError("charge-error", e);
  if (e && e.field) markField($("screen-till"), e.field);
}

async function cartChanged() {
  const seq = ++quoteSeq;
  renderCart(null);
  saveCart();
  $("charge").disabled = state.cart.lines.length === 0;
  showError("charge-error", null);
  if (!state.cart.lines.length) { renderTotals(null); return; }
  try {
    const quote = await quote_sale(cartInput());
    if (seq !== quoteSeq) return;
    renderCart(quote);
    renderTotals(quote);
  } catch (e) {
    if (seq !== quoteSeq) return;
    renderTotals(null);
    showCartError(e);
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
    await save_cart({ cart_id: state.cartId, cart: JSON.stringify(state.cart) });
  } catch (e) {
    showError("charge-error", e);
  }
}

async function loadCart() {
  const saved = await load_cart();
  if (saved) {
    try {
      const cart = JSON.parse(saved.cart);
      if (Array.isArray(cart.lines)) {
        state.cart = cart;
        // A cart an earlier Duka kept has no id yet: it gets one now, and keeps it until charged.
        state.cartId = saved.cart_id || newCartId();
      }
    } catch (_) { /* a damaged draft cart is not a fiscal record: start empty */ }
  }
  $("buyer-pin").value = state.cart.buyer_pin || "";
  $("buyer-name").value = state.cart.buyer_name || "";
  if (state.cart.payment) $("payment").value = state.cart.payment;
  await cartChanged();
}

function emptyCart() {
  state.cartId = newCartId();
  state.cart = { lines: [], buyer_pin: "", buyer_name: "", payment: $("payment").value };
  $("buyer-pin").value = "";
  $("buyer-name").value = "";
  $("buyer-note").textContent = "";
}

async function charge() {
  if (charging || !state.cart.lines.length) return;
  charging = true;
  $("charge").disabled = true;
  showError("charge-error", null);
  try {
    const sale = await make_sale({ cart_id: state.cartId, ...cartInput() });
    emptyCart();
    await cartChanged();
    // Printed once the sale has returned; a cart charged before (a second press) is that sale, so a copy.
    const note = sale.already_charged ? `This cart was already charged as ${sale.trader_no}: nothing new was sold.` : "";
    await openReceipt(sale.trader_no, sale.already_charged, { print: true, note, awaitKra: !sale.already_charged });
  } catch (e) {
    showCartError(e);
    $("charge").disabled = false;
  } finally {
    charging = false;
  }
}

/** Wires the scanner, the cart and the buyer fields. */
export function wire() {
  scan.addEventListener("input", () => {
    showError("scan-error", null);
    clearTimeout(searchTimer);
    const text = scan.value.trim();
    if (text.length < 2 || /^\d+$/.test(text)) { hideResults(); return; }
    searchTimer = setTimeout(() => search(text), 120);
  });

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
        addItem(await scan_item({ text }));
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

  for (const id of ["buyer-name", "payment"]) $(id).addEventListener("change", saveCart);

  $("buyer-pin").addEventListener("change", async () => {
    const pin = $("buyer-pin").value.trim().toUpperCase();
    $("buyer-pin").value = pin;
    $("buyer-pin").removeAttribute("aria-invalid");
    $("buyer-note").textContent = "";
    saveCart();
    if (!pin) return;
    try {
      const buyer = await lookup_buyer({ pin });
      $("buyer-note").textContent = buyer.name ? `KRA: ${buyer.name}${buyer.status ? " (" + buyer.status + ")" : ""}` : "PIN format is valid.";
      if (buyer.name && !$("buyer-name").value) { $("buyer-name").value = buyer.name; saveCart(); }
    } catch (e) {
      if (e.code === "invalid_input" || e.code === "kra_refused") $("buyer-pin").setAttribute("aria-invalid", "true");
      $("buyer-note").textContent = e.message;
    }
  });

  $("clear-cart").addEventListener("click", () => {
    emptyCart();
    cartChanged();
    scan.focus();
  });

  $("charge").addEventListener("click", charge);
}
