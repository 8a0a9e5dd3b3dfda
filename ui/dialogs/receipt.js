// The receipt preview shown after a sale, a credit note or a reprint, with "Print again".

import { $, badge, h, showError } from "../lib/dom.js";
import { print_receipt, receipt_preview, wait_for_signature } from "../lib/ipc.js";

let shown = null;

/** Opens the preview of `document` (a copy when `copy`). With `print`, the receipt is printed
 * too, after the document's command has returned: the printer never holds up the sale, and when
 * it fails (off, out of paper, unreachable) its sentence shows here and "Print again" retries.
 * With `awaitKra` (a sale just charged), printing first waits for KRA's signature, as long as the
 * owner set in Settings and not at all with the line down, so the customer gets the signed receipt. */
export async function openReceipt(document, copy, { print = false, note = "", awaitKra = false } = {}) {
  // `printed`: the receipt came out once, so "Print again" prints a copy; until then, the same again.
  shown = { document, copy, printed: !print, awaitKra: print && awaitKra };
  $("receipt-printed").textContent = note;
  const dialog = $("receipt-dialog");
  await refreshReceipt();
  if (!dialog.open) dialog.showModal();
  $("receipt-close").focus();
  if (print) printShown(note);
}

/** Prints the receipt shown: the original until one has come out, copies after that. */
async function printShown(note = "") {
  const printing = shown;
  if (!printing) return;
  const copy = printing.printed || printing.copy;
  if (printing.awaitKra) {
    printing.awaitKra = false;
    $("receipt-printed").textContent = [note, "Waiting for KRA's signature…"].filter(Boolean).join(" ");
    try {
      const waited = await wait_for_signature({ document: printing.document });
      if (waited.outcome === "signed" && shown === printing) await refreshReceipt();
    } catch (_) {
      // The wait is a courtesy: the provisional receipt prints, and the signed one is listed under Sales.
    }
  }
  $("receipt-printed").textContent = [note, "Printing…"].filter(Boolean).join(" ");
  try {
    const said = await print_receipt({ document: printing.document, copy });
    printing.printed = true;
    if ($("print-error").dataset.document === printing.document) notPrinted(null);
    if (shown === printing) $("receipt-printed").textContent = [note, said].filter(Boolean).join(" ");
  } catch (e) {
    if (shown === printing) $("receipt-printed").textContent = e.message;
    // The preview was closed while the printer failed: the till keeps selling, and says so until printed.
    else notPrinted(printing, e);
  }
}

/** Shows under Charge that `printing`'s receipt did not print, with a button to print it again. */
function notPrinted(printing, error) {
  const box = $("print-error");
  if (!printing) { box.replaceChildren(); delete box.dataset.document; return; }
  box.dataset.document = printing.document;
  box.replaceChildren(`${printing.document} did not print: ${error.message} `,
    h("button", { type: "button", onclick: () => openReceipt(printing.document, printing.copy, { print: !printing.printed }) },
      `Print ${printing.document}`));
}

export function isOpen() {
  return $("receipt-dialog").open;
}

async function refreshReceipt() {
  const { document, copy } = shown;
  try {
    const r = await receipt_preview({ document, copy });
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

/** Events pushed from Rust: a document may have been signed while its preview is open. */
export const on = {
  "sync-progress": () => { if (isOpen() && shown) refreshReceipt(); },
};

/** Wires the dialog's buttons; `closed()` runs when it closes. */
export function wire(closed) {
  $("receipt-close").addEventListener("click", () => $("receipt-dialog").close());
  $("receipt-dialog").addEventListener("close", () => { shown = null; closed(); });
  $("receipt-print").addEventListener("click", () => printShown());
}
