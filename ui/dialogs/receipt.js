// The receipt preview shown after a sale, a credit note or a reprint, with "Print again".

import { $, badge, showError } from "../lib/dom.js";
import { print_receipt, receipt_preview } from "../lib/ipc.js";

let shown = null;

/** Opens the preview of `document` (a copy when `copy`), with what printing it said. */
export async function openReceipt(document, copy, printed) {
  shown = { document, copy };
  await refreshReceipt();
  $("receipt-printed").textContent = printed || "";
  const dialog = $("receipt-dialog");
  if (!dialog.open) dialog.showModal();
  $("receipt-close").focus();
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
  $("receipt-print").addEventListener("click", async () => {
    if (!shown) return;
    try {
      $("receipt-printed").textContent = await print_receipt({ document: shown.document, copy: true });
    } catch (e) {
      $("receipt-printed").textContent = e.message;
    }
  });
}
