// Books: reports (X, Z, sales, purchases, stock, VAT), exports for Xero/QuickBooks, item import with
// a preview, backups and restore. Figures and rules come from Rust (src-tauri/src/books.rs).

import { $, clearFieldErrors, h, showError, showFieldError, showOk } from "../lib/dom.js";
import { day, money, todayInKenya, when } from "../lib/format.js";
import {
  books_backup_now, books_backups, books_export, books_import_items, books_issue_z, books_preview_items, books_report, books_stage_restore,
} from "../lib/ipc.js";

export const name = "books";
export const key = "F10";

let importCsv = null;

export async function load() {
  const today = todayInKenya();
  for (const id of ["books-from", "books-to", "books-export-from", "books-export-to"]) if (!$(id).value) $(id).value = today;
  if (!$("books-month").value) $("books-month").value = today.slice(0, 7);
  await loadBackups();
}

function reportQuery(paper) {
  return {
    kind: $("books-kind").value,
    number: $("books-z-number").value ? Number($("books-z-number").value) : null,
    from: day($("books-from")),
    to: day($("books-to")),
    month: $("books-month").value ? $("books-month").value.replace("-", "") : null,
    low: "5",
    paper: paper || null,
  };
}

async function showReport(command, paper) {
  const form = $("books-report-form");
  clearFieldErrors(form);
  showError("books-report-error", null);
  try {
    const r = await command(reportQuery(paper));
    $("books-report-text").textContent = r.text;
    if (r.pdf) showOk("books-report-ok", `${r.title} saved as ${r.pdf}`);
  } catch (e) {
    showFieldError(form, "books-report-error", e);
  }
}

function itemFile() {
  return { csv: importCsv, classCode: $("books-import-class").value || null };
}

async function loadBackups() {
  const list = await books_backups();
  $("books-backups").replaceChildren(
    h("tr", {}, ["Taken", "Kind", "Size", "KRA key", ""].map((t) => h("th", {}, t))),
    ...list.map((b) => h("tr", {},
      h("td", {}, when(b.taken_at.slice(0, 8)) + " " + b.taken_at.slice(8, 10) + ":" + b.taken_at.slice(10, 12)),
      h("td", {}, b.kind), h("td", { class: "num" }, `${Math.ceil(b.bytes / 1024)} KiB`),
      h("td", {}, b.has_key ? "encrypted" : "not included"),
      h("td", {}, h("button", { type: "button", onclick: () => restore(b) }, "Restore…")))));
}

async function restore(b) {
  if (!confirm(`Replace the shop's database with the backup of ${b.taken_at}? The current database is kept in the backups folder.`)) return;
  const passphrase = b.has_key ? prompt("Passphrase of the KRA key (leave empty to restore without the key):") : null;
  showError("books-backup-error", null);
  try {
    const plan = await books_stage_restore({ path: b.path, passphrase: passphrase || null });
    showOk("books-backup-ok", `Backup checked (${plan.sales} sales, ${plan.z_reports} Z reports). ${plan.next_step}.`);
  } catch (e) {
    showError("books-backup-error", e);
  }
}

/** Wires the report, export, import and backup forms. */
export function wire() {
  $("books-report-form").addEventListener("submit", (ev) => { ev.preventDefault(); showReport(books_report); });
  $("books-save-pdf").addEventListener("click", () => showReport(books_report, $("books-paper").value));
  $("books-issue-z").addEventListener("click", () => {
    if (!confirm("Close the day with a Z report? It is numbered and can never be issued again (only reprinted as a copy).")) return;
    showReport(books_issue_z, $("books-paper").value);
  });

  $("books-export-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = $("books-export-form");
    clearFieldErrors(form);
    showError("books-export-error", null);
    try {
      const f = await books_export({
        what: $("books-export-what").value,
        tool: $("books-export-tool").value,
        from: day($("books-export-from")) || "",
        to: day($("books-export-to")) || "",
      });
      const tool = f.name.includes("xero") ? "Xero" : "QuickBooks";
      showOk("books-export-ok", f.lines
        ? `Saved ${f.lines} line(s) as ${f.path}: import that file in ${tool}.`
        : `Nothing to export between those dates (training documents are never exported): the file ${f.path} has only the column headings.`);
    } catch (e) {
      showFieldError(form, "books-export-error", e);
    }
  });

  $("books-import-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("books-import-error", null);
    $("books-import-go").disabled = true;
    const file = $("books-import-file").files[0];
    if (!file) { showError("books-import-error", { message: "Choose the CSV file first." }); return; }
    importCsv = await file.text();
    try {
      const p = await books_preview_items(itemFile());
      const rows = p.rows.map((r) => h("tr", {},
        h("td", { class: "num" }, r.line), h("td", {}, r.name), h("td", {}, r.barcode || ""),
        h("td", {}, r.tax_band), h("td", { class: "num" }, money(r.price)), h("td", { class: "num" }, r.opening_stock || ""),
        h("td", {}, r.already_registered ? "already registered: skipped" : "new")));
      const errors = p.errors.map((e) => h("tr", { class: "error" }, h("td", { class: "num" }, e.line), h("td", { colspan: 6 }, e.message)));
      $("books-import-preview").replaceChildren(
        h("tr", {}, ["Line", "Name", "Barcode", "Band", "Price", "Opening stock", ""].map((t) => h("th", {}, t))),
        ...rows, ...errors);
      if (p.errors.length) {
        showError("books-import-error", { message: `${p.errors.length} row(s) are wrong: fix them in the file and preview again. Nothing is imported until every row is right.` });
      } else {
        $("books-import-go").disabled = false;
        showOk("books-import-ok", `${p.format} file: ${p.rows.length} row(s) ready`);
      }
    } catch (e) {
      showError("books-import-error", e);
    }
  });

  $("books-import-go").addEventListener("click", async () => {
    showError("books-import-error", null);
    try {
      const o = await books_import_items(itemFile());
      $("books-import-go").disabled = true;
      showOk("books-import-ok", `${o.added} item(s) added (${o.stocked} with opening stock), ${o.skipped} already registered.`);
    } catch (e) {
      showError("books-import-error", e);
    }
  });

  $("books-backup-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("books-backup-error", null);
    try {
      const b = await books_backup_now({ passphrase: $("books-backup-passphrase").value || null });
      $("books-backup-passphrase").value = "";
      showOk("books-backup-ok", `Backup written to ${b.path}`);
      await loadBackups();
    } catch (e) {
      showError("books-backup-error", e);
    }
  });
}
