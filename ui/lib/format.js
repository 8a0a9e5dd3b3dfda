// Formats the exact decimal strings and dates Rust sends for people to read; no floating point.

/** "1234.5" -> "1,234.50": formats the exact decimal strings Rust sends, no floating point. */
export function money(s) {
  if (s === null || s === undefined || s === "") return "";
  let [whole, frac = ""] = String(s).split(".");
  const neg = whole.startsWith("-");
  if (neg) whole = whole.slice(1);
  whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "−" : "") + whole + "." + (frac + "00").slice(0, 2);
}

/** "2.00" -> "2", "1.50" -> "1.5" for quantities. */
export function qty(s) {
  if (s === null || s === undefined) return "";
  const str = String(s);
  return str.includes(".") ? str.replace(/0+$/, "").replace(/\.$/, "") : str;
}

/** "2" -> "3", "1.5" -> "2.5": whole-unit increment of a decimal string without floats. */
export function addOne(s) {
  const [w, f] = String(s).split(".");
  return String(Number(w) + 1) + (f ? "." + f : "");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Any date Rust or KRA sends ("20261121", "20261121143005", "2026-11-21", "2026-11-21 14:30:05")
 * -> "21 Nov 2026" or "21 Nov 2026 14:30". Text that is not a date is shown as it came. */
export function when(s) {
  if (!s) return "";
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?\d{2})?)?/.exec(String(s).trim());
  if (!m || +m[2] < 1 || +m[2] > 12) return String(s);
  const day = `${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]}`;
  return m[4] ? `${day} ${m[4]}:${m[5]}` : day;
}

/** The value of a date input ("2026-11-21") as Rust takes it ("20261121"), or null when empty. */
export function day(input) {
  return input.value ? input.value.replaceAll("-", "") : null;
}

/** Today in Kenya (EAT, UTC+3 all year), the calendar the shop's documents are dated in: "2026-11-21". */
export function todayInKenya() {
  return new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 10);
}
