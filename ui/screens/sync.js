// Sync: the state of the outbox at KRA (also shown in the sidebar), "Sync now", and the documents
// KRA refused with what to do about each.

import { $, h, showOk } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { parked_documents, retry_parked, sync_now, sync_status } from "../lib/ipc.js";
import { shop } from "../lib/shop.js";

export const name = "sync";
export const key = "F6";

export async function load() {
  showProgress(await sync_status());
  const sim = shop.status && shop.status.training_kra_url;
  $("sync-sim-label").hidden = !sim;
  $("sync-sim").hidden = !sim;
  $("sync-sim").textContent = sim || "";
  await loadParked();
}

/** Once the shop listens to Rust's events: the state as it is now, in the sidebar. */
export async function subscribed() {
  showProgress(await sync_status());
}

/** Events pushed from Rust: progress of the drain, a document refused or sent again. */
export const on = {
  "sync-progress": (payload) => showProgress(payload),
  "parked-changed": (_, visible) => { if (visible) loadParked(); },
};

function showProgress(p) {
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
  // KRA's sdcDateTime against this computer's clock, at the last signature (more than 5 minutes).
  $("sync-clock").textContent = p.clock_warning || "matches KRA's";
}

async function loadParked() {
  const rows = await parked_documents();
  $("parked-empty").hidden = rows.length > 0;
  $("parked-list").replaceChildren(...rows.map((r) => h("li", {},
    h("div", {}, h("strong", {}, r.document), " · ", r.what),
    h("div", {}, r.reason),
    r.fix ? h("div", { class: "fix" }, "What to do: " + r.fix) : "",
    h("div", { class: "actions" }, h("button", { type: "button", onclick: async () => {
      try { await retry_parked({ id: r.id }); loadParked(); } catch (e) { alert(e.message); }
    } }, "Send again")))));
}

/** Wires "Sync now". */
export function wire() {
  $("sync-now").addEventListener("click", async () => {
    const button = $("sync-now");
    button.disabled = true;
    button.textContent = "Syncing…";
    $("sync-result").textContent = "";
    try {
      const r = await sync_now();
      showOk("sync-result", `Sent ${r.sent}` + (r.parked ? `, ${r.parked} refused` : "") + (r.retrying ? `, ${r.retrying} still waiting` : "") + ".");
      if (r.waiting.length) $("sync-result").append(h("ul", { class: "waiting" }, ...r.waiting.map((line) => h("li", {}, line))));
    } catch (e) {
      $("sync-result").textContent = e.message;
    } finally {
      button.disabled = false;
      button.textContent = "Sync now";
      load();
    }
  });
}
