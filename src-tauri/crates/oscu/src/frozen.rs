//! Requests frozen for the outbox: the exact JSON bytes of one OSCU call, made from a typed wire
//! request, stored as text by the caller and resent byte for byte by [`crate::Client::send`],
//! which answers with the function's typed data ([`Request::Answer`]).
//!
//! This is the only way a request body leaves `oscu` as text: callers never build or read KRA's
//! JSON themselves.

use std::{fmt, marker::PhantomData};

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, value::RawValue};

use crate::{
    Error, Function, Result,
    wire::{
        BhfCustSaveReq, BhfInsuranceSaveReq, BhfSearchReq, BhfUserSaveReq, Branch, BranchCustomer,
        BranchCustomerListData, BranchListData, CodeClass, CodeListData, CodeSearchReq, CustSearchReq, CustomerInfo,
        CustomerListData, CustomerListReq, ImportItem, ImportItemSearchReq, ImportItemUpdateReq, InvoiceDetailReq,
        ItemClass, ItemClassListData, ItemClsSearchReq, ItemCompositionSaveReq, ItemInfo, ItemListData, ItemSaveReq,
        ItemSearchReq, Notice, NoticeListData, NoticeSearchReq, PurchaseSale, SalesListData, SalesReadBack,
        SalesTransactionsReq, StockIOSaveReq, StockMasterSaveReq, StockMove, StockMoveListData, StockMoveReq,
        TaxpayerInfo, TaxpayerInfoData, TaxpayerInfoReq, TrnsPurchaseSalesReq, TrnsPurchaseSaveReq, TrnsSalesSaveWrReq,
        TrnsSalesSaveWrResData,
    },
};

mod sealed {
    /// Only the wire requests of this crate are [`super::Request`]s.
    pub trait Sealed {}
}

/// A wire request of one OSCU function, and what [`crate::Client::send`] answers for it.
pub trait Request: Serialize + DeserializeOwned + sealed::Sealed {
    /// The function this request is sent to.
    const FUNCTION: Function;
    /// The JSON field holding the document's KRA number (`invcNo`, `sarNo`), where it has one.
    const NUMBER_FIELD: Option<&'static str> = None;
    /// The typed answer: `()` for saves, the receipt data for a sale, the list for a lookup.
    type Answer;

    /// Reads KRA's `data` (`None` on `001` or when KRA sent none) into the answer.
    #[doc(hidden)]
    fn answer(data: Option<Value>) -> Result<Self::Answer>;
}

/// A typed answer together with KRA's JSON text of it, kept as evidence (a signature's
/// `response_body`, a feed row's raw JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept<T> {
    pub value: T,
    /// KRA's JSON of `value`, as received (compact).
    pub json: String,
}

impl<T: DeserializeOwned> Kept<T> {
    /// Reads JSON kept earlier (by [`Kept::json`]) back into its type.
    pub fn parse(function: Function, json: impl Into<String>) -> Result<Kept<T>> {
        let json = json.into();
        let value = serde_json::from_str(&json)
            .map_err(|e| Error::ReadFrozen { function, reason: format!("kept KRA data: {e}") })?;
        Ok(Kept { value, json })
    }

    fn from_value(function: Function, data: Value) -> Result<Kept<T>> {
        let json = data.to_string();
        let value = serde_json::from_value(data)
            .map_err(|e| Error::DecodeResponse { function, reason: format!("unexpected data ({e})") })?;
        Ok(Kept { value, json })
    }
}

/// The exact bytes of one request (or, for [`Frozen<Vec<R>>`], of a batch sent one element per
/// call), made once and resent as they are.
pub struct Frozen<R> {
    body: String,
    request: PhantomData<fn() -> R>,
}

impl<R> Frozen<R> {
    /// Bytes frozen earlier (read back from the outbox): sent exactly as given.
    pub fn stored(body: impl Into<String>) -> Frozen<R> {
        Frozen { body: body.into(), request: PhantomData }
    }

    /// The frozen JSON text, to store.
    pub fn body(&self) -> &str {
        &self.body
    }

    pub fn into_body(self) -> String {
        self.body
    }
}

impl<R> Clone for Frozen<R> {
    fn clone(&self) -> Frozen<R> {
        Frozen::stored(self.body.clone())
    }
}

impl<R> PartialEq for Frozen<R> {
    fn eq(&self, other: &Frozen<R>) -> bool {
        self.body == other.body
    }
}

impl<R> Eq for Frozen<R> {}

impl<R> fmt::Debug for Frozen<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frozen").field("request", &std::any::type_name::<R>()).field("body", &self.body).finish()
    }
}

impl<R: Request> Frozen<R> {
    /// Freezes `request`: its JSON, as sent from now on.
    pub fn new(request: &R) -> Result<Frozen<R>> {
        let body = serde_json::to_string(request)
            .map_err(|e| Error::EncodeRequest { function: R::FUNCTION, reason: e.to_string() })?;
        Ok(Frozen::stored(body))
    }

    pub fn function(&self) -> Function {
        R::FUNCTION
    }

    /// The request these bytes hold (to compare KRA's read-back with what was sent).
    pub fn request(&self) -> Result<R> {
        serde_json::from_str(&self.body).map_err(|e| Error::ReadFrozen { function: R::FUNCTION, reason: e.to_string() })
    }

    /// The document's KRA number in the bytes (`invcNo` of a sale or purchase, `sarNo` of a stock
    /// movement); `None` for requests without one or bytes that hold none.
    pub fn number(&self) -> Option<u64> {
        let field = R::NUMBER_FIELD?;
        serde_json::from_str::<Value>(&self.body).ok()?.get(field)?.as_u64()
    }
}

impl<R: Request> Frozen<Vec<R>> {
    /// Freezes a batch (stock balances): one JSON array, sent one element per call.
    pub fn batch(requests: &[R]) -> Result<Frozen<Vec<R>>> {
        let body = serde_json::to_string(requests)
            .map_err(|e| Error::EncodeRequest { function: R::FUNCTION, reason: e.to_string() })?;
        Ok(Frozen::stored(body))
    }

    /// The requests of the batch.
    pub fn requests(&self) -> Result<Vec<R>> {
        serde_json::from_str(&self.body).map_err(|e| Error::ReadFrozen { function: R::FUNCTION, reason: e.to_string() })
    }

    /// Each element's exact bytes, in order.
    pub fn parts(&self) -> Result<Vec<Frozen<R>>> {
        let parts: Vec<&RawValue> = serde_json::from_str(&self.body)
            .map_err(|e| Error::ReadFrozen { function: R::FUNCTION, reason: format!("a frozen batch: {e}") })?;
        Ok(parts.into_iter().map(|p| Frozen::stored(p.get())).collect())
    }
}

/// The read-back of a sale by its number: `{"invcNo": N}`.
pub fn read_back_request(invc_no: u64) -> Result<Frozen<InvoiceDetailReq>> {
    Frozen::new(&InvoiceDetailReq { invc_no })
}

fn saved(_: Option<Value>) -> Result<()> {
    Ok(())
}

fn list<D: DeserializeOwned, T>(function: Function, data: Option<Value>, take: fn(D) -> T) -> Result<Option<T>> {
    data.filter(|d| !d.is_null())
        .map(|d| {
            serde_json::from_value::<D>(d)
                .map(take)
                .map_err(|e| Error::DecodeResponse { function, reason: format!("unexpected data ({e})") })
        })
        .transpose()
}

/// The entries of the list `key` in `data`, each kept with its own JSON.
fn kept_entries<T: DeserializeOwned>(function: Function, data: Option<Value>, key: &str) -> Result<Vec<Kept<T>>> {
    match data.and_then(|mut d| d.get_mut(key).map(Value::take)) {
        Some(Value::Array(entries)) => entries.into_iter().map(|e| Kept::from_value(function, e)).collect(),
        _ => Ok(Vec::new()),
    }
}

macro_rules! saves {
    ($($request:ty => $function:ident $(, number $field:literal)?;)*) => {$(
        impl sealed::Sealed for $request {}
        impl Request for $request {
            const FUNCTION: Function = Function::$function;
            $(const NUMBER_FIELD: Option<&'static str> = Some($field);)?
            type Answer = ();
            fn answer(data: Option<Value>) -> Result<()> {
                saved(data)
            }
        }
    )*};
}

saves! {
    BhfCustSaveReq => SaveBhfCustomer;
    BhfUserSaveReq => SaveBhfUser;
    BhfInsuranceSaveReq => SaveBhfInsurance;
    ItemSaveReq => SaveItem;
    ItemCompositionSaveReq => SaveItemComposition;
    ImportItemUpdateReq => UpdateImportItem;
    TrnsPurchaseSaveReq => InsertTrnsPurchase, number "invcNo";
    StockIOSaveReq => InsertStockIO, number "sarNo";
    StockMasterSaveReq => SaveStockMaster;
}

macro_rules! lists {
    ($($request:ty => $function:ident: $data:ty, $field:ident -> $entry:ty;)*) => {$(
        impl sealed::Sealed for $request {}
        impl Request for $request {
            const FUNCTION: Function = Function::$function;
            type Answer = Vec<$entry>;
            fn answer(data: Option<Value>) -> Result<Vec<$entry>> {
                Ok(list(Function::$function, data, |d: $data| d.$field)?.unwrap_or_default())
            }
        }
    )*};
}

lists! {
    CodeSearchReq => SelectCodeList: CodeListData, cls_list -> CodeClass;
    ItemClsSearchReq => SelectItemClsList: ItemClassListData, item_cls_list -> ItemClass;
    CustSearchReq => SelectCustomer: CustomerListData, cust_list -> CustomerInfo;
    BhfSearchReq => SelectBhfList: BranchListData, bhf_list -> Branch;
    NoticeSearchReq => SelectNoticeList: NoticeListData, notice_list -> Notice;
    ItemSearchReq => SelectItemList: ItemListData, item_list -> ItemInfo;
    StockMoveReq => SelectStockMoveList: StockMoveListData, stock_list -> StockMove;
    SalesTransactionsReq => SelectSalesTransactions: SalesListData, sales_list -> SalesReadBack;
    CustomerListReq => SelectCustomerList: BranchCustomerListData, cust_list -> BranchCustomer;
}

impl sealed::Sealed for TrnsSalesSaveWrReq {}
/// A sale or credit note: the receipt data to persist and print. An accepted answer without the
/// signature data is an [`Error::DecodeResponse`] (outcome unknown: read the sale back).
impl Request for TrnsSalesSaveWrReq {
    const FUNCTION: Function = Function::SaveTrnsSalesOsdc;
    const NUMBER_FIELD: Option<&'static str> = Some("invcNo");
    type Answer = Kept<TrnsSalesSaveWrResData>;

    fn answer(data: Option<Value>) -> Result<Kept<TrnsSalesSaveWrResData>> {
        let function = Self::FUNCTION;
        let data = data.filter(|d| !d.is_null()).ok_or(Error::DecodeResponse {
            function,
            reason: "KRA accepted the sale but sent no receipt data".into(),
        })?;
        let kept: Kept<TrnsSalesSaveWrResData> = Kept::from_value(function, data)?;
        // A receipt cannot be printed without these; KRA has the sale, so read it back instead.
        let missing: Vec<&str> = [
            ("intrlData", kept.value.intrl_data.trim().is_empty()),
            ("rcptSign", kept.value.rcpt_sign.trim().is_empty()),
            ("sdcDateTime", kept.value.sdc_date_time.trim().is_empty()),
        ]
        .into_iter()
        .filter_map(|(field, empty)| empty.then_some(field))
        .collect();
        if !missing.is_empty() {
            return Err(Error::DecodeResponse {
                function,
                reason: format!("KRA accepted the sale but left out {}", missing.join(", ")),
            });
        }
        Ok(kept)
    }
}

impl sealed::Sealed for InvoiceDetailReq {}
/// The stored sales under the number, with KRA's JSON of the whole `data`; `None` when KRA has
/// none (`001`).
impl Request for InvoiceDetailReq {
    const FUNCTION: Function = Function::SelectInvoiceDetails;
    const NUMBER_FIELD: Option<&'static str> = Some("invcNo");
    type Answer = Option<Kept<SalesListData>>;

    fn answer(data: Option<Value>) -> Result<Option<Kept<SalesListData>>> {
        data.filter(|d| !d.is_null()).map(|d| Kept::from_value(Self::FUNCTION, d)).transpose()
    }
}

impl sealed::Sealed for TrnsPurchaseSalesReq {}
/// Suppliers' sales naming this PIN, each kept with its own JSON.
impl Request for TrnsPurchaseSalesReq {
    const FUNCTION: Function = Function::SelectTrnsPurchaseSalesList;
    type Answer = Vec<Kept<PurchaseSale>>;

    fn answer(data: Option<Value>) -> Result<Vec<Kept<PurchaseSale>>> {
        kept_entries(Self::FUNCTION, data, "saleList")
    }
}

impl sealed::Sealed for ImportItemSearchReq {}
/// Customs import lines, each kept with its own JSON.
impl Request for ImportItemSearchReq {
    const FUNCTION: Function = Function::SelectImportItemList;
    type Answer = Vec<Kept<ImportItem>>;

    fn answer(data: Option<Value>) -> Result<Vec<Kept<ImportItem>>> {
        kept_entries(Self::FUNCTION, data, "itemList")
    }
}

impl sealed::Sealed for TaxpayerInfoReq {}
impl Request for TaxpayerInfoReq {
    const FUNCTION: Function = Function::SelectTaxpayerInfo;
    type Answer = Option<TaxpayerInfo>;

    fn answer(data: Option<Value>) -> Result<Option<TaxpayerInfo>> {
        Ok(list(Self::FUNCTION, data, |d: TaxpayerInfoData| d.info)?.flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Quantity;

    fn balance(item: &str, hundredths: i64) -> StockMasterSaveReq {
        StockMasterSaveReq {
            item_cd: item.into(),
            rsd_qty: Quantity::from_hundredths(hundredths),
            regr_id: "u".into(),
            regr_nm: "U".into(),
            modr_id: "u".into(),
            modr_nm: "U".into(),
        }
    }

    #[test]
    fn stored_bytes_are_kept_exactly_and_read_back() {
        let text = r#"{"invcNo":7,  "trdInvcNo":"INV-7"}"#;
        let frozen: Frozen<InvoiceDetailReq> = Frozen::stored(text);
        assert_eq!(frozen.body(), text, "never re-encoded");
        assert_eq!(frozen.number(), Some(7));
        assert_eq!(frozen.function(), Function::SelectInvoiceDetails);
        assert_eq!(read_back_request(12).unwrap().body(), r#"{"invcNo":12}"#);
        let broken: Frozen<InvoiceDetailReq> = Frozen::stored("{");
        assert!(matches!(broken.request(), Err(Error::ReadFrozen { .. })));
        assert_eq!(broken.number(), None);
    }

    #[test]
    fn a_batch_splits_into_the_exact_bytes_of_each_element() {
        let batch = Frozen::batch(&[balance("KE1NTNO0000001", 1000), balance("KE1NTNO0000002", 250)]).unwrap();
        let parts = batch.parts().unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body(), serde_json::to_string(&balance("KE1NTNO0000001", 1000)).unwrap());
        assert_eq!(parts[1].request().unwrap(), balance("KE1NTNO0000002", 250));
        assert_eq!(batch.requests().unwrap().len(), 2);
        assert_eq!(parts[0].number(), None, "balances carry no number");
    }

    #[test]
    fn answers_are_typed_per_function() {
        assert!(<ItemSaveReq as Request>::answer(None).is_ok());
        let e = TrnsSalesSaveWrReq::answer(None).unwrap_err();
        assert!(matches!(e, Error::DecodeResponse { .. }), "{e}");
        let data = serde_json::json!({"curRcptNo": 3, "totRcptNo": 9, "intrlData": "I", "rcptSign": "S",
            "sdcDateTime": "20260101120000"});
        let kept = TrnsSalesSaveWrReq::answer(Some(data.clone())).unwrap();
        assert_eq!(kept.value.tot_rcpt_no.get(), 9);
        assert_eq!(kept.json, data.to_string());
        let mut unsigned = data;
        unsigned["rcptSign"] = Value::Null;
        assert!(TrnsSalesSaveWrReq::answer(Some(unsigned)).unwrap_err().to_string().contains("rcptSign"));
        assert_eq!(InvoiceDetailReq::answer(None).unwrap(), None);
        assert!(CodeSearchReq::answer(None).unwrap().is_empty());
        let feed = serde_json::json!({"itemList": [{"taskCd": "T1", "itemSeq": 1}, {"taskCd": "T2", "itemSeq": 2}]});
        let imports = ImportItemSearchReq::answer(Some(feed)).unwrap();
        assert_eq!(imports.len(), 2);
        assert_eq!(imports[1].value.task_cd.as_deref(), Some("T2"));
        let again: Kept<ImportItem> = Kept::parse(Function::SelectImportItemList, imports[0].json.clone()).unwrap();
        assert_eq!(again, imports[0]);
    }
}
