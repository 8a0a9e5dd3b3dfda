//! The OSCU wire format: one struct per request/response object of SPEC §4/§6, named after the
//! spec's objects, with field names exactly as KRA spells them (including its traps: `custmTin`,
//! `imptItemsttsCd` in responses vs `imptItemSttsCd` in requests, line `taxAmt`, stock `totDcAmt`).
//!
//! Requests serialise every field the recorded accepted requests carry (`null` when empty, all
//! fifteen tax-band fields always). Responses read tolerantly (SPEC §2, §13): optional text that
//! may be `null`, `false` or a number, counters as strings or numbers, amounts as numbers or
//! numeric strings, and a missing `data` for `001` "no result".
//!
//! Dates stay KRA strings here (`YYYYMMDD`, `YYYYMMDDhhmmss`, or the read-back forms); convert
//! them with [`crate::time`].

#[cfg(test)]
mod build_tests;
pub(crate) mod checks;
mod envelope;
mod lookups;
mod numbers;
mod purchase;
mod sales;
mod saves;
mod stock;
pub(crate) mod text;

pub use envelope::{Envelope, GatewayHeader, GatewayResponse, RESULT_NO_DATA, RESULT_SUCCESS};
pub use lookups::{
    BhfSearchReq, Branch, BranchCustomer, BranchCustomerListData, BranchListData, CodeClass, CodeDetail, CodeListData,
    CodeSearchReq, CustSearchReq, CustomerInfo, CustomerListData, CustomerListReq, DeviceVerificationReq, ImportItem,
    ImportItemListData, ImportItemSearchReq, InitData, InitInfo, ItemClass, ItemClassListData, ItemClsSearchReq,
    ItemInfo, ItemListData, ItemSearchReq, Notice, NoticeListData, NoticeSearchReq, TaxpayerInfo, TaxpayerInfoData,
    TaxpayerInfoReq,
};
pub use numbers::{Amount, Counter, Quantity, Rate};
pub use purchase::{
    PurchaseHeader, PurchaseSale, PurchaseSaleItem, PurchaseSaleListData, TrnsPurchaseSalesReq, TrnsPurchaseSaveItem,
    TrnsPurchaseSaveReq,
};
pub use sales::{
    InvoiceDetailReq, Recognised, SaleHeader, SalesListData, SalesReadBack, SalesReadBackItem, SalesReadBackReceipt,
    SalesTransactionsReq, TaxBandFields, TrnsSalesSaveWrItem, TrnsSalesSaveWrReceipt, TrnsSalesSaveWrReq,
    TrnsSalesSaveWrResData,
};
pub use saves::{
    BhfCustSaveReq, BhfInsuranceSaveReq, BhfUserSaveReq, ImportItemUpdateReq, ItemCompositionSaveReq, ItemSaveReq,
    UserStamp,
};
pub use stock::{
    StockHeader, StockIOItem, StockIOSaveReq, StockMasterSaveReq, StockMove, StockMoveItem, StockMoveListData,
    StockMoveReq,
};

pub use crate::secret::{CmcKey, SecretText};
