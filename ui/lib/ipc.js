// The Tauri commands the UI calls: one function per command, named after it; screens call these,
// never `invoke`. A tidy test compares this list with the shell's (src-tauri/build.rs and main.rs):
// keep each command on one line of exactly this form,
//   export const <command> = (input) => call("<command>", { input });   (a command taking input)
//   export const <command> = () => call("<command>");                   (a command taking none)

const tauri = window.__TAURI__;

/** Calls a Rust command. Every failure is a {code, message, field?, action?} written for the
 * shopkeeper. A command that needs a supervisor's or the owner's PIN (`approval_needed`) opens the
 * approval dialog (set by main.js through `whenPeopleNeeded`) and, once approved, runs once more
 * (once per action it waits for); a command refused because nobody is signed in shows the lock
 * screen. */
async function call(command, args) {
  // A sale may need two approvals (a price below the item's and a big discount): one each, never
  // the same action twice.
  const approved = new Set();
  for (;;) {
    try {
      return await invoke(command, args);
    } catch (e) {
      const action = e.code === "approval_needed" ? e.action : null;
      if (action && !approved.has(action) && people.approve && await people.approve(action, e.message)) {
        approved.add(action);
        continue;
      }
      if (e.code === "sign_in_needed" && people.signIn) people.signIn();
      throw e;
    }
  }
}

async function invoke(command, args) {
  try {
    return await tauri.core.invoke(command, args === undefined ? {} : args);
  } catch (e) {
    if (e && typeof e === "object" && "message" in e) throw e;
    throw { code: "internal", message: `The window could not get an answer from Duka (${String(e)}): close Duka and open it again.` };
  }
}

/** What the window does when a command needs a person: `approve(action, message)` asks an
 * approver and resolves true once `approve` succeeded (false when cancelled); `signIn()` shows the
 * lock screen. */
const people = { approve: null, signIn: null };

export function whenPeopleNeeded(handlers) {
  Object.assign(people, handlers);
}

/** Runs `handler(payload)` each time Rust pushes the event `name` (not a command). */
export async function listen(name, handler) {
  await tauri.event.listen(name, (ev) => handler(ev.payload));
}

export const till_ready = () => call("till_ready");
export const shop_status = () => call("shop_status");
export const start_training = () => call("start_training");
export const connect_device = (input) => call("connect_device", { input });
export const item_choices = () => call("item_choices");
export const find_items = (input) => call("find_items", { input });
export const scan_item = (input) => call("scan_item", { input });
export const quote_sale = (input) => call("quote_sale", { input });
export const make_sale = (input) => call("make_sale", { input });
export const lookup_buyer = (input) => call("lookup_buyer", { input });
export const receipt_preview = (input) => call("receipt_preview", { input });
export const print_receipt = (input) => call("print_receipt", { input });
export const wait_for_signature = (input) => call("wait_for_signature", { input });
export const receipts_to_hand_over = () => call("receipts_to_hand_over");
export const print_all_to_hand_over = () => call("print_all_to_hand_over");
export const list_sales = () => call("list_sales");
export const sale_detail = (input) => call("sale_detail", { input });
export const issue_credit_note = (input) => call("issue_credit_note", { input });
export const list_items = (input) => call("list_items", { input });
export const save_item = (input) => call("save_item", { input });
export const search_classes = (input) => call("search_classes", { input });
export const import_items_csv = (input) => call("import_items_csv", { input });
export const stock_levels = () => call("stock_levels");
export const adjust_stock = (input) => call("adjust_stock", { input });
export const stock_movements = (input) => call("stock_movements", { input });
export const set_reorder_level = (input) => call("set_reorder_level", { input });
export const list_purchases = () => call("list_purchases");
export const confirm_purchase = (input) => call("confirm_purchase", { input });
export const reject_purchase = (input) => call("reject_purchase", { input });
export const record_purchase = (input) => call("record_purchase", { input });
export const list_imports = () => call("list_imports");
export const accept_import = (input) => call("accept_import", { input });
export const reject_import = (input) => call("reject_import", { input });
export const sync_status = () => call("sync_status");
export const sync_now = () => call("sync_now");
export const refresh_lists = () => call("refresh_lists");
export const parked_documents = () => call("parked_documents");
export const retry_parked = (input) => call("retry_parked", { input });
export const list_notices = () => call("list_notices");
export const mark_notice_read = (input) => call("mark_notice_read", { input });
export const get_settings = () => call("get_settings");
export const save_settings = (input) => call("save_settings", { input });
export const save_cart = (input) => call("save_cart", { input });
export const load_cart = () => call("load_cart");
export const books_report = (input) => call("books_report", { input });
export const books_issue_z = (input) => call("books_issue_z", { input });
export const books_export = (input) => call("books_export", { input });
export const books_preview_items = (input) => call("books_preview_items", { input });
export const books_import_items = (input) => call("books_import_items", { input });
export const books_backups = () => call("books_backups");
export const books_backup_now = (input) => call("books_backup_now", { input });
export const books_stage_restore = (input) => call("books_stage_restore", { input });
export const needs_owner = () => call("needs_owner");
export const create_owner = (input) => call("create_owner", { input });
export const lock_screen_users = () => call("lock_screen_users");
export const sign_in = (input) => call("sign_in", { input });
export const sign_out = () => call("sign_out");
export const current_actor = () => call("current_actor");
export const approve = (input) => call("approve", { input });
export const list_users = () => call("list_users");
export const add_user = (input) => call("add_user", { input });
export const change_role = (input) => call("change_role", { input });
export const reset_pin = (input) => call("reset_pin", { input });
export const deactivate_user = (input) => call("deactivate_user", { input });
export const till_limits = () => call("till_limits");
export const save_till_limits = (input) => call("save_till_limits", { input });
