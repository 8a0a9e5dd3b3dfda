//! Every OSCU function and where it lives on each front door (SPEC §1.2, §4, §6.21). This enum is
//! the one place that chooses among the gateway spellings the sources disagree on; the simulator
//! serves exactly these paths.

use std::fmt;

/// An OSCU function. Paths carry no leading slash: the URL is `base + "/" + path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Function {
    /// `selectInitOsdcInfo` / `initialize`: device initialisation, returns the `cmcKey`.
    Initialize,
    SelectCodeList,
    SelectItemClsList,
    /// PIN lookup (`custmTin`).
    SelectCustomer,
    SelectBhfList,
    SelectNoticeList,
    SaveBhfCustomer,
    SaveBhfUser,
    SaveBhfInsurance,
    SaveItem,
    SelectItemList,
    SaveItemComposition,
    SelectImportItemList,
    UpdateImportItem,
    /// A sale or credit note.
    SaveTrnsSalesOsdc,
    SelectTrnsPurchaseSalesList,
    InsertTrnsPurchase,
    SelectStockMoveList,
    InsertStockIO,
    SaveStockMaster,
    /// Read back one stored sale by `invcNo` (not in the v2.0 spec; Odoo and the gateway use it).
    SelectInvoiceDetails,
    /// Gateway only: every stored sale of the branch.
    SelectSalesTransactions,
    /// Gateway only: taxpayer name and VAT type.
    SelectTaxpayerInfo,
    /// Gateway only: branch customers stored with `saveBhfCustomer`.
    SelectCustomerList,
}

impl Function {
    pub const ALL: [Function; 24] = [
        Function::Initialize,
        Function::SelectCodeList,
        Function::SelectItemClsList,
        Function::SelectCustomer,
        Function::SelectBhfList,
        Function::SelectNoticeList,
        Function::SaveBhfCustomer,
        Function::SaveBhfUser,
        Function::SaveBhfInsurance,
        Function::SaveItem,
        Function::SelectItemList,
        Function::SaveItemComposition,
        Function::SelectImportItemList,
        Function::UpdateImportItem,
        Function::SaveTrnsSalesOsdc,
        Function::SelectTrnsPurchaseSalesList,
        Function::InsertTrnsPurchase,
        Function::SelectStockMoveList,
        Function::InsertStockIO,
        Function::SaveStockMaster,
        Function::SelectInvoiceDetails,
        Function::SelectSalesTransactions,
        Function::SelectTaxpayerInfo,
        Function::SelectCustomerList,
    ];

    /// The spec's function name, which is also the direct-host path where one exists.
    pub fn spec_name(self) -> &'static str {
        match self {
            Function::Initialize => "selectInitOsdcInfo",
            Function::SelectCodeList => "selectCodeList",
            Function::SelectItemClsList => "selectItemClsList",
            Function::SelectCustomer => "selectCustomer",
            Function::SelectBhfList => "selectBhfList",
            Function::SelectNoticeList => "selectNoticeList",
            Function::SaveBhfCustomer => "saveBhfCustomer",
            Function::SaveBhfUser => "saveBhfUser",
            Function::SaveBhfInsurance => "saveBhfInsurance",
            Function::SaveItem => "saveItem",
            Function::SelectItemList => "selectItemList",
            Function::SaveItemComposition => "saveItemComposition",
            Function::SelectImportItemList => "selectImportItemList",
            Function::UpdateImportItem => "updateImportItem",
            Function::SaveTrnsSalesOsdc => "saveTrnsSalesOsdc",
            Function::SelectTrnsPurchaseSalesList => "selectTrnsPurchaseSalesList",
            Function::InsertTrnsPurchase => "insertTrnsPurchase",
            Function::SelectStockMoveList => "selectStockMoveList",
            Function::InsertStockIO => "insertStockIO",
            Function::SaveStockMaster => "saveStockMaster",
            Function::SelectInvoiceDetails => "selectInvoiceDetails",
            Function::SelectSalesTransactions => "selectSalesTransactions",
            Function::SelectTaxpayerInfo => "selectTaxpayerInfo",
            Function::SelectCustomerList => "selectCustomerList",
        }
    }

    /// Path under the direct host's base (`.../etims-api`); `None` for gateway-only lookups.
    pub fn direct_path(self) -> Option<&'static str> {
        match self {
            Function::SelectSalesTransactions | Function::SelectTaxpayerInfo | Function::SelectCustomerList => None,
            other => Some(other.spec_name()),
        }
    }

    /// Path under the gateway's base (`.../etims-oscu/api/v1`). Where sources disagree the choice
    /// is: `selectCodeList`, `selectItemClass`, `branchList` (camel-case forms of the Postman
    /// collection, not the kebab-case ones on KRA's page), `customerPinInfo` for the PIN lookup
    /// (`selectCustomerList` returns branch customers, as recorded), and `updateImportItem`
    /// (`importedItemConvertedInfo` answered 000 without persisting).
    pub fn gateway_path(self) -> &'static str {
        match self {
            Function::Initialize => "initialize",
            Function::SelectCodeList => "selectCodeList",
            Function::SelectItemClsList => "selectItemClass",
            Function::SelectCustomer => "customerPinInfo",
            Function::SelectBhfList => "branchList",
            Function::SelectNoticeList => "selectNoticeList",
            Function::SaveBhfCustomer => "branchSendCustomerInfo",
            Function::SaveBhfUser => "branchUserAccount",
            Function::SaveBhfInsurance => "branchInsuranceInfo",
            Function::SaveItem => "saveItem",
            Function::SelectItemList => "itemInfo",
            Function::SaveItemComposition => "saveItemComposition",
            Function::SelectImportItemList => "importedItemInfo",
            Function::UpdateImportItem => "updateImportItem",
            Function::SaveTrnsSalesOsdc => "sendSalesTransaction",
            Function::SelectTrnsPurchaseSalesList => "getPurchaseTransactionInfo",
            Function::InsertTrnsPurchase => "sendPurchaseTransactionInfo",
            Function::SelectStockMoveList => "selectStockMoveLists",
            Function::InsertStockIO => "insert/stockIO",
            Function::SaveStockMaster => "save/stockMaster",
            Function::SelectInvoiceDetails => "selectInvoiceDetail",
            Function::SelectSalesTransactions => "selectSalesTransactions",
            Function::SelectTaxpayerInfo => "selectTaxpayerInfo",
            Function::SelectCustomerList => "selectCustomerList",
        }
    }

    /// The function served at a direct-host path (with or without a leading slash).
    pub fn from_direct_path(path: &str) -> Option<Function> {
        let path = path.trim_start_matches('/');
        Function::ALL.into_iter().find(|f| f.direct_path() == Some(path))
    }

    /// The function served at a gateway path (with or without a leading slash).
    pub fn from_gateway_path(path: &str) -> Option<Function> {
        let path = path.trim_start_matches('/');
        Function::ALL.into_iter().find(|f| f.gateway_path() == path)
    }

    /// Whether the gateway also wants `tin` and `bhfId` inside the JSON body (SPEC §1.2).
    pub fn gateway_wants_identity_in_body(self) -> bool {
        matches!(self, Function::Initialize | Function::SelectTrnsPurchaseSalesList | Function::SelectStockMoveList)
    }

    /// Whether the call is sent without the `tin`/`bhfId`/`cmcKey` headers (initialisation only).
    pub fn is_unauthenticated(self) -> bool {
        self == Function::Initialize
    }

    /// Whether the call records something at KRA (as opposed to reading).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Function::SaveBhfCustomer
                | Function::SaveBhfUser
                | Function::SaveBhfInsurance
                | Function::SaveItem
                | Function::SaveItemComposition
                | Function::UpdateImportItem
                | Function::SaveTrnsSalesOsdc
                | Function::InsertTrnsPurchase
                | Function::InsertStockIO
                | Function::SaveStockMaster
        )
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec_name())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn paths_are_unique_and_found_back() {
        let gateway: BTreeSet<_> = Function::ALL.iter().map(|f| f.gateway_path()).collect();
        assert_eq!(gateway.len(), Function::ALL.len());
        let direct: Vec<_> = Function::ALL.iter().filter_map(|f| f.direct_path()).collect();
        assert_eq!(direct.len(), 21, "the 20 spec functions plus selectInvoiceDetails");
        assert_eq!(direct.iter().collect::<BTreeSet<_>>().len(), 21);
        for f in Function::ALL {
            assert_eq!(Function::from_gateway_path(f.gateway_path()), Some(f));
            if let Some(p) = f.direct_path() {
                assert_eq!(Function::from_direct_path(&format!("/{p}")), Some(f));
            }
        }
        assert_eq!(Function::from_gateway_path("/insert/stockIO"), Some(Function::InsertStockIO));
        assert_eq!(Function::from_direct_path("selectSalesTransactions"), None);
        assert_eq!(Function::from_gateway_path("select-code-list"), None);
    }

    #[test]
    fn spec_table_paths() {
        for (f, direct, gateway) in [
            (Function::Initialize, Some("selectInitOsdcInfo"), "initialize"),
            (Function::SaveTrnsSalesOsdc, Some("saveTrnsSalesOsdc"), "sendSalesTransaction"),
            (Function::SelectStockMoveList, Some("selectStockMoveList"), "selectStockMoveLists"),
            (Function::SaveStockMaster, Some("saveStockMaster"), "save/stockMaster"),
            (Function::SelectInvoiceDetails, Some("selectInvoiceDetails"), "selectInvoiceDetail"),
            (Function::SelectTaxpayerInfo, None, "selectTaxpayerInfo"),
        ] {
            assert_eq!(f.direct_path(), direct);
            assert_eq!(f.gateway_path(), gateway);
        }
    }
}
