// Notices: KRA's notices to the taxpayer; unread ones are counted in the sidebar.

import { $, h } from "../lib/dom.js";
import { when } from "../lib/format.js";
import { list_notices, mark_notice_read } from "../lib/ipc.js";

export const name = "notices";
export const key = "F7";

export async function load() {
  const notices = await list_notices();
  $("notices-empty").hidden = notices.length > 0;
  const unread = notices.filter((n) => !n.read).length;
  $("nav-notices").textContent = unread ? String(unread) : "";
  $("notices-list").replaceChildren(...notices.map((n) => h("li", {
    class: n.read ? "" : "unread",
    onclick: async () => { if (!n.read) { await mark_notice_read({ notice_no: n.notice_no }); load(); } },
  }, h("h3", {}, n.title), h("div", { class: "field-note" }, when(n.registered_at)), h("p", {}, n.content))));
}

/** Events pushed from Rust: new notices (the sidebar counts the unread ones). */
export const on = {
  "notices-changed": (payload, visible) => {
    $("nav-notices").textContent = payload.unread ? String(payload.unread) : "";
    if (visible) load();
  },
};
