// The approval dialog: when a command answers that it needs a supervisor's or the owner's PIN, one
// of them chooses their name and types their PIN here; Duka records them as the approver of that
// one action, and the command runs once more (ui/lib/ipc.js). Who may approve what is Rust's.

import { $, h, showError } from "../lib/dom.js";
import { approve, lock_screen_users } from "../lib/ipc.js";
import { roleLabel } from "../screens/lock.js";

/** The action waiting for an approver, and how to answer the command that asked. */
let waiting = null;

export function isOpen() {
  return $("approval-dialog").open;
}

/** Asks a supervisor or the owner to approve `action` (`credit_note`, `z_report`...); `message`
 * says what needs it. Resolves true once approved, false when cancelled. */
export async function ask(action, message) {
  if (waiting) finish(false);
  const approvers = (await lock_screen_users()).filter((u) => u.role !== "cashier");
  const select = $("approval-approver");
  select.replaceChildren(...approvers.map((u) => h("option", { value: u.name }, `${u.name} (${roleLabel(u.role)})`)));
  $("approval-why").textContent = message;
  $("approval-pin").value = "";
  showError("approval-error", approvers.length ? null
    : { message: "Nobody here may approve this: the owner adds a supervisor under Users (F11)." });
  const dialog = $("approval-dialog");
  if (!dialog.open) dialog.showModal();
  (approvers.length > 1 ? select : $("approval-pin")).focus();
  return new Promise((resolve) => { waiting = { action, resolve }; });
}

function finish(approved) {
  const w = waiting;
  waiting = null;
  if ($("approval-dialog").open) $("approval-dialog").close();
  if (w) w.resolve(approved);
}

/** Wires the dialog's buttons and keys. */
export function wire() {
  $("approval-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!waiting) return;
    const pin = $("approval-pin");
    const approver = $("approval-approver").value;
    showError("approval-error", null);
    if (!approver) return;
    if (!/^[0-9]+$/.test(pin.value)) {
      showError("approval-error", { message: `Type ${approver}'s PIN: digits only.` });
      pin.focus();
      return;
    }
    const button = $("approval-form").querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await approve({ action: waiting.action, approver, pin: pin.value });
      finish(true);
    } catch (e) {
      pin.value = "";
      showError("approval-error", e);
      pin.focus();
    } finally {
      button.disabled = false;
    }
  });
  $("approval-cancel").addEventListener("click", () => finish(false));
  // Esc, or the dialog closed any other way (the till locking): the command is not approved.
  $("approval-dialog").addEventListener("close", () => { if (waiting) finish(false); });
}
