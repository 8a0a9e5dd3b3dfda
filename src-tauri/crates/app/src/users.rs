//! The people at the till: the first owner, users the owner manages (add, change role, reset
//! PIN, deactivate; never delete), signing in with a PIN (five wrong in a row lock the user for
//! five minutes), approvals on the spot, and the limits the owner sets for them.
//!
//! PINs are Argon2id-hashed here and checked here; neither a PIN nor its hash reaches a view, a
//! log or an error.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use domain::{Action, Money, Role, UserPin};
use store::{
    StoredUser,
    users::{self, TillLimit},
};

use crate::{
    Duka, Error, Result, SaleRequest,
    actor::{APPROVAL_MINUTES, Actor, Approval},
};

/// Wrong PINs in a row that lock a user.
pub const MAX_WRONG_PINS: u32 = 5;
/// How long a user stays locked after [`MAX_WRONG_PINS`].
pub const LOCK_MINUTES: u8 = 5;
/// The biggest discount a cashier gives alone until the owner sets another (10.00 %).
pub const DEFAULT_DISCOUNT_LIMIT: i64 = 1000;
/// Minutes without use before the till locks, until the owner sets another.
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 10;

/// A user as the lock screen and the users screen show them: never a PIN or its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserView {
    pub name: String,
    /// `owner`, `supervisor` or `cashier`.
    pub role: String,
    pub active: bool,
    /// Set while the user is locked after too many wrong PINs (`YYYYMMDDhhmmss`).
    pub locked_until: Option<String>,
}

impl From<StoredUser> for UserView {
    fn from(u: StoredUser) -> UserView {
        UserView {
            name: u.name,
            role: u.role.as_str().to_owned(),
            active: u.active,
            locked_until: u.locked_until.map(|t| t.kra()),
        }
    }
}

/// The limits the owner sets for the people at the till.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TillLimits {
    /// The biggest discount a cashier gives without approval, in percent ("10.00").
    pub discount_limit: String,
    /// Minutes without use before the till locks.
    pub idle_lock_minutes: i64,
}

fn pin(input: &str) -> Result<UserPin> {
    UserPin::parse(input).map_err(|e| Error::invalid_input("PIN", "pin", e.to_string()))
}

fn name(input: &str) -> Result<String> {
    domain::people::user_name(input).map_err(|e| Error::invalid_input("name", "name", e.to_string()))
}

/// The Argon2id hash of a PIN, as a PHC string with its own salt and parameters.
fn hash_pin(pin: &UserPin) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::invalid("PIN", format!("no randomness to protect the PIN: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| Error::invalid("PIN", format!("could not salt the PIN: {e}")))?;
    Argon2::default()
        .hash_password(pin.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::invalid("PIN", format!("could not protect the PIN: {e}")))
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(pin.as_bytes(), &h).is_ok())
}

impl Duka {
    /// True while the shop has no user: the first start must create the owner
    /// ([`Duka::create_owner`]) before anything else.
    pub fn needs_owner(&self) -> Result<bool> {
        Ok(self.store().read(users::count)? == 0)
    }

    /// Creates the shop's first user, the owner, and signs them in on this handle. Refused once
    /// the shop has a user.
    pub fn create_owner(&self, owner_name: &str, owner_pin: &str) -> Result<Actor> {
        let owner_name = name(owner_name)?;
        let hash = hash_pin(&pin(owner_pin)?)?;
        let meta_at = self.now();
        self.store().write(|tx| -> Result<_> {
            if users::count(tx)? > 0 {
                return Err(Error::OwnerExists);
            }
            let meta = store::CommitMeta::new(meta_at, &owner_name, false);
            users::add(tx, &owner_name, Role::Owner, &hash, &meta)?;
            Ok(())
        })?;
        let actor = Actor::new(owner_name, Role::Owner);
        self.set_actor(actor.clone())?;
        Ok(actor)
    }

    /// The active users by name, for the lock screen: names and roles only.
    pub fn lock_screen_users(&self) -> Result<Vec<UserView>> {
        Ok(self.store().read(|c| users::list(c, false))?.into_iter().map(UserView::from).collect())
    }

    /// Every user, deactivated ones too (the owner's users screen).
    pub fn users(&self) -> Result<Vec<UserView>> {
        self.authorize(&[Action::Users])?;
        Ok(self.store().read(|c| users::list(c, true))?.into_iter().map(UserView::from).collect())
    }

    /// Adds a user with a role and a PIN (the owner only).
    pub fn add_user(&self, user_name: &str, role: Role, user_pin: &str) -> Result<UserView> {
        let user_name = name(user_name)?;
        let hash = hash_pin(&pin(user_pin)?)?;
        self.acting(&[Action::Users], |meta| {
            Ok(self.store().write(|tx| users::add(tx, &user_name, role, &hash, meta))?)
        })?;
        self.user_view(&user_name)
    }

    /// Gives a user another role (the owner only). The last active owner stays owner.
    pub fn change_role(&self, user_name: &str, role: Role) -> Result<UserView> {
        self.acting(&[Action::Users], |meta| {
            self.store().write(|tx| -> Result<_> {
                let user = active_user(tx, user_name)?;
                if user.role == Role::Owner && role != Role::Owner && users::active_owners(tx)? <= 1 {
                    return Err(Error::LastOwner { name: user.name });
                }
                Ok(users::set_role(tx, user.id, role, meta)?)
            })
        })?;
        self.user_view(user_name)
    }

    /// Gives a user a new PIN and lifts a lock (the owner only).
    pub fn reset_pin(&self, user_name: &str, new_pin: &str) -> Result<()> {
        let hash = hash_pin(&pin(new_pin)?)?;
        self.acting(&[Action::Users], |meta| {
            self.store().write(|tx| -> Result<_> {
                let user = active_user(tx, user_name)?;
                Ok(users::set_pin_hash(tx, user.id, &hash, meta)?)
            })
        })
    }

    /// Deactivates a user (the owner only): off the lock screen, no more sign-ins; documents keep
    /// naming them. The last active owner cannot be deactivated.
    pub fn deactivate_user(&self, user_name: &str) -> Result<()> {
        self.acting(&[Action::Users], |meta| {
            self.store().write(|tx| -> Result<_> {
                let user = active_user(tx, user_name)?;
                if user.role == Role::Owner && users::active_owners(tx)? <= 1 {
                    return Err(Error::LastOwner { name: user.name });
                }
                Ok(users::deactivate(tx, user.id, meta)?)
            })
        })
    }

    /// Signs `user_name` in on this handle (and its clones) with their PIN; a quick switch of
    /// cashier is another sign-in. Every failure is audited; five wrong PINs in a row lock the
    /// user for five minutes (by the shop's clock).
    pub fn sign_in(&self, user_name: &str, user_pin: &str) -> Result<Actor> {
        let user = self.check_pin(user_name, user_pin, false)?;
        let actor = Actor::new(user.name, user.role);
        self.set_actor(actor.clone())?;
        Ok(actor)
    }

    /// A supervisor's or owner's PIN given on the spot for `action`, for the signed-in user: kept
    /// on this handle for the next use case of `action` (within two minutes), which records the
    /// approver. The approver's wrong PINs count towards their own lock.
    pub fn approve(&self, action: Action, approver: &str, approver_pin: &str) -> Result<Approval> {
        let for_whom = self.actor()?.ok_or(Error::SignInNeeded)?;
        let user = self.check_pin(approver, approver_pin, true)?;
        if !user.role.may_approve(action) {
            return Err(Error::CannotApprove { name: user.name, role: user.role, action });
        }
        let now = self.now();
        let expires = now.plus_minutes(APPROVAL_MINUTES);
        self.store().write(|tx| {
            store::audit::append(
                tx,
                now,
                &user.name,
                "approve",
                None,
                Some(&format!("{} for {}", action.as_str(), for_whom.name())),
            )
        })?;
        let approval = Approval {
            action: action.as_str().to_owned(),
            approver: user.name,
            approver_role: user.role.as_str().to_owned(),
            until: expires.kra(),
            kind: action,
            expires,
        };
        self.keep_approval(approval.clone())?;
        Ok(approval)
    }

    /// The limits the owner set (or the defaults).
    pub fn till_limits(&self) -> Result<TillLimits> {
        let (discount, idle) = self.store().read(|c| {
            Ok((users::till_limit(c, TillLimit::DiscountLimit)?, users::till_limit(c, TillLimit::IdleLockMinutes)?))
        })?;
        let discount = discount.unwrap_or(DEFAULT_DISCOUNT_LIMIT);
        Ok(TillLimits {
            discount_limit: format!("{}.{:02}", discount / 100, discount % 100),
            idle_lock_minutes: idle.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES),
        })
    }

    /// Sets the biggest discount a cashier gives without approval, in hundredths of a percent
    /// (1000 = 10 %; the owner only).
    pub fn set_discount_limit(&self, hundredths: i64) -> Result<()> {
        if !(0..=10_000).contains(&hundredths) {
            return Err(Error::invalid_input("discount limit", "discount_limit", "a percentage from 0 to 100"));
        }
        self.acting(&[Action::Settings], |meta| {
            Ok(self.store().write(|tx| users::set_till_limit(tx, TillLimit::DiscountLimit, hundredths, meta))?)
        })
    }

    /// Sets the minutes without use after which the till locks (1 to 240; the owner only).
    pub fn set_idle_lock_minutes(&self, minutes: i64) -> Result<()> {
        if !(1..=240).contains(&minutes) {
            return Err(Error::invalid_input("idle lock", "idle_lock_minutes", "between 1 and 240 minutes"));
        }
        self.acting(&[Action::Settings], |meta| {
            Ok(self.store().write(|tx| users::set_till_limit(tx, TillLimit::IdleLockMinutes, minutes, meta))?)
        })
    }

    /// What a sale asks of the role table: selling, and for a line below its item's price or a
    /// discount above the owner's limit, those too.
    pub(crate) fn sale_actions(&self, request: &SaleRequest) -> Result<Vec<Action>> {
        let limit =
            self.store().read(|c| users::till_limit(c, TillLimit::DiscountLimit))?.unwrap_or(DEFAULT_DISCOUNT_LIMIT);
        let mut actions = vec![Action::Sell];
        self.store().read(|c| -> store::Result<()> {
            for line in &request.lines {
                // A line naming no known item is refused by the sale itself, with its own message.
                let Ok(item) = crate::items::resolve(c, &line.item) else { continue };
                let price = line.price.unwrap_or(item.default_price);
                if price < item.default_price && !actions.contains(&Action::PriceBelowItemPrice) {
                    actions.push(Action::PriceBelowItemPrice);
                }
                let above = match line.discount {
                    domain::Discount::None => false,
                    domain::Discount::Percent(p) => p > limit,
                    domain::Discount::Amount(off) => {
                        let supply = price.times(line.qty).unwrap_or(Money::from_cents(i64::MAX));
                        i128::from(off.cents()) * 10_000 > i128::from(supply.cents()) * i128::from(limit)
                    }
                };
                if above && !actions.contains(&Action::DiscountAboveLimit) {
                    actions.push(Action::DiscountAboveLimit);
                }
            }
            Ok(())
        })?;
        Ok(actions)
    }

    /// Checks `user_pin` against the active user `user_name` (signing in, or `approving`),
    /// counting and auditing failures.
    fn check_pin(&self, user_name: &str, user_pin: &str, approving: bool) -> Result<StoredUser> {
        let now = self.now();
        let user = match self.store().read(|c| users::by_name(c, user_name))? {
            Some(user) if user.active => user,
            None if self.needs_owner()? => return Err(Error::OwnerNeeded),
            _ => {
                let name = user_name.trim().to_owned();
                self.store()
                    .write(|tx| users::record_refused_sign_in(tx, &name, now, "no active user of that name"))?;
                return Err(Error::UnknownUser { name });
            }
        };
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            self.store().write(|tx| users::record_refused_sign_in(tx, &user.name, now, "locked"))?;
            return Err(Error::UserLocked { name: user.name, until });
        }
        // Argon2 takes a moment: outside the write.
        let hash = self.store().read(|c| users::pin_hash(c, user.id))?;
        if UserPin::parse(user_pin).is_ok() && pin_matches(&hash, user_pin) {
            self.store().write(|tx| users::record_sign_in(tx, &user, now, approving))?;
            return Ok(user);
        }
        // A lock that has run out starts the count again.
        let expired = user.locked_until.is_some_and(|until| until <= now);
        let failed = if expired { 1 } else { user.failed_sign_ins.saturating_add(1) };
        let lock = (failed >= MAX_WRONG_PINS).then(|| now.plus_minutes(LOCK_MINUTES));
        self.store().write(|tx| users::record_failed_sign_in(tx, &user, now, lock))?;
        match lock {
            Some(until) => Err(Error::UserLocked { name: user.name, until }),
            None => Err(Error::WrongPin { name: user.name, tries_left: MAX_WRONG_PINS - failed }),
        }
    }

    fn user_view(&self, user_name: &str) -> Result<UserView> {
        let user = self.store().read(|c| users::by_name(c, user_name))?;
        user.map(UserView::from).ok_or_else(|| Error::UnknownUser { name: user_name.trim().to_owned() })
    }
}

fn active_user(tx: &store::Tx<'_>, user_name: &str) -> Result<StoredUser> {
    match users::by_name(tx, user_name)? {
        Some(user) if user.active => Ok(user),
        _ => Err(Error::UnknownUser { name: user_name.trim().to_owned() }),
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use domain::{CreditNoteReason, Discount, Qty, StockMoveType};

    use super::*;
    use crate::{
        AppOptions, CreditNoteRequest, ErrorCode, ManualClock, StockLineRequest,
        testing::{OWNER, OWNER_PIN, line, new_item, sale, shop},
    };

    /// The fixture shop with a supervisor and a cashier added by the owner, and sugar in stock.
    async fn staffed() -> (Duka, tempfile::TempDir, String) {
        let (duka, dir) = shop().await;
        duka.add_user("Achieng", Role::Supervisor, "1357").unwrap();
        duka.add_user("Otieno", Role::Cashier, "8642").unwrap();
        let sugar = duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap().code;
        duka.record_opening_stock(&[StockLineRequest { item: sugar.clone(), qty: Qty::whole(20) }]).unwrap();
        (duka, dir, sugar)
    }

    fn code<T: std::fmt::Debug>(r: Result<T>) -> ErrorCode {
        r.unwrap_err().code()
    }

    #[tokio::test]
    async fn the_wait_for_kras_signature_is_a_setting_only_the_owner_changes() {
        let (duka, _dir, _) = staffed().await;
        let wait = std::time::Duration::from_secs(2);
        duka.sign_in("Otieno", "8642").unwrap();
        assert_eq!(code(duka.set_signature_wait(wait)), ErrorCode::NotAllowed);
        duka.sign_in(OWNER, OWNER_PIN).unwrap();
        duka.set_signature_wait(wait).unwrap();
        assert_eq!(duka.signature_wait().unwrap(), wait);
        let audit = duka.store().read(|c| store::audit::recent(c, 5)).unwrap();
        assert!(audit.iter().any(|e| e.action == "set signature wait" && e.user == OWNER), "{audit:?}");
    }

    #[tokio::test]
    async fn a_shop_with_no_user_gets_its_owner_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
        assert!(duka.needs_owner().unwrap());
        let policy = || duka.set_stock_policy(domain::StockPolicy::Refuse);
        assert_eq!(code(policy()), ErrorCode::OwnerNeeded);
        assert_eq!(code(duka.issue_z_report()), ErrorCode::OwnerNeeded);
        assert_eq!(code(duka.create_owner("Wanjiku", "12")), ErrorCode::InvalidInput);
        let owner = duka.create_owner("Wanjiku", "4711").unwrap();
        assert_eq!((owner.name(), owner.role()), ("Wanjiku", Role::Owner));
        assert!(!duka.needs_owner().unwrap());
        assert_eq!(code(duka.create_owner("Mallory", "1111")), ErrorCode::Refused);
        duka.sign_out().unwrap();
        assert_eq!(code(policy()), ErrorCode::SignInNeeded);
        duka.sign_in("wanjiku", "4711").unwrap();
        policy().unwrap();
        let names: Vec<_> = duka.lock_screen_users().unwrap().into_iter().map(|u| (u.name, u.role)).collect();
        assert_eq!(names, [("Wanjiku".to_owned(), "owner".to_owned())]);
    }

    #[tokio::test]
    async fn each_role_meets_the_table_in_the_use_cases() {
        let (duka, _dir, sugar) = staffed().await;
        let stock = || {
            duka.adjust_stock(
                StockMoveType::AdjustmentOut,
                &[StockLineRequest { item: sugar.clone(), qty: Qty::whole(1) }],
                None,
            )
        };

        let practice = crate::TrainingRequest { shop_name: "Practice".into() };
        duka.sign_in("Otieno", "8642").unwrap();
        duka.make_sale(&sale(vec![line(&sugar, 1)])).unwrap();
        duka.x_report().unwrap();
        for refused in [
            code(stock()),
            code(duka.register_item(&new_item("Tea", 100))),
            code(duka.backup_now(None)),
            code(duka.backup_now(Some("correct horse battery"))),
            code(duka.set_stock_policy(domain::StockPolicy::AllowNegative)),
            code(duka.add_user("Eve", Role::Owner, "0000")),
            code(duka.users()),
            code(duka.reject_purchase(1)),
            code(duka.set_discount_limit(5000)),
            code(duka.start_training(&practice).await),
        ] {
            assert_eq!(refused, ErrorCode::NotAllowed);
        }
        assert_eq!(code(duka.issue_z_report()), ErrorCode::ApprovalNeeded);

        duka.sign_in("Achieng", "1357").unwrap();
        stock().unwrap();
        duka.register_item(&new_item("Tea", 100)).unwrap();
        duka.backup_now(None).unwrap();
        duka.issue_z_report().unwrap();
        for refused in [
            code(duka.backup_now(Some("correct horse battery"))),
            code(duka.set_stock_policy(domain::StockPolicy::AllowNegative)),
            code(duka.add_user("Eve", Role::Owner, "0000")),
            code(duka.stage_restore(std::path::Path::new("nowhere.db"), None)),
            code(duka.set_idle_lock_minutes(3)),
            code(duka.start_training(&practice).await),
        ] {
            assert_eq!(refused, ErrorCode::NotAllowed);
        }
        let e = duka.set_stock_policy(domain::StockPolicy::AllowNegative).unwrap_err();
        assert!(e.to_string().contains("only the owner"), "{e}");

        duka.sign_in(OWNER, OWNER_PIN).unwrap();
        duka.set_stock_policy(domain::StockPolicy::AllowNegative).unwrap();
        duka.set_idle_lock_minutes(3).unwrap();
        assert_eq!(duka.till_limits().unwrap().idle_lock_minutes, 3);
        assert_eq!(duka.users().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_credit_note_by_a_cashier_names_the_supervisor_who_approved_it_once() {
        let (duka, _dir, sugar) = staffed().await;
        duka.sign_in("Otieno", "8642").unwrap();
        let sold = duka.make_sale(&sale(vec![line(&sugar, 3)])).unwrap();
        let note = || CreditNoteRequest {
            invoice: sold.trader_no.clone(),
            reason: CreditNoteReason::Refund,
            lines: vec![(sugar.clone(), Qty::whole(1))],
        };
        assert_eq!(code(duka.issue_credit_note(&note())), ErrorCode::ApprovalNeeded);
        assert_eq!(code(duka.approve(Action::CreditNote, "Otieno", "8642")), ErrorCode::NotAllowed);
        assert_eq!(code(duka.approve(Action::CreditNote, "Achieng", "0000")), ErrorCode::WrongPin);
        let approval = duka.approve(Action::CreditNote, "achieng", "1357").unwrap();
        assert_eq!((approval.approver.as_str(), approval.approver_role.as_str()), ("Achieng", "supervisor"));
        // An approval for one action approves nothing else.
        assert_eq!(code(duka.issue_z_report()), ErrorCode::ApprovalNeeded);
        let credited = duka.issue_credit_note(&note()).unwrap();
        assert_eq!(code(duka.issue_credit_note(&note())), ErrorCode::ApprovalNeeded, "an approval is used once");

        let audit = duka.store().read(|c| store::audit::recent(c, 50)).unwrap();
        let row = audit.iter().find(|e| e.action == "credit").unwrap();
        assert_eq!((row.user.as_str(), row.approved_by.as_deref()), ("Otieno", Some("Achieng")));
        assert!(row.detail.as_deref().unwrap().contains(&credited.trader_no));
        let sell = audit.iter().find(|e| e.action == "sell").unwrap();
        assert_eq!((sell.user.as_str(), sell.approved_by.as_deref()), ("Otieno", None));
        let stored = duka.store().read(|c| store::sales::load_sale(c, sold.sale_id)).unwrap();
        assert_eq!(stored.user, "Otieno", "the sale names its cashier");
    }

    #[tokio::test]
    async fn a_price_below_the_items_or_a_discount_above_the_limit_needs_an_approval() {
        let (duka, _dir, sugar) = staffed().await;
        duka.sign_in("Otieno", "8642").unwrap();
        let priced = |price: i64, discount: Discount| {
            let mut l = line(&sugar, 2);
            l.price = Some(Money::from_cents(price));
            l.discount = discount;
            sale(vec![l])
        };
        duka.make_sale(&priced(18_500, Discount::Percent(1000))).unwrap();
        duka.make_sale(&priced(19_000, Discount::Amount(Money::from_cents(3_700)))).unwrap();
        assert_eq!(code(duka.make_sale(&priced(18_000, Discount::None))), ErrorCode::ApprovalNeeded);
        assert_eq!(code(duka.make_sale(&priced(18_500, Discount::Percent(1001)))), ErrorCode::ApprovalNeeded);
        assert_eq!(
            code(duka.make_sale(&priced(18_500, Discount::Amount(Money::from_cents(3_701))))),
            ErrorCode::ApprovalNeeded
        );
        duka.approve(Action::DiscountAboveLimit, "Achieng", "1357").unwrap();
        duka.make_sale(&priced(18_500, Discount::Percent(1500))).unwrap();

        // The owner raises the limit; a supervisor needs no approval at all.
        duka.sign_in(OWNER, OWNER_PIN).unwrap();
        duka.set_discount_limit(2000).unwrap();
        assert_eq!(duka.till_limits().unwrap().discount_limit, "20.00");
        duka.sign_in("Otieno", "8642").unwrap();
        duka.make_sale(&priced(18_500, Discount::Percent(1500))).unwrap();
        duka.sign_in("Achieng", "1357").unwrap();
        duka.make_sale(&priced(10_000, Discount::Percent(5000))).unwrap();
    }

    #[tokio::test]
    async fn removing_a_scanned_line_or_opening_the_drawer_is_approved_and_recorded() {
        let (duka, _dir, _) = staffed().await;
        duka.sign_in("Otieno", "8642").unwrap();
        duka.record_action(Action::HoldResume, Some("held cart 3")).unwrap();
        assert_eq!(
            code(duka.record_action(Action::RemoveScannedLine, Some("Sugar 1kg x 2"))),
            ErrorCode::ApprovalNeeded
        );
        assert_eq!(code(duka.record_action(Action::OpenDrawerNoSale, None)), ErrorCode::ApprovalNeeded);
        duka.approve(Action::RemoveScannedLine, OWNER, OWNER_PIN).unwrap();
        let acted = duka.record_action(Action::RemoveScannedLine, Some("Sugar 1kg x 2")).unwrap();
        assert_eq!((acted.user.as_str(), acted.approver.as_deref()), ("Otieno", Some(OWNER)));
        assert_eq!(code(duka.record_action(Action::Settings, None)), ErrorCode::NotAllowed);
        let audit = duka.store().read(|c| store::audit::recent(c, 10)).unwrap();
        let removed = audit.iter().find(|e| e.action == "remove_scanned_line").unwrap();
        assert_eq!(
            (removed.user.as_str(), removed.approved_by.as_deref(), removed.detail.as_deref()),
            ("Otieno", Some(OWNER), Some("Sugar 1kg x 2"))
        );
        assert!(audit.iter().any(|e| e.action == "PIN given to approve" && e.user == OWNER));
        assert!(!audit.iter().any(|e| e.action == "open_drawer_no_sale"), "a refused action leaves no row");
    }

    #[tokio::test]
    async fn five_wrong_pins_in_a_row_lock_a_user_for_five_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(domain::DateTime::parse_kra("20261121080000").unwrap()));
        let options = AppOptions { clock: clock.clone(), ..AppOptions::default() };
        let duka = Duka::open(dir.path().join("shop.db"), options).await.unwrap();
        duka.create_owner("Wanjiku", "4711").unwrap();
        duka.add_user("Otieno", Role::Cashier, "8642").unwrap();
        duka.sign_out().unwrap();

        for left in [4, 3, 2, 1] {
            let e = duka.sign_in("Otieno", "0000").unwrap_err();
            assert!(matches!(e, Error::WrongPin { tries_left, .. } if tries_left == left), "{e}");
        }
        duka.sign_in("Otieno", "8642").unwrap();
        for _ in 0..4 {
            assert_eq!(code(duka.sign_in("Otieno", "1111")), ErrorCode::WrongPin, "a good PIN starts the count again");
        }
        assert_eq!(code(duka.sign_in("Otieno", "12")), ErrorCode::UserLocked, "the fifth wrong PIN locks");
        assert_eq!(code(duka.sign_in("Otieno", "8642")), ErrorCode::UserLocked, "even the right PIN waits");
        assert_eq!(duka.lock_screen_users().unwrap()[0].locked_until.as_deref(), Some("20261121080500"));
        clock.advance(Duration::from_secs(4 * 60 + 59));
        assert_eq!(code(duka.sign_in("Otieno", "8642")), ErrorCode::UserLocked);
        clock.advance(Duration::from_secs(1));
        // Once the lock has run out, one slip is one slip: four more tries before the next lock.
        let e = duka.sign_in("Otieno", "1111").unwrap_err();
        assert!(matches!(e, Error::WrongPin { tries_left: 4, .. }), "{e}");
        assert!(e.to_string().contains("4 more wrong PINs in a row lock Otieno"), "{e}");
        duka.sign_in("Otieno", "8642").unwrap();
        assert_eq!(code(duka.sign_in("Nobody", "8642")), ErrorCode::NotFound);

        let audit = duka.store().read(|c| store::audit::recent(c, 100)).unwrap();
        assert_eq!(audit.iter().filter(|e| e.action == "failed sign-in" && e.user == "Otieno").count(), 4 + 5 + 2 + 1);
        assert_eq!(audit.iter().filter(|e| e.action == "failed sign-in" && e.user == "Nobody").count(), 1);
    }

    #[tokio::test]
    async fn the_owner_manages_users_and_the_last_owner_stays() {
        let (duka, _dir, _) = staffed().await;
        assert_eq!(code(duka.change_role(OWNER, Role::Cashier)), ErrorCode::Refused);
        assert_eq!(code(duka.deactivate_user(OWNER)), ErrorCode::Refused);
        assert_eq!(code(duka.add_user("OTIENO", Role::Cashier, "1234")), ErrorCode::Refused, "names are unique");

        // Otieno signs in, then is made supervisor: his next action counts the new role.
        let till = duka.acting_as(duka.actor().unwrap().unwrap());
        duka.sign_in("Otieno", "8642").unwrap();
        assert_eq!(code(duka.register_item(&new_item("Tea", 100))), ErrorCode::NotAllowed);
        till.change_role("otieno", Role::Supervisor).unwrap();
        duka.register_item(&new_item("Tea", 100)).unwrap();

        till.reset_pin("Otieno", "5555").unwrap();
        assert_eq!(code(duka.sign_in("Otieno", "8642")), ErrorCode::WrongPin);
        duka.sign_in("Otieno", "5555").unwrap();
        till.deactivate_user("Otieno").unwrap();
        assert_eq!(code(duka.register_item(&new_item("Soap", 100))), ErrorCode::SignInNeeded, "signed out");
        assert_eq!(code(duka.sign_in("Otieno", "5555")), ErrorCode::NotFound);

        till.add_user("Njeri", Role::Owner, "9999").unwrap();
        till.change_role(OWNER, Role::Supervisor).unwrap();
        assert_eq!(code(till.users()), ErrorCode::NotAllowed, "a demoted owner's next call counts the new role");
        duka.sign_in("njeri", "9999").unwrap();
        let users = duka.users().unwrap();
        assert_eq!(
            users.iter().map(|u| (u.name.as_str(), u.active)).collect::<Vec<_>>(),
            [("Achieng", true), ("duka", true), ("Njeri", true), ("Otieno", false)]
        );
    }

    #[tokio::test]
    async fn pins_and_hashes_never_show() {
        let (duka, dir, _) = staffed().await;
        duka.add_user("Kamau", Role::Cashier, "97531").unwrap();
        let wrong = duka.sign_in("Kamau", "97532").unwrap_err();
        let short = duka.sign_in("Kamau", "975").unwrap_err();
        let bad = duka.add_user("Wafula", Role::Cashier, "97531x").unwrap_err();
        let actor = duka.sign_in("Kamau", "97531").unwrap();
        let shown = format!(
            "{wrong} {wrong:?} {short} {short:?} {bad} {bad:?} {actor:?} {:?} {:?} {duka:?}",
            duka.lock_screen_users().unwrap(),
            duka.store().read(|c| store::users::list(c, true)).unwrap(),
        );
        for secret in ["97531", "97532", "argon2"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        let audit = format!("{:?}", duka.store().read(|c| store::audit::recent(c, 100)).unwrap());
        assert!(!audit.contains("9753") && !audit.contains("argon2"), "{audit}");
        drop(duka);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                assert!(!bytes.windows(5).any(|w| w == b"97531"), "the PIN in the clear in {}", path.display());
            }
        }
    }
}
