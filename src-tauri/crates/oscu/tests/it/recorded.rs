//! Every recorded KRA exchange in `tests/data/recorded` (public examples, see its README) read into
//! the typed models, with key values checked; and our own requests for the recorded accepted ones
//! (sale, stock movement, item) compared with them field for field.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions unwrap recorded data on purpose

use std::{collections::BTreeMap, fs, path::Path};

use domain::{
    Catalogue as _, Date, DateTime, Discount, Item, ItemCode, ItemType, Money, PaymentType, Qty, SaleDraft,
    SaleLineDraft, StockMoveType, StockPolicy, TaxBand, TaxRates,
};
use oscu::{
    Error, Function, Retry,
    response::{self, Door},
    time::{parse_date, parse_date_time, parse_dcl_de},
    wire::{
        Branch, BranchCustomerListData, BranchListData, CodeListData, DeviceVerificationReq, ImportItemListData,
        ItemClassListData, ItemListData, ItemSaveReq, NoticeListData, PurchaseSaleListData, SaleHeader, SalesListData,
        StockHeader, StockIOSaveReq, TaxpayerInfoData, TrnsSalesSaveWrReq, TrnsSalesSaveWrResData, UserStamp,
    },
};
use serde::de::DeserializeOwned;
use serde_json::Value;

const RECORDED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/recorded");

fn load(name: &str) -> Value {
    let path = Path::new(RECORDED).join(name);
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read recorded file {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// The KRA envelope of a recorded answer (inside the integrator's `rawResponse` when present).
fn envelope(file: &Value) -> Vec<u8> {
    let response = &file["response"];
    let inner = if response.get("rawResponse").is_some() { &response["rawResponse"] } else { response };
    serde_json::to_vec(inner).unwrap()
}

fn read<T: DeserializeOwned>(name: &str, function: Function) -> Option<T> {
    let door = if name.starts_with("s2b-gw") { Door::Gateway } else { Door::Direct };
    response::read(function, door, 200, &envelope(&load(name)), &[])
        .unwrap_or_else(|e| panic!("{name} did not read as {function}: {e}"))
}

fn date_time(s: Option<&str>) -> String {
    parse_date_time(s.expect("a date-time")).unwrap().kra()
}

fn sales_transactions(name: &str) {
    let data: SalesListData = read(name, Function::SelectSalesTransactions).expect("data");
    assert_eq!(data.sales_list.len(), 8);
    for (i, sale) in data.sales_list.iter().enumerate() {
        let receipt = sale.receipt.as_ref().expect("receipt");
        let n = u64::try_from(i + 1).unwrap();
        assert_eq!(sale.invc_no.get(), n);
        assert_eq!(receipt.cur_rcpt_no.map(|c| c.get()), Some(n), "curRcptNo \"{n}\" reads as {n}");
        assert_eq!(receipt.intrl_data.as_deref().map(str::len), Some(26));
        assert_eq!(receipt.rcpt_sign.as_deref().map(str::len), Some(16));
        // Header totals are sums of the lines (SPEC §9.2), in integer cents.
        let sum = |f: fn(&oscu::wire::SalesReadBackItem) -> Option<oscu::wire::Amount>| {
            sale.item_list.iter().map(|l| f(l).expect("amount").cents()).sum::<i64>()
        };
        assert_eq!(sum(|l| l.taxbl_amt), sale.tot_taxbl_amt.cents(), "invoice {n}");
        assert_eq!(sum(|l| l.tax_amt), sale.tot_tax_amt.cents(), "invoice {n}");
        assert_eq!(sum(|l| l.tot_amt), sale.tot_amt.cents(), "invoice {n}");
        assert_eq!(sale.tot_taxbl_amt.cents() + sale.tot_tax_amt.cents(), sale.tot_amt.cents());
    }
    let first = &data.sales_list[0];
    assert_eq!(date_time(first.cfm_dt.as_deref()), "20260918030000");
    assert_eq!(date_time(first.receipt.as_ref().unwrap().sdc_date_time.as_deref()), "20260918110032");
    assert_eq!(first.bands.taxbl_amt_b.cents(), 9_000_000);
    assert_eq!(first.bands.tax_rt_b.hundredths(), 1600);
    assert_eq!(first.bands.tax_rt_e.hundredths(), 0);
    let credit = &data.sales_list[7];
    assert_eq!(credit.rcpt_ty_cd.as_deref(), Some("R"));
    assert_eq!(credit.org_invc_no.map(|c| c.get()), Some(3));
    assert_eq!(credit.rfd_rsn_cd.as_deref(), Some("06"));
    assert_eq!(date_time(credit.rfd_dt.as_deref()), "20260918000000");
}

fn invoice_detail_gateway(name: &str) {
    let data: SalesListData = read(name, Function::SelectInvoiceDetails).expect("data");
    let sale = &data.sales_list[0];
    assert_eq!(sale.invc_no.get(), 3);
    let receipt = sale.receipt.as_ref().unwrap();
    assert_eq!(receipt.cur_rcpt_no.unwrap().get(), 3);
    assert_eq!(receipt.tot_rcpt_no.unwrap().get(), 3);
    assert_eq!(receipt.rcpt_sign.as_deref(), Some("SZBBFW4DCZ7HAGPH"));
    assert_eq!(receipt.intrl_data.as_deref(), Some("QM67VCKTFUM7EXGXHV5FMBJ7FI"));
    assert_eq!(date_time(receipt.sdc_date_time.as_deref()), "20260918110036");
    assert_eq!(receipt.rpt_no.map(|c| c.get()), Some(1));
    assert_eq!(sale.tot_amt.cents(), 17_020_000);
    assert_eq!(sale.item_list[0].qty.unwrap().qty(), Qty::whole(2));
    assert_eq!(sale.item_list[0].prc.unwrap().money(), Money::from_cents(5_220_000));
}

fn invoice_details_legacy(name: &str) {
    let data: SalesListData = read(name, Function::SelectInvoiceDetails).expect("data");
    let sale = &data.sales_list[0];
    assert_eq!(sale.invc_no.get(), 2);
    assert_eq!(sale.item_list[0].item_cd, None, "itemCd false reads as no code");
    assert_eq!(sale.item_list[0].dc_rt.unwrap().hundredths(), 1000);
    assert_eq!(sale.item_list[0].tot_amt.unwrap().cents(), 104);
    assert_eq!(sale.bands.tax_rt_e.hundredths(), 800);
    let receipt = sale.receipt.as_ref().unwrap();
    assert_eq!(receipt.cur_rcpt_no.unwrap().get(), 169, "curRcptNo as a number");
    assert_eq!(date_time(receipt.sdc_date_time.as_deref()), "20240415153039");
    assert_eq!(date_time(receipt.rcpt_pbct_dt.as_deref()), "20240415030000");
}

fn sale_reply_legacy(name: &str) {
    let data: TrnsSalesSaveWrResData = read(name, Function::SaveTrnsSalesOsdc).expect("data");
    assert_eq!(data.cur_rcpt_no.get(), 169);
    assert_eq!(data.tot_rcpt_no.get(), 169);
    assert_eq!(data.intrl_data, "GRKJVWYCFBPTYQ225X2UEYONVE");
    assert_eq!(parse_date_time(&data.sdc_date_time).unwrap().kra(), "20240415153039");
}

fn import_items(name: &str, dcl_no: &str, fcur_cents: i64) {
    let data: ImportItemListData = read(name, Function::SelectImportItemList).expect("data");
    let item = &data.item_list[0];
    let d = parse_dcl_de(item.dcl_de.as_deref().unwrap()).unwrap();
    assert_eq!((d.year(), d.month(), d.day()), (2023, 2, 1), "dclDe is DDMMYYYY");
    assert_eq!(item.impt_itemstts_cd.as_deref(), Some("2"));
    assert_eq!(item.dcl_no.as_deref(), Some(dcl_no));
    assert_eq!(item.item_seq.unwrap().get(), 1);
    assert_eq!(item.invc_fcur_amt.unwrap().cents(), fcur_cents);
    assert_eq!(item.invc_fcur_excrt.unwrap().cents(), 13_573);
}

fn code_list(name: &str) {
    let data: CodeListData = read(name, Function::SelectCodeList).expect("data");
    let tax = data.cls_list.iter().find(|c| c.cd_cls.as_deref() == Some("04")).expect("class 04");
    let rows: Vec<(&str, &str)> =
        tax.dtl_list.iter().map(|d| (d.cd.as_deref().unwrap(), d.user_dfn_cd1.as_deref().unwrap())).collect();
    let rates = TaxRates::from_code_list(rows).unwrap();
    assert_eq!(rates.rate(TaxBand::B).hundredths(), 1600);
    assert_eq!(rates.rate(TaxBand::E).hundredths(), 800);
    assert_eq!(tax.dtl_list[3].srt_ord.unwrap().get(), 4);
    assert_eq!(data.cls_list[1].dtl_list.len(), 5);
}

fn item_classes(name: &str) {
    let data: ItemClassListData = read(name, Function::SelectItemClsList).expect("data");
    assert_eq!(data.item_cls_list.len(), 3);
    assert_eq!(data.item_cls_list[1].item_cls_cd.as_deref(), Some("99010000"));
    assert_eq!(data.item_cls_list[2].item_cls_lvl.unwrap().get(), 3);
    assert_eq!(data.item_cls_list[0].tax_ty_cd, None);
}

fn no_data(name: &str, function: Function) {
    let data: Option<Value> = read(name, function);
    assert_eq!(data, None, "{name}: 001 and save replies carry no data and are not errors");
}

fn branches_legacy(name: &str) {
    let data: BranchListData = read(name, Function::SelectBhfList).expect("data");
    assert_eq!(data.bhf_list.len(), 3);
    assert_eq!(data.bhf_list[0].hq_yn.as_deref(), Some("Y"));
    assert_eq!(data.bhf_list[0].loc_desc, None);
    assert_eq!(data.bhf_list[2].bhf_id.as_deref(), Some("02"));
}

fn branches_timx(name: &str) {
    let list: Vec<Branch> = serde_json::from_value(load(name)["bhfList"].clone()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].tin.as_deref(), Some("P051109817X"));
    assert_eq!(list[0].loc_desc.as_deref(), Some(""));
    assert_eq!(list[0].bhf_stts_cd.as_deref(), Some("01"));
}

fn notices(name: &str, first_no: u64) {
    let data: NoticeListData = read(name, Function::SelectNoticeList).expect("data");
    let first = &data.notice_list[0];
    assert_eq!(first.notice_no.unwrap().get(), first_no);
    assert!(parse_date_time(first.reg_dt.as_deref().unwrap()).unwrap().date().year() >= 2024);
    if name.starts_with("s2b") {
        assert!(first.cont.as_deref().unwrap().contains("\r\n"));
    }
}

fn items(name: &str, count: usize) {
    let data: ItemListData = read(name, Function::SelectItemList).expect("data");
    assert_eq!(data.item_list.len(), count);
    for item in &data.item_list {
        assert!(item.item_cd.as_deref().is_some_and(|c| !c.is_empty()));
        assert!(item.dft_prc.is_some());
        assert_eq!(item.rra_mod_yn.as_deref(), Some("N"));
    }
}

fn purchase_sales(name: &str, count: usize, first_invoice: u64, cfm: &str) {
    let data: PurchaseSaleListData = read(name, Function::SelectTrnsPurchaseSalesList).expect("data");
    assert_eq!(data.sale_list.len(), count);
    let first = &data.sale_list[0];
    assert_eq!(first.spplr_invc_no.get(), first_invoice);
    assert_eq!(date_time(first.cfm_dt.as_deref()), cfm);
    assert!(parse_date(first.sales_dt.as_deref().unwrap()).is_ok());
    assert!(first.spplr_sdc_id.is_some() && first.spplr_mrc_no.is_some());
    for sale in &data.sale_list {
        assert_eq!(sale.item_list.len(), usize::try_from(sale.tot_item_cnt.unwrap().get()).unwrap());
    }
}

fn taxpayer(name: &str) {
    let data: TaxpayerInfoData = read(name, Function::SelectTaxpayerInfo).expect("data");
    let info = data.info.unwrap();
    assert_eq!(info.taxpr_nm.as_deref(), Some("Gear Train Engineering Limited"));
    assert_eq!(info.vat_ty_cd.as_deref(), Some("1"));
}

fn branch_customers(name: &str) {
    let data: BranchCustomerListData = read(name, Function::SelectCustomerList).expect("data");
    assert_eq!(data.cust_list[0].cust_no.as_deref(), Some("C0001"));
    assert_eq!(data.cust_list[0].cust_tin.as_deref(), Some("P052581715V"));
    assert_eq!(data.cust_list[0].modr_id, None);
}

fn initialize_error(name: &str) {
    let file = load(name);
    let request: DeviceVerificationReq = serde_json::from_value(file["request"].clone()).unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap(), file["request"]);
    let body = serde_json::to_vec(&file["response"]).unwrap();
    for status in [200, 400] {
        let e = response::read_init(Door::Gateway, status, &body, &[]).unwrap_err();
        assert!(matches!(e, Error::Gateway { status: 400, .. }), "{e:?}");
        assert!(e.kra_message().unwrap().contains("Query did not return a unique result: 4 results"));
        assert_eq!(e.retry(), Retry::Never);
        // A damaged device record: KRA's own words explain it best (SPEC §13.4).
        assert_eq!(e.refusal(), Some(oscu::Refusal::Other));
    }
}

/// Our serialisation of the recorded request equals the recorded JSON, key for key.
fn round_trip<T: DeserializeOwned + serde::Serialize>(name: &str) -> T {
    let file = load(name);
    let typed: T = serde_json::from_value(file["request"].clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(serde_json::to_value(&typed).unwrap(), file["request"], "{name} round trip");
    typed
}

fn odoo_sale_request(name: &str) {
    // The test fixture marks values it does not compare with "___ignore___"; the numeric one
    // gets a number so the typed model can read the rest.
    let mut request = load(name)["request"].clone();
    request["invcNo"] = Value::from(2);
    let typed: TrnsSalesSaveWrReq = serde_json::from_value(request).unwrap();
    assert_eq!(typed.sales_ty_cd, None);
    assert_eq!(typed.pmt_ty_cd.as_deref(), Some(""));
    assert_eq!(typed.bands.tax_rt_e.hundredths(), 800);
    assert_eq!(typed.tot_amt.cents(), 104);
    assert_eq!(typed.item_list[0].dc_amt.cents(), 10);
    assert_eq!(typed.receipt.cust_tin.as_deref(), Some("A000123456F"));
}

fn rates() -> TaxRates {
    TaxRates::from_code_list([("A", "0"), ("B", "16"), ("C", "0"), ("D", "0"), ("E", "8")]).unwrap()
}

fn item(code: &str, class: &str, name: &str, price_cents: i64) -> Item {
    Item {
        code: ItemCode::parse(code).unwrap(),
        name: name.into(),
        class_code: class.into(),
        item_type: ItemType::Finished,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: TaxBand::B,
        default_price: Money::from_cents(price_cents),
        barcode: None,
        active: true,
    }
}

fn at(kra: &str) -> DateTime {
    DateTime::parse_kra(kra).unwrap()
}

fn sale_request_accepted(name: &str) {
    let recorded: TrnsSalesSaveWrReq = round_trip(name);
    // The same sale built from the domain: one "Test Item" at 100.00 in band B.
    let test_item = item("KE2NTNO0000001", "1010150000", "Test Item", 10_000);
    let mut catalogue = BTreeMap::new();
    catalogue.insert(test_item.code.clone(), (test_item.clone(), Qty::whole(5)));
    assert_eq!(catalogue.on_hand(&test_item.code), Qty::whole(5));
    let draft = SaleDraft {
        lines: vec![SaleLineDraft {
            item: test_item.code.clone(),
            qty: Qty::whole(1),
            unit_price: None,
            discount: Discount::None,
        }],
        buyer_pin: None,
        buyer_name: None,
        payment: PaymentType::Cash,
    };
    let invoice = draft.finalise(&catalogue, &rates(), StockPolicy::Refuse).unwrap();
    let header = SaleHeader {
        invc_no: 1,
        trd_invc_no: "INV-0001".into(),
        confirmed_at: at("20260811103000"),
        receipt_published_at: at("20260811103000"),
        stock_released_at: Some(at("20260811103000")),
        user: UserStamp::by("sync2books", "sync2books"),
        trade_name: Some("<Trader Invoicing System Name>".into()),
        address: None,
        top_message: None,
        bottom_message: None,
        buyer_mobile: None,
        remark: None,
    };
    let built = TrnsSalesSaveWrReq::from_invoice(&invoice, &header).unwrap();
    assert_eq!(built, recorded);
    assert_eq!(serde_json::to_value(&built).unwrap(), load(name)["request"], "built sale equals the accepted request");
}

fn stock_request_accepted(name: &str) {
    let recorded: StockIOSaveReq = round_trip(name);
    let goods = item("KE2NTNO0000006", "1010150100", "Final Verify Item", 10_000);
    let header = StockHeader {
        sar_no: 1,
        org_sar_no: 0,
        kind: StockMoveType::ProcessingIn,
        occurred_on: Date::new(2026, 8, 12).unwrap(),
        counterparty_pin: None,
        counterparty_name: None,
        counterparty_branch: None,
        remark: Some("MANUAL_ADJUST".into()),
        user: UserStamp::by("sync2books", "sync2books"),
    };
    let built = StockIOSaveReq::from_items(&header, &[(&goods, Qty::whole(10))], &rates()).unwrap();
    assert_eq!(built, recorded);
    assert_eq!(serde_json::to_value(&built).unwrap(), load(name)["request"]);
}

fn item_request_accepted(name: &str) {
    let recorded: ItemSaveReq = round_trip(name);
    let test_item = item("KE2NTNO0000001", "1010150000", "Test Item", 10_000);
    let built = ItemSaveReq::from_item(&test_item, &UserStamp::by("Admin", "Admin")).unwrap();
    assert_eq!(built, recorded);
    no_data(name, Function::SaveItem);
}

type Check = fn(&str);

fn checks() -> Vec<(&'static str, Check)> {
    vec![
        ("odoo-legacy-saveTrnsSalesOsdc-request-expected.json", odoo_sale_request),
        ("odoo-legacy-saveTrnsSalesOsdc-success.json", sale_reply_legacy),
        ("odoo-legacy-selectBhfList.json", branches_legacy),
        ("odoo-legacy-selectCodeList-excerpt.json", code_list),
        ("odoo-legacy-selectCustomer-001.json", |n| no_data(n, Function::SelectCustomer)),
        ("odoo-legacy-selectImportItemList.json", |n| import_items(n, "23NBOIM401172243", 507_675)),
        ("odoo-legacy-selectInvoiceDetails.json", invoice_details_legacy),
        ("odoo-legacy-selectItemClsList-excerpt.json", item_classes),
        ("odoo-legacy-selectItemList.json", |n| items(n, 1)),
        ("odoo-legacy-selectNoticeList.json", |n| notices(n, 26)),
        ("odoo-legacy-selectStockMoveList-001.json", |n| no_data(n, Function::SelectStockMoveList)),
        ("odoo-legacy-selectTrnsPurchaseSalesList.json", |n| purchase_sales(n, 8, 126, "20231220153616")),
        ("odoo-legacy-write-success.json", |n| no_data(n, Function::SaveStockMaster)),
        ("s2b-gw-2026-initialize-error-envelope.json", initialize_error),
        ("s2b-gw-2026-insertStockIO-request-accepted.json", stock_request_accepted),
        ("s2b-gw-2026-insertTrnsPurchase.json", |n| no_data(n, Function::InsertTrnsPurchase)),
        ("s2b-gw-2026-saveBhfCustomer.json", |n| no_data(n, Function::SaveBhfCustomer)),
        ("s2b-gw-2026-saveItem-request-accepted.json", item_request_accepted),
        ("s2b-gw-2026-saveItemComposition.json", |n| no_data(n, Function::SaveItemComposition)),
        ("s2b-gw-2026-selectCustomerList.json", branch_customers),
        ("s2b-gw-2026-selectImportItemList.json", |n| import_items(n, "23NBOIM401167364", 1_181_750)),
        ("s2b-gw-2026-selectInvoiceDetail.json", invoice_detail_gateway),
        ("s2b-gw-2026-selectItemList.json", |n| items(n, 16)),
        ("s2b-gw-2026-selectNoticeList.json", |n| notices(n, 30)),
        ("s2b-gw-2026-selectSalesTransactions-incl-credit-note.json", sales_transactions),
        ("s2b-gw-2026-selectTaxpayerInfo.json", taxpayer),
        ("s2b-gw-2026-selectTrnsPurchaseSalesList.json", |n| purchase_sales(n, 5, 6, "20260918103109")),
        ("s2b-gw-2026-sendSalesTransaction-request-accepted.json", sale_request_accepted),
        ("s2b-gw-2026-updateImportItem.json", |n| no_data(n, Function::UpdateImportItem)),
        ("timx-legacy-selectBhfList-data-bhfList.json", branches_timx),
    ]
}

#[test]
fn every_recorded_exchange_reads_into_the_typed_models() {
    let dir = Path::new(RECORDED);
    assert!(dir.is_dir(), "the recorded KRA exchanges are missing: expected them at {}", dir.display());
    let checks: BTreeMap<&str, Check> = checks().into_iter().collect();
    let mut seen = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        let check = checks.get(name.as_str()).unwrap_or_else(|| panic!("new recorded file {name}: add a check for it"));
        check(&name);
        seen += 1;
    }
    assert_eq!(seen, checks.len(), "a checked recorded file has disappeared");
}
