//! The fields of every request object (SPEC §6): name, kind, length and whether it is required.

use crate::fields::{Field, Kind::*, opt, req};

pub const INIT: &[Field] = &[req("tin", Char(11)), req("bhfId", Char(2)), req("dvcSrlNo", Char(100))];

pub const LIST: &[Field] = &[req("lastReqDt", DateTime14)];
/// Gateway-only read-backs where the cursor is optional.
pub const OPTIONAL_LIST: &[Field] = &[opt("lastReqDt", DateTime14)];

pub const CUSTOMER_LOOKUP: &[Field] = &[req("custmTin", Char(11))];

pub const INVOICE_LOOKUP: &[Field] = &[req("invcNo", Int(38))];

pub const SAVE_CUSTOMER: &[Field] = &[
    req("custNo", Char(9)),
    req("custTin", Pin),
    req("custNm", Char(60)),
    opt("adrs", Char(300)),
    opt("telNo", Char(20)),
    opt("email", Char(50)),
    opt("faxNo", Char(20)),
    req("useYn", YesNo),
    opt("remark", Char(1000)),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];

pub const SAVE_USER: &[Field] = &[
    req("userId", Char(20)),
    req("userNm", Char(60)),
    req("pwd", Char(255)),
    opt("adrs", Char(200)),
    opt("cntc", Char(20)),
    opt("authCd", Char(100)),
    opt("remark", Char(2000)),
    req("useYn", YesNo),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];

pub const SAVE_INSURANCE: &[Field] = &[
    req("isrccCd", Char(10)),
    req("isrccNm", Char(100)),
    req("isrcRt", Int(3)),
    req("useYn", YesNo),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];

pub const SAVE_ITEM: &[Field] = &[
    req("itemCd", Char(20)),
    req("itemClsCd", Char(10)),
    req("itemTyCd", Code("24")),
    req("itemNm", Char(200)),
    opt("itemStdNm", Char(200)),
    req("orgnNatCd", Code("05")),
    // Checked against the 52 accepted package units with KRA's own message (see master.rs).
    req("pkgUnitCd", Char(5)),
    req("qtyUnitCd", Code("10")),
    req("taxTyCd", Code("04")),
    opt("btchNo", Char(10)),
    opt("bcd", Char(20)),
    req("dftPrc", Amount),
    opt("grpPrcL1", Amount),
    opt("grpPrcL2", Amount),
    opt("grpPrcL3", Amount),
    opt("grpPrcL4", Amount),
    opt("grpPrcL5", Amount),
    opt("addInfo", Char(7)),
    opt("sftyQty", Quantity),
    req("isrcAplcbYn", YesNo),
    req("useYn", YesNo),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];

pub const SAVE_COMPOSITION: &[Field] = &[
    req("itemCd", Char(20)),
    req("cpstItemCd", Char(20)),
    req("cpstQty", Quantity),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    opt("modrId", Char(20)),
    opt("modrNm", Char(60)),
];

pub const UPDATE_IMPORT: &[Field] = &[
    req("taskCd", Char(50)),
    req("dclDe", DateDdmmyyyy),
    req("itemSeq", Int(10)),
    req("hsCd", Char(17)),
    req("itemClsCd", Char(10)),
    req("itemCd", Char(20)),
    req("imptItemSttsCd", Code("26")),
    opt("remark", Char(400)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];

macro_rules! bands {
    () => {
        [
            req("taxblAmtA", Amount),
            req("taxblAmtB", Amount),
            req("taxblAmtC", Amount),
            req("taxblAmtD", Amount),
            req("taxblAmtE", Amount),
            req("taxRtA", Rate),
            req("taxRtB", Rate),
            req("taxRtC", Rate),
            req("taxRtD", Rate),
            req("taxRtE", Rate),
            req("taxAmtA", Amount),
            req("taxAmtB", Amount),
            req("taxAmtC", Amount),
            req("taxAmtD", Amount),
            req("taxAmtE", Amount),
            req("totTaxblAmt", Amount),
            req("totTaxAmt", Amount),
            req("totAmt", Amount),
        ]
    };
}

pub const SALE_LINE: &[Field] = &[
    req("itemSeq", Int(3)),
    opt("itemClsCd", Char(10)),
    req("itemCd", Char(20)),
    req("itemNm", Char(200)),
    opt("bcd", Char(20)),
    req("pkgUnitCd", Code("17")),
    req("pkg", Quantity),
    req("qtyUnitCd", Code("10")),
    req("qty", Quantity),
    req("prc", Amount),
    req("splyAmt", Amount),
    req("dcRt", Rate),
    req("dcAmt", Amount),
    opt("isrccCd", Char(10)),
    opt("isrccNm", Char(100)),
    opt("isrcRt", Int(3)),
    opt("isrcAmt", Amount),
    req("taxTyCd", Code("04")),
    req("taxblAmt", Amount),
    req("taxAmt", Amount),
    req("totAmt", Amount),
];

pub const RECEIPT: &[Field] = &[
    opt("custTin", Pin),
    opt("custMblNo", Char(20)),
    req("rcptPbctDt", DateTime14),
    opt("trdeNm", Char(20)),
    opt("adrs", Char(200)),
    opt("topMsg", Char(20)),
    opt("btmMsg", Char(20)),
    req("prchrAcptcYn", YesNo),
    opt("rptNo", Int(10)),
];

const SALE_HEAD: &[Field] = &[
    req("trdInvcNo", Char(50)),
    req("invcNo", Int(38)),
    req("orgInvcNo", Int(38)),
    opt("custTin", Pin),
    opt("custNm", Char(60)),
    opt("salesTyCd", Code("14")),
    req("rcptTyCd", Code("37")),
    opt("pmtTyCd", Code("07")),
    req("salesSttsCd", Code("11")),
    req("cfmDt", DateTime14),
    req("salesDt", Date8),
    opt("stockRlsDt", DateTime14),
    opt("cnclReqDt", DateTime14),
    opt("cnclDt", DateTime14),
    // rfdDt / rfdRsnCd: required for credit notes with KRA's own messages (see sales.rs).
    opt("rfdDt", DateTime14),
    opt("rfdRsnCd", Char(5)),
    req("totItemCnt", Int(10)),
];

const SALE_TAIL: &[Field] = &[
    req("prchrAcptcYn", YesNo),
    opt("remark", Char(400)),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    // A recorded accepted 2026 sale reads back with modrId/modrNm null.
    opt("modrId", Char(20)),
    opt("modrNm", Char(60)),
    req("receipt", Object(RECEIPT)),
    req("itemList", Lines(SALE_LINE)),
];

const BANDS: &[Field] = &bands!();

/// Sale / credit note: header, bands, tail.
pub const SALE: [&[Field]; 3] = [SALE_HEAD, BANDS, SALE_TAIL];

pub const PURCHASE_LINE: &[Field] = &[
    req("itemSeq", Int(3)),
    opt("itemCd", Char(20)),
    req("itemClsCd", Char(10)),
    req("itemNm", Char(200)),
    opt("bcd", Char(20)),
    opt("spplrItemClsCd", Char(10)),
    opt("spplrItemCd", Char(20)),
    opt("spplrItemNm", Char(200)),
    opt("pkgUnitCd", Code("17")),
    req("pkg", Quantity),
    req("qtyUnitCd", Code("10")),
    req("qty", Quantity),
    req("prc", Amount),
    req("splyAmt", Amount),
    req("dcRt", Rate),
    req("dcAmt", Amount),
    req("taxblAmt", Amount),
    req("taxTyCd", Code("04")),
    req("taxAmt", Amount),
    req("totAmt", Amount),
    opt("itemExprDt", Date8),
];

const PURCHASE_HEAD: &[Field] = &[
    req("invcNo", Int(38)),
    req("orgInvcNo", Int(38)),
    opt("spplrTin", Pin),
    opt("spplrBhfId", Branch),
    opt("spplrNm", Char(60)),
    opt("spplrInvcNo", Int(38)),
    req("regTyCd", Code("31")),
    req("pchsTyCd", Code("14")),
    req("rcptTyCd", Code("38")),
    req("pmtTyCd", Code("07")),
    req("pchsSttsCd", Code("34")),
    opt("cfmDt", DateTime14),
    req("pchsDt", Date8),
    opt("wrhsDt", DateTime14),
    opt("cnclReqDt", DateTime14),
    opt("cnclDt", DateTime14),
    opt("rfdDt", DateTime14),
    req("totItemCnt", Int(10)),
];

const PURCHASE_TAIL: &[Field] = &[
    opt("remark", Char(400)),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
    req("itemList", Lines(PURCHASE_LINE)),
];

pub const PURCHASE: [&[Field]; 3] = [PURCHASE_HEAD, BANDS, PURCHASE_TAIL];

pub const STOCK_LINE: &[Field] = &[
    req("itemSeq", Int(3)),
    req("itemCd", Char(20)),
    req("itemClsCd", Char(10)),
    req("itemNm", Char(200)),
    opt("bcd", Char(20)),
    req("pkgUnitCd", Code("17")),
    req("pkg", Quantity),
    req("qtyUnitCd", Code("10")),
    req("qty", Quantity),
    opt("itemExprDt", Date8),
    req("prc", Amount),
    req("splyAmt", Amount),
    req("totDcAmt", Amount),
    req("taxblAmt", Amount),
    req("taxTyCd", Code("04")),
    req("taxAmt", Amount),
    req("totAmt", Amount),
];

pub const STOCK_IO: &[Field] = &[
    req("sarNo", Int(38)),
    req("orgSarNo", Int(38)),
    req("regTyCd", Code("31")),
    opt("custTin", Pin),
    opt("custNm", Char(100)),
    opt("custBhfId", Branch),
    req("sarTyCd", Code("12")),
    req("ocrnDt", Date8),
    req("totItemCnt", Int(10)),
    req("totTaxblAmt", Amount),
    req("totTaxAmt", Amount),
    req("totAmt", Amount),
    opt("remark", Char(400)),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
    req("itemList", Lines(STOCK_LINE)),
];

pub const STOCK_MASTER: &[Field] = &[
    req("itemCd", Char(20)),
    req("rsdQty", Balance),
    req("regrId", Char(20)),
    req("regrNm", Char(60)),
    req("modrId", Char(20)),
    req("modrNm", Char(60)),
];
