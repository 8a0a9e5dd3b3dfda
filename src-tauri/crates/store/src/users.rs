//! The people at the till: names, roles, PIN hashes, the active flag, and the failed sign-ins
//! that lock a user for a while. Users are never deleted; every change is audited in the same
//! transaction. The PIN hash is read only by [`pin_hash`], never with the user.

use domain::{DateTime, Role};
use rusqlite::{OptionalExtension, params};

use crate::{CommitMeta, DocumentKind, DocumentRef, Error, Reader, Result, Tx, audit, codec, error::During};

/// A user as the screens and the use cases see them (no PIN hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Wrong PINs in a row since the last good one.
    pub failed_sign_ins: u32,
    pub locked_until: Option<DateTime>,
    pub created_at: DateTime,
    pub created_by: String,
    pub changed_at: DateTime,
    pub changed_by: String,
}

const COLUMNS: &str = "id, name, role, active, failed_sign_ins, locked_until, created_at, created_by, changed_at, \
                       changed_by";

fn role(value: &str) -> Result<Role> {
    codec::stored("a role", value, Role::parse(value).ok())
}

fn read_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 10]> {
    Ok([
        Some(r.get::<_, i64>(0)?.to_string()),
        Some(r.get(1)?),
        Some(r.get(2)?),
        Some(r.get::<_, i64>(3)?.to_string()),
        Some(r.get::<_, i64>(4)?.to_string()),
        r.get(5)?,
        Some(r.get(6)?),
        Some(r.get(7)?),
        Some(r.get(8)?),
        Some(r.get(9)?),
    ])
}

fn to_user(row: [Option<String>; 10]) -> Result<StoredUser> {
    let [id, name, role_text, active, failed, locked, created_at, created_by, changed_at, changed_by] = row;
    let text = |v: Option<String>| v.unwrap_or_default();
    let number = |what, v: Option<String>| -> Result<i64> {
        let v = text(v);
        codec::stored(what, &v, v.parse().ok())
    };
    Ok(StoredUser {
        id: number("a user id", id)?,
        name: text(name),
        role: role(&text(role_text))?,
        active: number("a user's active flag", active)? == 1,
        failed_sign_ins: u32::try_from(number("failed sign-ins", failed)?).unwrap_or(u32::MAX),
        locked_until: locked.as_deref().map(codec::datetime).transpose()?,
        created_at: codec::datetime(&text(created_at))?,
        created_by: text(created_by),
        changed_at: codec::datetime(&text(changed_at))?,
        changed_by: text(changed_by),
    })
}

fn user_ref(id: i64) -> Option<DocumentRef> {
    Some(DocumentRef::new(DocumentKind::User, id))
}

/// How many users the shop has, active or not (none: the owner must be created first).
pub fn count(conn: &Reader<'_>) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).during("count the users")
}

/// How many active owners the shop has.
pub fn active_owners(conn: &Reader<'_>) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'owner' AND active = 1", [], |r| r.get(0))
        .during("count the owners")
}

/// The user called `name`, whatever its case.
pub fn by_name(conn: &Reader<'_>, name: &str) -> Result<Option<StoredUser>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"), [name.trim()], read_user)
        .optional()
        .during("read a user")?
        .map(to_user)
        .transpose()
}

/// Every user by name; only the active ones unless `with_inactive`.
pub fn list(conn: &Reader<'_>, with_inactive: bool) -> Result<Vec<StoredUser>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE active = 1 OR ?1 ORDER BY name COLLATE NOCASE, id"))
        .during("list the users")?;
    let rows = stmt
        .query_map([with_inactive], read_user)
        .during("list the users")?
        .collect::<Result<Vec<_>, _>>()
        .during("list the users")?;
    rows.into_iter().map(to_user).collect()
}

/// The stored Argon2id hash (PHC string) of a user's PIN, for checking a PIN against it.
pub fn pin_hash(conn: &Reader<'_>, id: i64) -> Result<String> {
    conn.query_row("SELECT pin_hash FROM users WHERE id = ?1", [id], |r| r.get(0))
        .optional()
        .during("read a user's PIN")?
        .ok_or(Error::DocumentNotFound { kind: "user", id })
}

/// Adds a user (audited as `meta.user`). A name already taken, in any case, is refused.
pub fn add(tx: &Tx<'_>, name: &str, role: Role, pin_hash: &str, meta: &CommitMeta<'_>) -> Result<i64> {
    if let Some(existing) = by_name(tx, name)? {
        return Err(Error::UserExists { name: existing.name });
    }
    tx.execute(
        "INSERT INTO users (name, role, pin_hash, created_at, created_by, changed_at, changed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
        params![name, role.as_str(), pin_hash, meta.at.kra(), meta.user],
    )
    .during("add a user")?;
    let id = tx.last_insert_rowid();
    audit::append_as(tx, meta, "add user", user_ref(id), Some(&format!("{name} as {role}")))?;
    Ok(id)
}

fn change(tx: &Tx<'_>, id: i64, set: &str, value: &dyn rusqlite::ToSql, meta: &CommitMeta<'_>) -> Result<()> {
    let changed = tx
        .execute(
            &format!("UPDATE users SET {set} = ?1, changed_at = ?2, changed_by = ?3 WHERE id = ?4"),
            params![value, meta.at.kra(), meta.user, id],
        )
        .during("change a user")?;
    if changed == 0 {
        return Err(Error::DocumentNotFound { kind: "user", id });
    }
    Ok(())
}

/// Gives a user another role (audited).
pub fn set_role(tx: &Tx<'_>, id: i64, role: Role, meta: &CommitMeta<'_>) -> Result<()> {
    change(tx, id, "role", &role.as_str(), meta)?;
    audit::append_as(tx, meta, "change role", user_ref(id), Some(role.as_str()))?;
    Ok(())
}

/// Replaces a user's PIN hash and lifts any lock (audited, without the hash).
pub fn set_pin_hash(tx: &Tx<'_>, id: i64, pin_hash: &str, meta: &CommitMeta<'_>) -> Result<()> {
    change(tx, id, "pin_hash", &pin_hash, meta)?;
    tx.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1", [id])
        .during("change a user")?;
    audit::append_as(tx, meta, "reset PIN", user_ref(id), None)?;
    Ok(())
}

/// Deactivates a user: they leave the lock screen and can no longer sign in, and every document
/// keeps naming them (audited).
pub fn deactivate(tx: &Tx<'_>, id: i64, meta: &CommitMeta<'_>) -> Result<()> {
    change(tx, id, "active", &0, meta)?;
    audit::append_as(tx, meta, "deactivate user", user_ref(id), None)?;
    Ok(())
}

/// Records a wrong PIN for `user` at `at` (audited as a failed sign-in); `lock_until` locks the
/// user until then. Returns the wrong PINs in a row so far.
pub fn record_failed_sign_in(
    tx: &Tx<'_>,
    user: &StoredUser,
    at: DateTime,
    lock_until: Option<DateTime>,
) -> Result<u32> {
    // A lock that has run out by `at` starts the count again.
    tx.execute(
        "UPDATE users SET
             failed_sign_ins = CASE WHEN locked_until IS NOT NULL AND locked_until <= ?3 THEN 1
                                    ELSE failed_sign_ins + 1 END,
             locked_until = CASE WHEN ?2 IS NOT NULL THEN ?2
                                 WHEN locked_until IS NOT NULL AND locked_until <= ?3 THEN NULL
                                 ELSE locked_until END
         WHERE id = ?1",
        params![user.id, lock_until.map(DateTime::kra), at.kra()],
    )
    .during("record a failed sign-in")?;
    let failed: i64 = tx
        .query_row("SELECT failed_sign_ins FROM users WHERE id = ?1", [user.id], |r| r.get(0))
        .during("record a failed sign-in")?;
    let detail = match lock_until {
        Some(until) => format!("wrong PIN {failed} in a row; locked until {until}"),
        None => format!("wrong PIN {failed} in a row"),
    };
    audit::append(tx, at, &user.name, "failed sign-in", user_ref(user.id), Some(&detail))?;
    Ok(u32::try_from(failed).unwrap_or(u32::MAX))
}

/// Records a sign-in refused before its PIN was checked (unknown name, inactive or locked user).
pub fn record_refused_sign_in(tx: &Tx<'_>, name: &str, at: DateTime, why: &str) -> Result<()> {
    audit::append(tx, at, name, "failed sign-in", None, Some(why))?;
    Ok(())
}

/// Records a good PIN, given to sign in or to `approve` something: the count of wrong ones starts
/// again and any lock is lifted.
pub fn record_sign_in(tx: &Tx<'_>, user: &StoredUser, at: DateTime, approve: bool) -> Result<()> {
    tx.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?1", [user.id])
        .during("record a sign-in")?;
    let action = if approve { "PIN given to approve" } else { "sign in" };
    audit::append(tx, at, &user.name, action, user_ref(user.id), None)?;
    Ok(())
}

/// A number the owner sets for the people at the till, in `shop_preferences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TillLimit {
    /// The biggest discount a cashier gives alone, in hundredths of a percent (1000 = 10 %).
    DiscountLimit,
    /// Minutes without use after which the till locks.
    IdleLockMinutes,
}

impl TillLimit {
    fn name(self) -> &'static str {
        match self {
            TillLimit::DiscountLimit => "discount_limit",
            TillLimit::IdleLockMinutes => "idle_lock_minutes",
        }
    }
}

/// The owner's setting, `None` until one was made.
pub fn till_limit(conn: &Reader<'_>, limit: TillLimit) -> Result<Option<i64>> {
    let value: Option<String> = conn
        .query_row("SELECT value FROM shop_preferences WHERE name = ?1", [limit.name()], |r| r.get(0))
        .optional()
        .during("read a till limit")?;
    value.map(|v| codec::stored("a till limit", &v, v.parse().ok())).transpose()
}

/// Records the owner's setting (audited as `meta.user`).
pub fn set_till_limit(tx: &Tx<'_>, limit: TillLimit, value: i64, meta: &CommitMeta<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO shop_preferences (name, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![limit.name(), value.to_string(), meta.at.kra()],
    )
    .during("save a till limit")?;
    audit::append_as(tx, meta, "set till limit", None, Some(&format!("{} = {value}", limit.name())))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, testing};

    fn meta(user: &str) -> CommitMeta<'_> {
        CommitMeta::new(testing::now(), user, false)
    }

    #[test]
    fn users_are_unique_by_name_whatever_the_case_and_never_deleted() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(count).unwrap(), 0);
        let id = store.write(|tx| add(tx, "Wanjiku", Role::Owner, "$argon2id$hash", &meta("Wanjiku"))).unwrap();
        let again = store.write(|tx| add(tx, "wanjiku", Role::Cashier, "$argon2id$x", &meta("Wanjiku")));
        assert!(matches!(again, Err(Error::UserExists { ref name }) if name == "Wanjiku"), "{again:?}");
        let found = store.read(|c| by_name(c, " WANJIKU ")).unwrap().unwrap();
        assert_eq!((found.id, found.role, found.active), (id, Role::Owner, true));
        assert_eq!(store.read(|c| pin_hash(c, id)).unwrap(), "$argon2id$hash");
        assert!(!format!("{found:?}").contains("argon2"), "the hash stays out of the user");

        let deleted = store.write(|tx| tx.execute("DELETE FROM users", []).during("delete"));
        assert!(deleted.is_err(), "users are never deleted");
        let renamed = store.write(|tx| tx.execute("UPDATE users SET name = 'Other'", []).during("rename"));
        assert!(renamed.is_err(), "a user keeps their name");
    }

    #[test]
    fn changes_are_audited_with_who_made_them() {
        let store = Store::open_in_memory().unwrap();
        let owner = store.write(|tx| add(tx, "Wanjiku", Role::Owner, "h1", &meta("Wanjiku"))).unwrap();
        let cashier = store.write(|tx| add(tx, "Otieno", Role::Cashier, "h2", &meta("Wanjiku"))).unwrap();
        store.write(|tx| set_role(tx, cashier, Role::Supervisor, &meta("Wanjiku"))).unwrap();
        store.write(|tx| set_pin_hash(tx, cashier, "h3", &meta("Wanjiku"))).unwrap();
        store.write(|tx| deactivate(tx, cashier, &meta("Wanjiku"))).unwrap();
        assert_eq!(store.read(|c| list(c, false)).unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), [owner]);
        let all = store.read(|c| list(c, true)).unwrap();
        assert_eq!(all.len(), 2);
        let otieno = all.iter().find(|u| u.id == cashier).unwrap();
        assert_eq!((otieno.role, otieno.active, otieno.changed_by.as_str()), (Role::Supervisor, false, "Wanjiku"));
        assert_eq!(store.read(active_owners).unwrap(), 1);
        let audit = store.read(|c| audit::recent(c, 10)).unwrap();
        let actions: Vec<_> = audit.iter().rev().map(|e| (e.action.as_str(), e.user.as_str())).collect();
        assert_eq!(
            actions,
            [
                ("add user", "Wanjiku"),
                ("add user", "Wanjiku"),
                ("change role", "Wanjiku"),
                ("reset PIN", "Wanjiku"),
                ("deactivate user", "Wanjiku")
            ]
        );
        assert!(audit.iter().all(|e| e.detail.as_deref().is_none_or(|d| !d.contains("h3"))));
    }

    #[test]
    fn failed_sign_ins_count_lock_and_reset() {
        let store = Store::open_in_memory().unwrap();
        store.write(|tx| add(tx, "Otieno", Role::Cashier, "h", &meta("Otieno"))).unwrap();
        let user = store.read(|c| by_name(c, "otieno")).unwrap().unwrap();
        let at = testing::now();
        assert_eq!(store.write(|tx| record_failed_sign_in(tx, &user, at, None)).unwrap(), 1);
        let until = at.plus_minutes(5);
        assert_eq!(store.write(|tx| record_failed_sign_in(tx, &user, at, Some(until))).unwrap(), 2);
        let locked = store.read(|c| by_name(c, "Otieno")).unwrap().unwrap();
        assert_eq!((locked.failed_sign_ins, locked.locked_until), (2, Some(until)));
        store.write(|tx| record_sign_in(tx, &user, at, false)).unwrap();
        let back = store.read(|c| by_name(c, "Otieno")).unwrap().unwrap();
        assert_eq!((back.failed_sign_ins, back.locked_until), (0, None));
        let audit = store.read(|c| audit::recent(c, 10)).unwrap();
        assert_eq!(audit.iter().filter(|e| e.action == "failed sign-in" && e.user == "Otieno").count(), 2);
    }

    #[test]
    fn till_limits_are_kept() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(|c| till_limit(c, TillLimit::DiscountLimit)).unwrap(), None);
        store.write(|tx| set_till_limit(tx, TillLimit::DiscountLimit, 1500, &meta("Wanjiku"))).unwrap();
        store.write(|tx| set_till_limit(tx, TillLimit::IdleLockMinutes, 3, &meta("Wanjiku"))).unwrap();
        assert_eq!(store.read(|c| till_limit(c, TillLimit::DiscountLimit)).unwrap(), Some(1500));
        assert_eq!(store.read(|c| till_limit(c, TillLimit::IdleLockMinutes)).unwrap(), Some(3));
    }
}
