//! Fixtures for the unit tests: a shop with KRA's reference data stored but no KRA link (every
//! use case that does not talk to KRA works on it).

use store::reference::{Code, CodeClass};

use crate::{AppOptions, Duka, NewItem, SaleLineRequest, SaleRequest};

fn code(class: &str, code: &str, rate: Option<&str>) -> Code {
    Code {
        class: class.into(),
        code: code.into(),
        name: code.into(),
        description: None,
        in_use: true,
        sort_order: None,
        user_codes: [rate.map(Into::into), None, None],
    }
}

/// The owner every fixture shop has, signed in (named as `AppOptions::user` by default).
pub(crate) const OWNER: &str = "duka";
pub(crate) const OWNER_PIN: &str = "2468";

/// A shop in a temporary folder, its owner signed in, with the code lists (rates A 0, B 16, C 0, D 0, E 8; KE/UG;
/// units NO, KG, U; packaging NT, BG) stored, and no device.
pub(crate) async fn shop() -> (Duka, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner(OWNER, OWNER_PIN).unwrap();
    let classes: Vec<CodeClass> = ["04", "05", "10", "17"]
        .iter()
        .map(|c| CodeClass {
            class: (*c).into(),
            name: (*c).into(),
            description: None,
            in_use: true,
            user_names: [None, None, None],
        })
        .collect();
    let mut codes = vec![];
    for (band, rate) in [("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")] {
        codes.push(code("04", band, Some(rate)));
    }
    for c in ["KE", "UG"] {
        codes.push(code("05", c, None));
    }
    for u in ["NO", "KG", "U"] {
        codes.push(code("10", u, None));
    }
    for p in ["NT", "BG"] {
        codes.push(code("17", p, None));
    }
    duka.store().write(|tx| store::reference::save_code_list(tx, &classes, &codes)).unwrap();
    (duka, dir)
}

pub(crate) fn new_item(name: &str, price_cents: i64) -> NewItem {
    NewItem {
        name: name.into(),
        class_code: "5016150000".into(),
        item_type: domain::ItemType::Finished,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: domain::TaxBand::B,
        price: domain::Money::from_cents(price_cents),
        barcode: None,
    }
}

/// A sale line of `q` whole units of `item` at its own price, no discount.
pub(crate) fn line(item: &str, q: i64) -> SaleLineRequest {
    SaleLineRequest { item: item.into(), qty: domain::Qty::whole(q), price: None, discount: domain::Discount::None }
}

/// A cash sale of `lines` with no buyer.
pub(crate) fn sale(lines: Vec<SaleLineRequest>) -> SaleRequest {
    SaleRequest { lines, buyer_pin: None, buyer_name: None, payment: domain::PaymentType::Cash }
}
