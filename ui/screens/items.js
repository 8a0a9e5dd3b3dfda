// Items: the catalogue with each item's state at KRA, the item form, KRA classifications, CSV import.

import { $, badge, clearFieldErrors, fillSelect, h, showError, showFieldError, showOk } from "../lib/dom.js";
import { money } from "../lib/format.js";
import { import_items_csv, list_items, save_item, search_classes } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "items";
export const key = "F3";

let item = null;
let itemsTimer = null;
let classTimer = null;

export async function load() {
  fillItemSelects();
  const items = await list_items({ search: $("items-filter").value.trim() || null });
  $("items-list").replaceChildren(...items.map((it) => h("tr", {
    onclick: () => editItem(it), "aria-selected": String(item && item.code === it.code),
  }, h("td", {}, it.name, h("div", { class: "field-note" }, it.code)), h("td", {}, it.barcode || ""), h("td", {}, it.tax_band),
    h("td", { class: "num" }, money(it.price)), h("td", {}, it.kra_state === "registered" ? badge("registered", "registered") : badge("pending", "waiting to send")))));
}

function fillItemSelects() {
  const f = $("item-form");
  const c = shop.choices;
  if (f.qty_unit.options.length) return;
  fillSelect(f.item_type, c.item_types, "2");
  fillSelect(f.origin, c.countries, "KE");
  fillSelect(f.qty_unit, c.qty_units, "U");
  fillSelect(f.pkg_unit, c.pkg_units, "NT");
  fillSelect(f.tax_band, c.tax_bands, "B");
}

function editItem(it) {
  item = it;
  const f = $("item-form");
  $("item-form-title").textContent = it ? "Edit " + it.name : "New item";
  f.code.value = it ? it.code : "";
  f.name.value = it ? it.name : "";
  f.barcode.value = it ? it.barcode || "" : "";
  f.class_code.value = it ? it.class_code : "";
  $("class-chosen").textContent = it ? "Classification " + it.class_code : "No classification chosen yet.";
  for (const [field, value] of [["item_type", it && it.item_type], ["origin", it && it.origin], ["qty_unit", it && it.qty_unit], ["pkg_unit", it && it.pkg_unit], ["tax_band", it && it.tax_band]]) {
    if (value) f[field].value = value;
    // The item code already carries type, origin and units: KRA does not allow changing them.
    f[field].disabled = Boolean(it) && field !== "tax_band";
  }
  f.price.value = it ? it.price : "";
  clearFieldErrors(f);
  showError("item-error", null);
  f.name.focus();
  load();
}

/** Wires the filter, the item form, the classification search and the CSV import. */
export function wire() {
  $("items-filter").addEventListener("input", () => { clearTimeout(itemsTimer); itemsTimer = setTimeout(load, 150); });

  $("item-new").addEventListener("click", () => editItem(null));

  $("class-search").addEventListener("input", () => {
    clearTimeout(classTimer);
    const text = $("class-search").value.trim();
    if (text.length < 2) { $("class-results").hidden = true; return; }
    classTimer = setTimeout(async () => {
      try {
        const classes = await search_classes({ text });
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
    clearFieldErrors(f);
    showError("item-error", null);
    try {
      const saved = await save_item(input);
      showOk("item-ok", `Saved ${saved.name} (${saved.code}). It is sent to KRA with the next sync.`);
      editItem(saved);
    } catch (e) {
      showFieldError(f, "item-error", e);
    }
  });

  $("csv-import").addEventListener("click", async () => {
    const file = $("csv-file").files[0];
    showError("csv-error", null);
    if (!file) { showError("csv-error", { message: "Choose the CSV file first." }); return; }
    try {
      const r = await import_items_csv({ csv: await file.text() });
      showOk("csv-ok", `Imported ${r.added} item(s)` + (r.skipped ? `, skipped ${r.skipped} already present.` : "."));
      load();
    } catch (e) {
      showError("csv-error", e);
    }
  });
}
