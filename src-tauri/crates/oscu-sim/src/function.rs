//! The OSCU functions the simulator serves, with their direct-host path and gateway path
//! (SPEC §1.2, §4, §6.21).

/// Which front door a call came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `/etims-api/<function>`: three headers, bare KRA envelope.
    Direct,
    /// `/etims-oscu/api/v1/<path>`: bearer token + `apigee_app_id` + three headers, envelope
    /// wrapped in `responseHeader`/`responseBody`.
    Gateway,
}

macro_rules! functions {
    ($($variant:ident = $name:literal, $direct:expr, $gateway:expr;)+) => {
        /// Every function the simulator serves.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Function { $($variant),+ }

        impl Function {
            pub const ALL: &'static [Function] = &[$(Function::$variant),+];

            /// The spec's function name (also the name used in fault scripts).
            pub fn name(self) -> &'static str {
                match self { $(Function::$variant => $name),+ }
            }

            /// Path under `/etims-api/`, if the direct host serves it.
            pub fn direct_path(self) -> Option<&'static str> {
                match self { $(Function::$variant => $direct),+ }
            }

            /// Path under `/etims-oscu/api/v1/`, if the gateway serves it.
            pub fn gateway_path(self) -> Option<&'static str> {
                match self { $(Function::$variant => $gateway),+ }
            }
        }
    };
}

functions! {
    Initialize = "selectInitOsdcInfo", Some("selectInitOsdcInfo"), Some("initialize");
    CodeList = "selectCodeList", Some("selectCodeList"), Some("selectCodeList");
    ItemClassList = "selectItemClsList", Some("selectItemClsList"), Some("selectItemClass");
    Customer = "selectCustomer", Some("selectCustomer"), Some("customerPinInfo");
    BranchList = "selectBhfList", Some("selectBhfList"), Some("branchList");
    NoticeList = "selectNoticeList", Some("selectNoticeList"), Some("selectNoticeList");
    SaveBranchCustomer = "saveBhfCustomer", Some("saveBhfCustomer"), Some("branchSendCustomerInfo");
    SaveBranchUser = "saveBhfUser", Some("saveBhfUser"), Some("branchUserAccount");
    SaveBranchInsurance = "saveBhfInsurance", Some("saveBhfInsurance"), Some("branchInsuranceInfo");
    SaveItem = "saveItem", Some("saveItem"), Some("saveItem");
    ItemList = "selectItemList", Some("selectItemList"), Some("itemInfo");
    SaveItemComposition = "saveItemComposition", Some("saveItemComposition"), Some("saveItemComposition");
    ImportItemList = "selectImportItemList", Some("selectImportItemList"), Some("importedItemInfo");
    UpdateImportItem = "updateImportItem", Some("updateImportItem"), Some("updateImportItem");
    SaveSales = "saveTrnsSalesOsdc", Some("saveTrnsSalesOsdc"), Some("sendSalesTransaction");
    PurchaseSalesList = "selectTrnsPurchaseSalesList", Some("selectTrnsPurchaseSalesList"), Some("getPurchaseTransactionInfo");
    InsertPurchase = "insertTrnsPurchase", Some("insertTrnsPurchase"), Some("sendPurchaseTransactionInfo");
    StockMoveList = "selectStockMoveList", Some("selectStockMoveList"), Some("selectStockMoveLists");
    InsertStockIo = "insertStockIO", Some("insertStockIO"), Some("insert/stockIO");
    SaveStockMaster = "saveStockMaster", Some("saveStockMaster"), Some("save/stockMaster");
    InvoiceDetails = "selectInvoiceDetails", Some("selectInvoiceDetails"), Some("selectInvoiceDetail");
    SalesTransactions = "selectSalesTransactions", None, Some("selectSalesTransactions");
    TaxpayerInfo = "selectTaxpayerInfo", None, Some("selectTaxpayerInfo");
    CustomerList = "selectCustomerList", None, Some("selectCustomerList");
}

impl Function {
    /// The function served at `path` on `host`.
    pub fn from_path(host: Host, path: &str) -> Option<Function> {
        Function::ALL.iter().copied().find(|f| match host {
            Host::Direct => f.direct_path() == Some(path),
            Host::Gateway => f.gateway_path() == Some(path),
        })
    }

    /// True when the function is spelt `name` by either its spec name or one of its paths.
    pub fn is_named(self, name: &str) -> bool {
        self.name() == name || self.direct_path() == Some(name) || self.gateway_path() == Some(name)
    }

    /// Gateway calls that need `tin` and `bhfId` in the body too (SPEC §1.2).
    pub fn gateway_wants_tin_in_body(self) -> bool {
        matches!(self, Function::Initialize | Function::PurchaseSalesList | Function::StockMoveList)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_both_ways() {
        for (host, path, f) in [
            (Host::Direct, "saveTrnsSalesOsdc", Some(Function::SaveSales)),
            (Host::Gateway, "sendSalesTransaction", Some(Function::SaveSales)),
            (Host::Gateway, "insert/stockIO", Some(Function::InsertStockIo)),
            (Host::Gateway, "selectStockMoveLists", Some(Function::StockMoveList)),
            (Host::Direct, "selectStockMoveLists", None),
            (Host::Direct, "selectTaxpayerInfo", None),
            (Host::Gateway, "selectInvoiceDetail", Some(Function::InvoiceDetails)),
        ] {
            assert_eq!(Function::from_path(host, path), f, "{path}");
        }
        assert!(Function::SaveSales.is_named("sendSalesTransaction"));
    }
}
