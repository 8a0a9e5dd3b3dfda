//! Pulls of KRA's lists (code lists, item classifications, branches, notices, purchases,
//! imports), incremental by `lastReqDt` with one cursor per list, advanced only after the rows
//! are stored.

use oscu::{
    Function, Kept,
    wire::{Branch, CodeClass, ImportItem, ItemClass, Notice, PurchaseSale},
};
use store::reference;

use crate::{Engine, Error, Result, error::During};

/// A KRA list to pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PullList {
    CodeList,
    ItemClasses,
    Branches,
    Notices,
    Purchases,
    Imports,
    /// Every list above.
    All,
}

impl PullList {
    /// The lists `All` stands for, in the order they are pulled (code lists first: the tax rates
    /// come from them).
    pub const EACH: [PullList; 6] = [
        PullList::CodeList,
        PullList::ItemClasses,
        PullList::Branches,
        PullList::Notices,
        PullList::Purchases,
        PullList::Imports,
    ];

    /// The function that reads the list.
    pub fn function(self) -> Option<Function> {
        match self {
            PullList::CodeList => Some(Function::SelectCodeList),
            PullList::ItemClasses => Some(Function::SelectItemClsList),
            PullList::Branches => Some(Function::SelectBhfList),
            PullList::Notices => Some(Function::SelectNoticeList),
            PullList::Purchases => Some(Function::SelectTrnsPurchaseSalesList),
            PullList::Imports => Some(Function::SelectImportItemList),
            PullList::All => None,
        }
    }

    /// The cursor's name in the store: the function's spec name (`selectCodeList`).
    pub fn cursor_name(self) -> &'static str {
        self.function().map_or("all", Function::spec_name)
    }
}

/// What one pull stored, per list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// `(list, rows stored)` for each list pulled.
    pub stored: Vec<(PullList, usize)>,
    /// `(list, why)` for each list that failed (the others still ran; their cursors moved).
    pub failed: Vec<(PullList, String)>,
}

fn yes(flag: Option<&str>) -> bool {
    !matches!(flag.map(str::trim), Some("N" | "n"))
}

/// A list as `oscu::Client` read it.
enum Pulled {
    Codes(Vec<CodeClass>),
    ItemClasses(Vec<ItemClass>),
    Branches(Vec<Branch>),
    Notices(Vec<Notice>),
    /// Each entry kept with KRA's JSON, stored as received.
    Purchases(Vec<Kept<PurchaseSale>>),
    Imports(Vec<Kept<ImportItem>>),
    Nothing,
}

impl Engine {
    /// Pulls KRA lists incrementally (one `lastReqDt` cursor per list, advanced only after the
    /// rows are stored). A list that fails keeps its cursor and is reported; the others go on.
    pub async fn pull(&self, lists: &[PullList]) -> Result<PullReport> {
        let mut wanted: Vec<PullList> = Vec::new();
        for l in lists {
            match l {
                PullList::All => wanted.extend(PullList::EACH),
                other => wanted.push(*other),
            }
        }
        let mut seen = std::collections::HashSet::new();
        wanted.retain(|l| seen.insert(*l));
        let mut report = PullReport::default();
        for list in wanted {
            match self.pull_one(list).await {
                Ok(n) => report.stored.push((list, n)),
                Err(e) => {
                    tracing::warn!(list = list.cursor_name(), error = %e, "pulling a KRA list failed");
                    report.failed.push((list, e.to_string()));
                }
            }
        }
        Ok(report)
    }

    async fn pull_one(&self, list: PullList) -> Result<usize> {
        if list.function().is_none() {
            return Ok(0);
        }
        let cursor = self
            .store()
            .read(|c| store::settings::sync_cursor(c, list.cursor_name()))
            .during("read a sync cursor")?
            .unwrap_or_else(|| oscu::time::LAST_REQ_DT_EVERYTHING.to_owned());
        // The next cursor is one second before the question was asked: KRA lists rows changed
        // strictly after `lastReqDt` at one-second resolution, so a row changed in the same
        // second as the question comes again next time (saving is idempotent) instead of never.
        let asked_at = oscu::time::format_date_time(crate::clock::sub(self.now(), std::time::Duration::from_secs(1)));
        let client = self.client();
        let pulled = match list {
            PullList::CodeList => client.select_codes(&cursor).await.map(Pulled::Codes),
            PullList::ItemClasses => client.select_item_classes(&cursor).await.map(Pulled::ItemClasses),
            PullList::Branches => client.select_branches(&cursor).await.map(Pulled::Branches),
            PullList::Notices => client.select_notices(&cursor).await.map(Pulled::Notices),
            PullList::Purchases => client.select_purchase_sales(&cursor).await.map(Pulled::Purchases),
            PullList::Imports => client.select_import_items(&cursor).await.map(Pulled::Imports),
            PullList::All => Ok(Pulled::Nothing),
        };
        let pulled = match pulled {
            Ok(pulled) => {
                self.note_answer();
                pulled
            }
            Err(e) => {
                self.note_failure(&e);
                return Err(Error::Kra { operation: "pull a KRA list", source: e });
            }
        };
        let stored = self.store_list(list, pulled, &asked_at)?;
        Ok(stored)
    }

    fn store_list(&self, list: PullList, pulled: Pulled, asked_at: &str) -> Result<usize> {
        let name = list.cursor_name();
        let save = |f: &dyn Fn(&store::Tx<'_>) -> store::Result<usize>| {
            self.store()
                .write(|tx| {
                    let n = f(tx)?;
                    store::settings::set_sync_cursor(tx, name, asked_at)?;
                    Ok(n)
                })
                .during("store a KRA list")
        };
        match pulled {
            Pulled::Codes(cls_list) => {
                let mut classes = Vec::new();
                let mut codes = Vec::new();
                for c in cls_list {
                    let Some(class) = c.cd_cls.clone() else { continue };
                    for dt in &c.dtl_list {
                        let Some(code) = dt.cd.clone() else { continue };
                        codes.push(reference::Code {
                            class: class.clone(),
                            code,
                            name: dt.cd_nm.clone().unwrap_or_default(),
                            description: dt.cd_desc.clone(),
                            in_use: yes(dt.use_yn.as_deref()),
                            sort_order: dt.srt_ord.and_then(|o| i64::try_from(o.0).ok()),
                            user_codes: [dt.user_dfn_cd1.clone(), dt.user_dfn_cd2.clone(), dt.user_dfn_cd3.clone()],
                        });
                    }
                    classes.push(reference::CodeClass {
                        class,
                        name: c.cd_cls_nm.clone().unwrap_or_default(),
                        description: c.cd_cls_desc.clone(),
                        in_use: yes(c.use_yn.as_deref()),
                        user_names: [c.user_dfn_nm1.clone(), c.user_dfn_nm2.clone(), c.user_dfn_nm3.clone()],
                    });
                }
                save(&|tx| reference::save_code_list(tx, &classes, &codes).map(|()| codes.len()))
            }
            Pulled::ItemClasses(item_cls_list) => {
                let rows: Vec<reference::ItemClass> = item_cls_list
                    .into_iter()
                    .filter_map(|c| {
                        Some(reference::ItemClass {
                            code: c.item_cls_cd?,
                            name: c.item_cls_nm.unwrap_or_default(),
                            level: c.item_cls_lvl.and_then(|l| i64::try_from(l.0).ok()),
                            tax_band: c.tax_ty_cd,
                            major_target: c.mjr_tg_yn.as_deref().map(|y| yes(Some(y))),
                            in_use: yes(c.use_yn.as_deref()),
                        })
                    })
                    .collect();
                save(&|tx| reference::save_item_classes(tx, &rows).map(|()| rows.len()))
            }
            Pulled::Branches(bhf_list) => {
                let rows: Vec<reference::Branch> = bhf_list
                    .into_iter()
                    .filter_map(|b| {
                        Some(reference::Branch {
                            tin: b.tin?,
                            branch_id: b.bhf_id?,
                            name: b.bhf_nm.unwrap_or_default(),
                            status: b.bhf_stts_cd,
                            province: b.prvnc_nm,
                            district: b.dstrt_nm,
                            sector: b.sctr_nm,
                            location: b.loc_desc,
                            manager_name: b.mgr_nm,
                            manager_phone: b.mgr_tel_no,
                            manager_email: b.mgr_email,
                            is_hq: b.hq_yn.as_deref().is_some_and(|y| y.trim() == "Y"),
                        })
                    })
                    .collect();
                save(&|tx| reference::save_branches(tx, &rows).map(|()| rows.len()))
            }
            Pulled::Notices(notice_list) => {
                let rows: Vec<reference::Notice> = notice_list
                    .into_iter()
                    .filter_map(|n| {
                        Some(reference::Notice {
                            notice_no: i64::try_from(n.notice_no?.0).ok()?,
                            title: n.title.unwrap_or_default(),
                            content: n.cont.unwrap_or_default(),
                            detail_url: n.dtl_url,
                            registered_by: n.regr_nm,
                            registered_at: n.reg_dt,
                            read: false,
                        })
                    })
                    .collect();
                save(&|tx| reference::save_notices(tx, &rows).map(|()| rows.len()))
            }
            Pulled::Purchases(sales) => crate::feeds::store_purchases(self, sales, &save),
            Pulled::Imports(items) => crate::feeds::store_imports(self, items, &save),
            Pulled::Nothing => Ok(0),
        }
    }
}
