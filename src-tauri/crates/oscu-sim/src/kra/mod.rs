//! KRA's side of every OSCU function: checks a request the way KRA checks it and, when it is
//! accepted, writes it into the books. Each refusal carries KRA's result code and message.

mod amounts;
mod device;
mod lookups;
mod master;
mod purchases;
mod sales;
mod schema;
mod stock;

use serde_json::Value;

use crate::{
    books::Books,
    fields::{self, Field},
    function::{Function, Host},
    reference::Reference,
};

pub use device::{DeviceIssue, initialise};
pub use master::{import_key, next_item_sequence};
pub use purchases::supplier_sale_key;

/// A refusal: KRA's result code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    /// 910: a request parameter is missing or wrong (field, format, rule, sequence).
    pub fn param(message: impl Into<String>) -> Refusal {
        Refusal { code: "910", message: message.into() }
    }
    /// 994: the document is already recorded.
    pub fn duplicate(message: impl Into<String>) -> Refusal {
        Refusal { code: "994", message: message.into() }
    }
}

/// The books could not be read: KRA's "unknown error" (the call is not recorded).
impl From<crate::Error> for Refusal {
    fn from(e: crate::Error) -> Refusal {
        Refusal { code: "999", message: format!("Unknown error, contact KRA: {e}") }
    }
}

/// A successful answer: `000` with data (or `null` for writes), or `001` (nothing found).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Data(Value),
    Empty,
}

pub type Answer = Result<Reply, Refusal>;

/// Who is calling: the branch and device the three headers identified.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tin: String,
    pub bhf_id: String,
    pub device_key: String,
}

/// Everything a handler needs.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub books: &'a mut Books,
    pub reference: &'a Reference,
    pub host: Host,
    /// The call's time, `YYYYMMDDhhmmss` EAT.
    pub now: String,
    pub caller: Caller,
}

impl Ctx<'_> {
    pub fn check(&self, fields: &[Field], body: &Value) -> Result<(), Refusal> {
        fields::first_problem(fields, body, self.reference).map_or(Ok(()), |m| Err(Refusal::param(m)))
    }

    pub fn tin(&self) -> &str {
        &self.caller.tin
    }

    pub fn bhf(&self) -> &str {
        &self.caller.bhf_id
    }

    /// `tin/bhfId/` prefix of this branch's records.
    pub fn branch_prefix(&self) -> String {
        format!("{}/{}/", self.caller.tin, self.caller.bhf_id)
    }
}

/// Runs an authenticated function (everything but initialisation).
pub fn handle(function: Function, ctx: &mut Ctx<'_>, body: &Value) -> Answer {
    if ctx.host == Host::Gateway && function.gateway_wants_identity_in_body() {
        match body.get("tin").and_then(Value::as_str) {
            None | Some("") => return Err(Refusal::param("Missing Tin: tin cannot be Null")),
            Some(t) if t != ctx.tin() => {
                return Err(Refusal::param(format!("tin in the body ({t}) does not match the tin header")));
            }
            Some(_) => {}
        }
        match body.get("bhfId").and_then(Value::as_str) {
            None | Some("") => return Err(Refusal::param("bhfId cannot be Null")),
            Some(b) if b != ctx.bhf() => {
                return Err(Refusal::param(format!("bhfId in the body ({b}) does not match the bhfId header")));
            }
            Some(_) => {}
        }
    }
    match function {
        Function::Initialize => Err(Refusal::param("selectInitOsdcInfo is handled before authentication")),
        Function::SelectCodeList => lookups::code_list(ctx, body),
        Function::SelectItemClsList => lookups::item_class_list(ctx, body),
        Function::SelectCustomer => lookups::customer(ctx, body),
        Function::SelectBhfList => lookups::branch_list(ctx, body),
        Function::SelectNoticeList => lookups::notice_list(ctx, body),
        Function::SelectTaxpayerInfo => lookups::taxpayer_info(ctx),
        Function::SelectCustomerList => lookups::customer_list(ctx, body),
        Function::SaveBhfCustomer => master::save_customer(ctx, body),
        Function::SaveBhfUser => master::save_user(ctx, body),
        Function::SaveBhfInsurance => master::save_insurance(ctx, body),
        Function::SaveItem => master::save_item(ctx, body),
        Function::SelectItemList => master::item_list(ctx, body),
        Function::SaveItemComposition => master::save_composition(ctx, body),
        Function::SelectImportItemList => master::import_list(ctx, body),
        Function::UpdateImportItem => master::update_import(ctx, body),
        Function::SaveTrnsSalesOsdc => sales::save(ctx, body),
        Function::SelectInvoiceDetails => sales::invoice_details(ctx, body),
        Function::SelectSalesTransactions => sales::transactions(ctx, body),
        Function::SelectTrnsPurchaseSalesList => purchases::supplier_sales(ctx, body),
        Function::InsertTrnsPurchase => purchases::insert(ctx, body),
        Function::SelectStockMoveList => stock::move_list(ctx, body),
        Function::InsertStockIO => stock::insert_io(ctx, body),
        Function::SaveStockMaster => stock::save_master(ctx, body),
    }
}

/// A list answer: `000` with `{key: list}`, or `001` when the list is empty.
pub(crate) fn list_reply(key: &str, list: Vec<Value>) -> Answer {
    if list.is_empty() {
        Ok(Reply::Empty)
    } else {
        let mut data = serde_json::Map::new();
        data.insert(key.to_owned(), Value::Array(list));
        Ok(Reply::Data(Value::Object(data)))
    }
}

/// The `lastReqDt` of a list call (checked by the list's fields).
pub(crate) fn last_req_dt(body: &Value) -> &str {
    body.get("lastReqDt").and_then(Value::as_str).unwrap_or("")
}

/// Key of an item registered by a PIN (items belong to the taxpayer, not the branch).
pub(crate) fn item_key(tin: &str, item_cd: &str) -> String {
    format!("{tin}/{item_cd}")
}

/// The registered item, or KRA's "not in your inventory" refusal.
pub(crate) fn registered_item(books: &Books, tin: &str, item_cd: &str) -> Result<Value, Refusal> {
    books.get(crate::books::kind::ITEM, &item_key(tin, item_cd))?.map(|r| r.body).ok_or_else(|| {
        Refusal::param(format!(
            "Item {item_cd} does not exist in your inventory. Register it with saveItem before using it"
        ))
    })
}

/// Checks the arithmetic of a sale-shaped document (lines, bands, totals) as KRA checks a sale:
/// used on the admin feed so a supplier's sale is one KRA could have accepted.
pub fn check_document_amounts(body: &Value, reference: &Reference) -> Result<(), Refusal> {
    amounts::check_numbering(body)?;
    let mut lines = Vec::new();
    for (i, line) in fields::Read::lines(body).iter().enumerate() {
        lines.push(amounts::check_line(line, i + 1, reference.rates(), amounts::Discount::RateAndAmount)?);
    }
    let totals = amounts::totals(reference.rates(), &lines)?;
    amounts::check_bands(body, &totals)?;
    amounts::check_totals(body, &totals)
}

/// The sequence refusal shared by sales, credit notes and purchases.
pub(crate) fn invc_no_sequence(expected: u64, found: u64) -> Refusal {
    Refusal::param(format!("Invalid invcNo sequence, expected: {expected} but found: {found}"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use domain::{
        Discount, Item, ItemCode, ItemCodeParts, ItemType, Money, PaymentType, Qty, SaleDraft, SaleLineDraft,
        StockPolicy, TaxBand,
    };
    use oscu::wire::{SaleHeader, TrnsSalesSaveWrReq, UserStamp};

    use super::*;

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }
    }

    fn random_sale(dice: &mut Dice) -> Value {
        let mut catalogue: BTreeMap<ItemCode, (Item, Qty)> = BTreeMap::new();
        let mut lines = Vec::new();
        for seq in 1..=(1 + dice.roll(6)) as u32 {
            let band = TaxBand::ALL[dice.roll(5) as usize];
            let code = ItemCode::build(&ItemCodeParts {
                origin: "KE".into(),
                item_type: ItemType::Finished,
                pkg_unit: "NT".into(),
                qty_unit: "NO".into(),
                sequence: seq,
            })
            .unwrap();
            let item = Item {
                code: code.clone(),
                name: format!("Item {seq}"),
                class_code: "5020230000".into(),
                item_type: ItemType::Finished,
                origin: "KE".into(),
                pkg_unit: "NT".into(),
                qty_unit: "NO".into(),
                tax_band: band,
                default_price: Money::from_cents(1 + dice.roll(10_000_000) as i64),
                barcode: None,
                active: true,
            };
            catalogue.insert(code.clone(), (item, Qty::whole(1_000_000)));
            let discount = match dice.roll(3) {
                0 => Discount::None,
                1 => Discount::Percent(dice.roll(5_001) as i64),
                _ => Discount::Amount(Money::from_cents(dice.roll(100) as i64)),
            };
            lines.push(SaleLineDraft {
                item: code,
                qty: Qty::from_hundredths(1 + dice.roll(100_000) as i64),
                unit_price: None,
                discount,
            });
        }
        let draft = SaleDraft { lines, buyer_pin: None, buyer_name: None, payment: PaymentType::Cash };
        let rates = Reference::builtin().unwrap().rates().clone();
        let invoice = draft.finalise(&catalogue, &rates, StockPolicy::AllowNegative).unwrap();
        let at = domain::DateTime::parse_kra("20261121101500").unwrap();
        let header = SaleHeader {
            invc_no: 1,
            trd_invc_no: "T-1".into(),
            confirmed_at: at,
            receipt_published_at: at,
            stock_released_at: None,
            user: UserStamp::by("u", "U"),
            trade_name: None,
            address: None,
            top_message: None,
            bottom_message: None,
            buyer_mobile: None,
            remark: None,
        };
        serde_json::to_value(TrnsSalesSaveWrReq::from_invoice(&invoice, &header).unwrap()).unwrap()
    }

    #[test]
    fn the_simulator_accepts_exactly_the_arithmetic_the_domain_produces() {
        let reference = Reference::builtin().unwrap();
        let mut dice = Dice(0x5EED_CAFE_F00D);
        for round in 0..400 {
            let sale = random_sale(&mut dice);
            assert_eq!(check_document_amounts(&sale, &reference), Ok(()), "round {round}: {sale}");
            // One cent off anywhere is refused.
            let lines = sale["itemList"].as_array().unwrap().len() as u64;
            let line = dice.roll(lines) as usize;
            let field = ["taxblAmt", "taxAmt", "totAmt", "splyAmt"][dice.roll(4) as usize];
            let mut off = sale.clone();
            let cents = fields::hundredths(&off["itemList"][line][field]).unwrap();
            off["itemList"][line][field] = serde_json::json!((cents + 1) as f64 / 100.0);
            assert!(check_document_amounts(&off, &reference).is_err(), "round {round}: {field} of line {line}");
        }
    }
}
