//! The request builders against domain documents: sales, credit notes, stock, purchases, imports.

use std::collections::BTreeMap;

use domain::{
    CreditNoteDraft, CreditNoteLineDraft, CreditNoteReason, Discount, ItemType, OriginalSale, PurchaseDraft,
    PurchaseLineDraft, PurchaseSource, SaleDraft, SaleLineDraft, StockPolicy,
};

use domain::{
    Date, DateTime, Invoice, InvoiceLine, Item, ItemCode, Money, PaymentType, Qty, StockMoveType, TaxBand, TaxRates,
};

use crate::wire::Counter;
use crate::wire::*;

fn rates() -> TaxRates {
    TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
}

fn item(seq: u32, band: TaxBand, item_type: ItemType, price_cents: i64) -> Item {
    let pkg_unit = if item_type == ItemType::Service { "OU" } else { "NT" };
    let parts = domain::ItemCodeParts {
        origin: "KE".into(),
        item_type,
        pkg_unit: pkg_unit.into(),
        qty_unit: "NO".into(),
        sequence: seq,
    };
    Item {
        code: ItemCode::build(&parts).unwrap(),
        name: format!("Item {seq}"),
        class_code: "1010150000".into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: pkg_unit.into(),
        qty_unit: "NO".into(),
        tax_band: band,
        default_price: Money::from_cents(price_cents),
        barcode: None,
        active: true,
    }
}

fn catalogue(items: &[Item]) -> BTreeMap<ItemCode, (Item, Qty)> {
    items.iter().map(|i| (i.code.clone(), (i.clone(), Qty::whole(100)))).collect()
}

fn at(s: &str) -> DateTime {
    DateTime::parse_kra(s).unwrap()
}

fn header(invc_no: u64) -> SaleHeader {
    SaleHeader {
        invc_no,
        trd_invc_no: format!("INV-{invc_no:04}"),
        confirmed_at: at("20260918110032"),
        receipt_published_at: at("20260918110032"),
        stock_released_at: None,
        user: UserStamp::by("till1", "Amina"),
        trade_name: None,
        address: None,
        top_message: None,
        bottom_message: None,
        buyer_mobile: None,
        remark: None,
    }
}

fn sale() -> (Invoice, Vec<Item>) {
    let goods = item(1, TaxBand::B, ItemType::Finished, 5_220_000);
    let service = item(2, TaxBand::D, ItemType::Service, 100_000);
    let draft = SaleDraft {
        lines: vec![
            SaleLineDraft { item: goods.code.clone(), qty: Qty::whole(2), unit_price: None, discount: Discount::None },
            SaleLineDraft {
                item: service.code.clone(),
                qty: Qty::whole(2),
                unit_price: None,
                discount: Discount::None,
            },
        ],
        buyer_pin: Some("P052581715V".into()),
        buyer_name: Some("Nyati Retail Systems Ltd".into()),
        payment: PaymentType::BankCheque,
    };
    let items = vec![goods, service];
    let invoice = draft.finalise(&catalogue(&items), &rates(), StockPolicy::Refuse).unwrap();
    (invoice, items)
}

#[test]
fn a_sale_sends_all_fifteen_band_fields_and_the_domain_amounts() {
    let (invoice, _) = sale();
    let request = TrnsSalesSaveWrReq::from_invoice(&invoice, &header(3)).unwrap();
    let json = serde_json::to_value(&request).unwrap();
    for band in ["A", "B", "C", "D", "E"] {
        for field in ["taxblAmt", "taxRt", "taxAmt"] {
            assert!(json.get(format!("{field}{band}")).is_some_and(|v| v.is_number()), "{field}{band}");
        }
    }
    // Lines shaped like the recorded 2026 sandbox invoice 3: 2 × 52 200 in B, a D service.
    assert_eq!(json["taxblAmtB"], 90_000);
    assert_eq!(json["taxAmtB"], 14_400);
    assert_eq!(json["taxblAmtD"], 2_000);
    assert_eq!(json["taxRtB"], 16);
    assert_eq!(json["taxRtE"], 0);
    assert_eq!(json["totAmt"], 106_400);
    assert_eq!(json["custTin"], "P052581715V");
    assert_eq!(json["receipt"]["custTin"], "P052581715V");
    assert_eq!(json["pmtTyCd"], "04");
    assert_eq!(json["salesDt"], "20260918");
    assert_eq!(json["orgInvcNo"], 0);
    assert_eq!(json["itemList"][0]["pkg"], 1);
    assert_eq!(json["itemList"][1]["taxTyCd"], "D");
}

#[test]
fn a_credit_note_names_its_sale_reason_and_refund_date() {
    let (invoice, _) = sale();
    let draft = CreditNoteDraft {
        reason: CreditNoteReason::Refund,
        buyer_pin: Some("P052581715V".into()),
        date: Date::new(2026, 9, 18).unwrap(),
        lines: vec![CreditNoteLineDraft { sale_line: 1, qty: Qty::whole(1) }],
    };
    let credited = BTreeMap::new();
    let original = OriginalSale { invoice: &invoice, date: Date::new(2026, 9, 18).unwrap(), credited: &credited };
    let note = draft.finalise(original, &rates()).unwrap();
    let request = TrnsSalesSaveWrReq::from_credit_note(&note, 3, &header(8)).unwrap();
    assert_eq!(request.rcpt_ty_cd, "R");
    assert_eq!(request.org_invc_no, 3);
    assert_eq!(request.invc_no, 8);
    assert_eq!(request.rfd_dt.as_deref(), Some("20260918000000"));
    assert_eq!(request.rfd_rsn_cd.as_deref(), Some("06"));
    assert_eq!(request.tot_amt.cents(), 5_220_000);
    assert_eq!(request.bands.taxbl_amt_b.cents(), 4_500_000);
    let e = TrnsSalesSaveWrReq::from_credit_note(&note, 0, &header(8)).unwrap_err();
    assert!(e.to_string().contains("send the sale first"), "{e}");
}

#[test]
fn bad_headers_are_refused_before_anything_is_sent() {
    let (invoice, _) = sale();
    let mut h = header(0);
    assert!(TrnsSalesSaveWrReq::from_invoice(&invoice, &h).is_err());
    h.invc_no = 1;
    h.user.modr_nm = String::new();
    let e = TrnsSalesSaveWrReq::from_invoice(&invoice, &h).unwrap_err();
    assert!(e.to_string().contains("modrNm"), "{e}");
    h.user = UserStamp::by("an-identifier-longer-than-twenty", "x");
    assert!(TrnsSalesSaveWrReq::from_invoice(&invoice, &h).is_err());
}

fn stock_header(kind: StockMoveType) -> StockHeader {
    StockHeader {
        sar_no: 4,
        org_sar_no: 0,
        kind,
        occurred_on: Date::new(2026, 9, 18).unwrap(),
        counterparty_pin: None,
        counterparty_name: None,
        counterparty_branch: None,
        remark: None,
        user: UserStamp::by("till1", "Amina"),
    }
}

#[test]
fn stock_for_a_sale_takes_only_goods_renumbered_with_their_amounts() {
    let (invoice, items) = sale();
    let request = StockIOSaveReq::from_document_lines(&stock_header(StockMoveType::Sale), &invoice.lines).unwrap();
    assert_eq!(request.sar_ty_cd, "11");
    assert_eq!(request.ocrn_dt, "20260918");
    assert_eq!(request.item_list.len(), 1);
    let line = &request.item_list[0];
    assert_eq!(line.item_seq, 1);
    assert_eq!(line.item_cd, items[0].code.to_string());
    assert_eq!((line.qty.hundredths(), line.pkg.hundredths()), (200, 200));
    assert_eq!(request.tot_amt.cents(), 10_440_000);
    assert_eq!(request.tot_taxbl_amt.cents() + request.tot_tax_amt.cents(), request.tot_amt.cents());
    let services_only: Vec<&InvoiceLine> = invoice.lines.iter().filter(|l| !l.item_type.carries_stock()).collect();
    let e = StockIOSaveReq::from_document_lines(&stock_header(StockMoveType::Sale), services_only).unwrap_err();
    assert!(e.to_string().contains("services carry no stock"), "{e}");
    let e =
        StockIOSaveReq::from_items(&stock_header(StockMoveType::AdjustmentIn), &[(&items[1], Qty::whole(1))], &rates())
            .unwrap_err();
    assert!(e.to_string().contains("service"), "{e}");
}

#[test]
fn a_purchase_names_own_items_and_keeps_supplier_codes_aside() {
    let own = item(7, TaxBand::B, ItemType::Finished, 10_000);
    let draft = PurchaseDraft {
        source: PurchaseSource::KraFeed,
        supplier_pin: Some("P052346401U".into()),
        supplier_name: Some("Gear Train Engineering Limited".into()),
        supplier_branch: Some("00".into()),
        supplier_invoice_no: Some(6),
        date: Date::new(2026, 9, 18).unwrap(),
        payment: PaymentType::Cash,
        lines: vec![PurchaseLineDraft {
            supplier_item_code: Some("KE1NTXU1000005".into()),
            supplier_item_name: "Product-B-5".into(),
            supplier_class_code: Some("5059690800".into()),
            qty: Qty::whole(1),
            unit_price: Money::from_cents(115_710),
            discount: Money::ZERO,
            band: TaxBand::B,
            own_item: Some(own.code.clone()),
        }],
        stated_total: None,
    };
    let purchase = draft.finalise(&catalogue(std::slice::from_ref(&own)), &rates()).unwrap();
    let h = PurchaseHeader {
        invc_no: 1,
        confirmed_at: Some(at("20260918110253")),
        remark: None,
        user: UserStamp::by("till1", "Amina"),
    };
    let request = TrnsPurchaseSaveReq::from_purchase(&purchase, &h).unwrap();
    assert_eq!(
        (request.reg_ty_cd.as_str(), request.rcpt_ty_cd.as_str(), request.pchs_stts_cd.as_str()),
        ("A", "P", "02")
    );
    assert_eq!(request.spplr_invc_no, Some(6));
    assert_eq!(request.pchs_dt, "20260918");
    let line = &request.item_list[0];
    assert_eq!(line.item_cd.as_deref(), Some(own.code.as_str()));
    assert_eq!(line.spplr_item_cd.as_deref(), Some("KE1NTXU1000005"));
    assert_eq!(line.sply_amt.cents(), 115_710);
    assert_eq!(line.taxbl_amt.cents() + line.tax_amt.cents(), line.tot_amt.cents());
    assert_eq!(request.tot_amt.cents(), 115_710);
}

#[test]
fn an_import_decision_sends_dcl_de_back_unchanged_with_a_remark() {
    let own = item(9, TaxBand::B, ItemType::Finished, 10_000);
    let import = ImportItem {
        task_cd: Some("20230209030843".into()),
        dcl_de: Some("01022023".into()),
        item_seq: Some(Counter(1)),
        hs_cd: Some("63079000".into()),
        ..ImportItem::default()
    };
    let user = UserStamp::by("till1", "Amina");
    let request = ImportItemUpdateReq::decide(&import, &own, true, "  ", &user).unwrap();
    assert_eq!(request.dcl_de, "01022023");
    assert_eq!(request.impt_item_stts_cd, "3");
    assert_eq!(request.remark.as_deref(), Some("Approved"));
    let json = serde_json::to_value(&request).unwrap();
    assert!(json.get("imptItemSttsCd").is_some(), "capital S in the request");
    let rejected = ImportItemUpdateReq::decide(&import, &own, false, "wrong goods", &user).unwrap();
    assert_eq!((rejected.impt_item_stts_cd.as_str(), rejected.remark.as_deref()), ("4", Some("wrong goods")));
    let incomplete = ImportItem { hs_cd: None, ..import };
    let e = ImportItemUpdateReq::decide(&incomplete, &own, true, "ok", &user).unwrap_err();
    assert!(e.to_string().contains("hsCd"), "{e}");
}
