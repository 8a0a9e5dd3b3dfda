//! KRA reference data as KRA (or the simulator) sends it: code lists, item classifications,
//! branches, notices, and the shop's customers. Nothing here is seeded: an empty table means the
//! list has not been pulled yet. Also the domain's views of it: [`KraCodeLists`] and [`tax_rates`].

use std::collections::BTreeSet;

use domain::{CodeLists, DateTime, TaxRates};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Reader, Result, Tx, error::During};

/// Code-list class numbers the store reads itself.
pub const CLASS_TAX_TYPE: &str = "04";
pub const CLASS_COUNTRY: &str = "05";
pub const CLASS_QUANTITY_UNIT: &str = "10";
pub const CLASS_PACKAGING_UNIT: &str = "17";

/// A code class (`clsList[]` entry, without its codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeClass {
    pub class: String,
    pub name: String,
    pub description: Option<String>,
    pub in_use: bool,
    pub user_names: [Option<String>; 3],
}

/// One code of a class (`dtlList[]` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub class: String,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub in_use: bool,
    pub sort_order: Option<i64>,
    /// `userDfnCd1..3` (for class 04, `userDfnCd1` is the rate).
    pub user_codes: [Option<String>; 3],
}

/// Saves (inserts or replaces) classes and codes from `selectCodeList`.
pub fn save_code_list(tx: &Tx<'_>, classes: &[CodeClass], codes: &[Code]) -> Result<()> {
    let mut class_stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO code_classes (class, name, description, in_use, user_name1, user_name2, user_name3)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .during("save KRA's code list")?;
    for c in classes {
        let [a, b, d] = &c.user_names;
        class_stmt
            .execute(params![c.class, c.name, c.description, c.in_use, a, b, d])
            .during("save KRA's code list")?;
    }
    let mut code_stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO code_list (class, code, name, description, in_use, sort_order, user_code1,
                                               user_code2, user_code3)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .during("save KRA's code list")?;
    for c in codes {
        let [a, b, d] = &c.user_codes;
        code_stmt
            .execute(params![c.class, c.code, c.name, c.description, c.in_use, c.sort_order, a, b, d])
            .during("save KRA's code list")?;
    }
    Ok(())
}

/// The codes of one class, in KRA's sort order.
pub fn codes(conn: &Reader<'_>, class: &str) -> Result<Vec<Code>> {
    conn.prepare_cached(
        "SELECT class, code, name, description, in_use, sort_order, user_code1, user_code2, user_code3
         FROM code_list WHERE class = ?1 ORDER BY sort_order, code",
    )
    .and_then(|mut s| {
        s.query_map([class], |r| {
            Ok(Code {
                class: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                description: r.get(3)?,
                in_use: r.get(4)?,
                sort_order: r.get(5)?,
                user_codes: [r.get(6)?, r.get(7)?, r.get(8)?],
            })
        })?
        .collect()
    })
    .during("read KRA's code list")
}

/// The code classes saved so far.
pub fn code_classes(conn: &Reader<'_>) -> Result<Vec<CodeClass>> {
    conn.prepare_cached(
        "SELECT class, name, description, in_use, user_name1, user_name2, user_name3 FROM code_classes ORDER BY class",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(CodeClass {
                class: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                in_use: r.get(3)?,
                user_names: [r.get(4)?, r.get(5)?, r.get(6)?],
            })
        })?
        .collect()
    })
    .during("read KRA's code classes")
}

/// The unit and country lists an item is checked against, loaded from the code-list tables.
#[derive(Debug, Clone, Default)]
pub struct KraCodeLists {
    packaging: BTreeSet<String>,
    quantity: BTreeSet<String>,
    countries: BTreeSet<String>,
}

impl KraCodeLists {
    /// Codes in use of classes 17 (packaging), 10 (quantity) and 05 (countries).
    pub fn load(conn: &Reader<'_>) -> Result<KraCodeLists> {
        let set = |class: &str| -> Result<BTreeSet<String>> {
            Ok(codes(conn, class)?.into_iter().filter(|c| c.in_use).map(|c| c.code).collect())
        };
        Ok(KraCodeLists {
            packaging: set(CLASS_PACKAGING_UNIT)?,
            quantity: set(CLASS_QUANTITY_UNIT)?,
            countries: set(CLASS_COUNTRY)?,
        })
    }

    /// True when none of the three lists has been pulled yet.
    pub fn is_empty(&self) -> bool {
        self.packaging.is_empty() && self.quantity.is_empty() && self.countries.is_empty()
    }
}

impl CodeLists for KraCodeLists {
    fn is_packaging_unit(&self, code: &str) -> bool {
        self.packaging.contains(code)
    }
    fn is_quantity_unit(&self, code: &str) -> bool {
        self.quantity.contains(code)
    }
    fn is_country(&self, code: &str) -> bool {
        self.countries.contains(code)
    }
}

/// The rate of every band, from class 04 (`userDfnCd1`).
pub fn tax_rates(conn: &Reader<'_>) -> Result<TaxRates> {
    let rows = codes(conn, CLASS_TAX_TYPE)?;
    let pairs: Vec<(String, String)> =
        rows.into_iter().filter_map(|c| c.user_codes[0].clone().map(|rate| (c.code, rate))).collect();
    TaxRates::from_code_list(pairs.iter().map(|(c, r)| (c.as_str(), r.as_str())))
        .map_err(|source| Error::TaxRates { source })
}

/// An item classification (`itemClsList[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemClass {
    pub code: String,
    pub name: String,
    pub level: Option<i64>,
    pub tax_band: Option<String>,
    pub major_target: Option<bool>,
    pub in_use: bool,
}

pub fn save_item_classes(tx: &Tx<'_>, classes: &[ItemClass]) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO item_classes (code, name, level, tax_band, major_target, in_use)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .during("save item classifications")?;
    for c in classes {
        stmt.execute(params![c.code, c.name, c.level, c.tax_band, c.major_target, c.in_use])
            .during("save item classifications")?;
    }
    Ok(())
}

/// Classifications in use whose name or code contains `text`, by code.
pub fn find_item_classes(conn: &Reader<'_>, text: &str, limit: usize) -> Result<Vec<ItemClass>> {
    let pattern = format!("%{}%", text.trim().replace(['%', '_'], ""));
    conn.prepare_cached(
        "SELECT code, name, level, tax_band, major_target, in_use FROM item_classes
         WHERE in_use = 1 AND (name LIKE ?1 OR code LIKE ?1) ORDER BY code LIMIT ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![pattern, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(ItemClass {
                code: r.get(0)?,
                name: r.get(1)?,
                level: r.get(2)?,
                tax_band: r.get(3)?,
                major_target: r.get(4)?,
                in_use: r.get(5)?,
            })
        })?
        .collect()
    })
    .during("search item classifications")
}

/// A branch of the taxpayer (`bhfList[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Branch {
    pub tin: String,
    pub branch_id: String,
    pub name: String,
    pub status: Option<String>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub sector: Option<String>,
    pub location: Option<String>,
    pub manager_name: Option<String>,
    pub manager_phone: Option<String>,
    pub manager_email: Option<String>,
    pub is_hq: bool,
}

pub fn save_branches(tx: &Tx<'_>, branches: &[Branch]) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT OR REPLACE INTO branches (tin, branch_id, name, status, province, district, sector, location,
                                              manager_name, manager_phone, manager_email, is_hq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .during("save branches")?;
    for b in branches {
        stmt.execute(params![
            b.tin,
            b.branch_id,
            b.name,
            b.status,
            b.province,
            b.district,
            b.sector,
            b.location,
            b.manager_name,
            b.manager_phone,
            b.manager_email,
            b.is_hq
        ])
        .during("save branches")?;
    }
    Ok(())
}

pub fn branches(conn: &Reader<'_>) -> Result<Vec<Branch>> {
    conn.prepare_cached(
        "SELECT tin, branch_id, name, status, province, district, sector, location, manager_name, manager_phone,
                manager_email, is_hq FROM branches ORDER BY tin, branch_id",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(Branch {
                tin: r.get(0)?,
                branch_id: r.get(1)?,
                name: r.get(2)?,
                status: r.get(3)?,
                province: r.get(4)?,
                district: r.get(5)?,
                sector: r.get(6)?,
                location: r.get(7)?,
                manager_name: r.get(8)?,
                manager_phone: r.get(9)?,
                manager_email: r.get(10)?,
                is_hq: r.get(11)?,
            })
        })?
        .collect()
    })
    .during("read branches")
}

/// A notice from KRA (`noticeList[]`), with whether the shopkeeper has read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub notice_no: i64,
    pub title: String,
    pub content: String,
    pub detail_url: Option<String>,
    pub registered_by: Option<String>,
    /// `regDt` as KRA sent it.
    pub registered_at: Option<String>,
    pub read: bool,
}

/// Saves notices; a notice already saved keeps its read flag.
pub fn save_notices(tx: &Tx<'_>, notices: &[Notice]) -> Result<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO notices (notice_no, title, content, detail_url, registered_by, registered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (notice_no) DO UPDATE SET title = excluded.title, content = excluded.content,
                 detail_url = excluded.detail_url, registered_by = excluded.registered_by,
                 registered_at = excluded.registered_at",
        )
        .during("save notices")?;
    for n in notices {
        stmt.execute(params![n.notice_no, n.title, n.content, n.detail_url, n.registered_by, n.registered_at])
            .during("save notices")?;
    }
    Ok(())
}

/// Notices, newest first.
pub fn notices(conn: &Reader<'_>) -> Result<Vec<Notice>> {
    conn.prepare_cached(
        "SELECT notice_no, title, content, detail_url, registered_by, registered_at, is_read FROM notices
         ORDER BY notice_no DESC",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(Notice {
                notice_no: r.get(0)?,
                title: r.get(1)?,
                content: r.get(2)?,
                detail_url: r.get(3)?,
                registered_by: r.get(4)?,
                registered_at: r.get(5)?,
                read: r.get(6)?,
            })
        })?
        .collect()
    })
    .during("read notices")
}

pub fn mark_notice_read(tx: &Tx<'_>, notice_no: i64) -> Result<()> {
    let n =
        tx.execute("UPDATE notices SET is_read = 1 WHERE notice_no = ?1", [notice_no]).during("mark a notice read")?;
    if n == 0 {
        return Err(Error::DocumentNotFound { kind: "notice", id: notice_no });
    }
    Ok(())
}

/// A customer of the shop (buyer PIN and name for invoices).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Customer {
    pub id: i64,
    pub pin: Option<String>,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub remark: Option<String>,
}

/// Adds a customer (`id` 0) or changes one; returns its id. Customers are switched off, not deleted.
pub fn save_customer(tx: &Tx<'_>, c: &Customer, at: DateTime) -> Result<i64> {
    if c.id == 0 {
        tx.execute(
            "INSERT INTO customers (pin, name, address, phone, email, active, remark, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![c.pin, c.name, c.address, c.phone, c.email, c.active, c.remark, at.kra()],
        )
        .during("add the customer")?;
        Ok(tx.last_insert_rowid())
    } else {
        let n = tx
            .execute(
                "UPDATE customers SET pin = ?2, name = ?3, address = ?4, phone = ?5, email = ?6, active = ?7,
                                      remark = ?8, updated_at = ?9 WHERE id = ?1",
                params![c.id, c.pin, c.name, c.address, c.phone, c.email, c.active, c.remark, at.kra()],
            )
            .during("change the customer")?;
        if n == 0 {
            return Err(Error::DocumentNotFound { kind: "customer", id: c.id });
        }
        Ok(c.id)
    }
}

fn customer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        pin: r.get(1)?,
        name: r.get(2)?,
        address: r.get(3)?,
        phone: r.get(4)?,
        email: r.get(5)?,
        active: r.get(6)?,
        remark: r.get(7)?,
    })
}

pub fn customer_by_pin(conn: &Reader<'_>, pin: &str) -> Result<Option<Customer>> {
    conn.query_row(
        "SELECT id, pin, name, address, phone, email, active, remark FROM customers WHERE pin = ?1",
        [pin.trim().to_ascii_uppercase()],
        customer_row,
    )
    .optional()
    .during("find a customer")
}

/// Active customers whose name or PIN contains `text`, by name.
pub fn find_customers(conn: &Reader<'_>, text: &str, limit: usize) -> Result<Vec<Customer>> {
    let pattern = format!("%{}%", text.trim().replace(['%', '_'], ""));
    conn.prepare_cached(
        "SELECT id, pin, name, address, phone, email, active, remark FROM customers
         WHERE active = 1 AND (name LIKE ?1 OR pin LIKE ?1) ORDER BY name LIMIT ?2",
    )
    .and_then(|mut s| s.query_map(params![pattern, i64::try_from(limit).unwrap_or(i64::MAX)], customer_row)?.collect())
    .during("find customers")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, testing::now};

    fn code(class: &str, code: &str, rate: Option<&str>, in_use: bool) -> Code {
        Code {
            class: class.into(),
            code: code.into(),
            name: code.into(),
            description: None,
            in_use,
            sort_order: None,
            user_codes: [rate.map(Into::into), None, None],
        }
    }

    #[test]
    fn code_lists_feed_item_checks_and_tax_rates() {
        let store = Store::open_in_memory().unwrap();
        // Nothing is seeded.
        assert!(store.read(KraCodeLists::load).unwrap().is_empty());
        let err = store.read(tax_rates).unwrap_err();
        assert!(err.to_string().contains("sync the code lists first"), "{err}");
        let list = vec![
            code("04", "A", Some("0"), true),
            code("04", "B", Some("16"), true),
            code("04", "C", Some("0"), true),
            code("04", "D", Some("0"), true),
            code("04", "E", Some("8"), true),
            code("17", "NT", None, true),
            code("17", "BX", None, false),
            code("10", "NO", None, true),
            code("05", "KE", None, true),
        ];
        let class = CodeClass {
            class: "04".into(),
            name: "Taxation Type".into(),
            description: None,
            in_use: true,
            user_names: [None, None, None],
        };
        store.write(|tx| save_code_list(tx, &[class], &list)).unwrap();
        let lists = store.read(KraCodeLists::load).unwrap();
        assert!(lists.is_packaging_unit("NT") && !lists.is_packaging_unit("BX"));
        assert!(lists.is_quantity_unit("NO") && lists.is_country("KE") && !lists.is_country("XX"));
        let rates = store.read(tax_rates).unwrap();
        assert_eq!(rates.rate(domain::TaxBand::E), domain::TaxRate::percent(8));
        assert_eq!(store.read(code_classes).unwrap().len(), 1);
    }

    #[test]
    fn notices_keep_their_read_flag_and_customers_are_found() {
        let store = Store::open_in_memory().unwrap();
        let n = Notice {
            notice_no: 7,
            title: "Maintenance".into(),
            content: "Down on Sunday\r\n".into(),
            detail_url: None,
            registered_by: Some("KRA".into()),
            registered_at: Some("20261120080000".into()),
            read: false,
        };
        store.write(|tx| save_notices(tx, std::slice::from_ref(&n))).unwrap();
        store.write(|tx| mark_notice_read(tx, 7)).unwrap();
        store.write(|tx| save_notices(tx, std::slice::from_ref(&n))).unwrap();
        assert!(store.read(notices).unwrap()[0].read);
        assert!(store.write(|tx| mark_notice_read(tx, 8)).is_err());

        let id = store
            .write(|tx| {
                save_customer(
                    tx,
                    &Customer {
                        pin: Some("P051234567X".into()),
                        name: "Mama Mboga Ltd".into(),
                        active: true,
                        ..Default::default()
                    },
                    now(),
                )
            })
            .unwrap();
        assert_eq!(store.read(|c| customer_by_pin(c, "p051234567x")).unwrap().unwrap().id, id);
        assert_eq!(store.read(|c| find_customers(c, "mboga", 5)).unwrap().len(), 1);
        store
            .write(|tx| {
                save_item_classes(
                    tx,
                    &[ItemClass {
                        code: "5020230500".into(),
                        name: "Sugar".into(),
                        level: Some(4),
                        tax_band: Some("B".into()),
                        major_target: None,
                        in_use: true,
                    }],
                )
            })
            .unwrap();
        assert_eq!(store.read(|c| find_item_classes(c, "sug", 5)).unwrap()[0].code, "5020230500");
        store
            .write(|tx| {
                save_branches(
                    tx,
                    &[Branch {
                        tin: "P051234567X".into(),
                        branch_id: "00".into(),
                        name: "HQ".into(),
                        is_hq: true,
                        ..Default::default()
                    }],
                )
            })
            .unwrap();
        assert_eq!(store.read(branches).unwrap().len(), 1);
    }
}
