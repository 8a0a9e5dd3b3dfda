//! People at the till: the three roles, every action the roles govern, the one table saying who
//! may do what (alone, with a supervisor's or owner's approval on the spot, or not at all), and
//! the rules for user names and PINs.

use std::fmt;

use crate::{Error, Result};

/// What a user is at the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Owner,
    Supervisor,
    Cashier,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Supervisor, Role::Cashier];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Supervisor => "supervisor",
            Role::Cashier => "cashier",
        }
    }

    /// Accepts the names of [`Role::as_str`], in any case.
    pub fn parse(input: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(input.trim()))
            .ok_or_else(|| Error::ParseRole { input: input.to_owned() })
    }

    /// What this role may do about `action`.
    pub fn permission(self, action: Action) -> Permission {
        let column = match self {
            Role::Cashier => 0,
            Role::Supervisor => 1,
            Role::Owner => 2,
        };
        TABLE.iter().find(|(a, _)| *a == action).map_or(Permission::Refused, |(_, row)| row[column])
    }

    /// Whether this role's PIN approves `action` for someone else on the spot: a supervisor or an
    /// owner who may do it alone.
    pub fn may_approve(self, action: Action) -> bool {
        self != Role::Cashier && self.permission(action) == Permission::Allowed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the role table governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Sell,
    HoldResume,
    ReprintCopy,
    BuyerPinLookup,
    XReport,
    CreditNote,
    PriceBelowItemPrice,
    DiscountAboveLimit,
    RemoveScannedLine,
    OpenDrawerNoSale,
    ZReport,
    StockAdjustment,
    /// Confirming or rejecting purchases (KRA's feed or keyed by hand) and customs imports.
    DecidePurchases,
    ItemChanges,
    /// A backup without the communication key.
    Backup,
    Settings,
    DeviceSetup,
    Users,
    BackupWithKey,
    Restore,
}

impl Action {
    pub const ALL: [Action; 20] = [
        Action::Sell,
        Action::HoldResume,
        Action::ReprintCopy,
        Action::BuyerPinLookup,
        Action::XReport,
        Action::CreditNote,
        Action::PriceBelowItemPrice,
        Action::DiscountAboveLimit,
        Action::RemoveScannedLine,
        Action::OpenDrawerNoSale,
        Action::ZReport,
        Action::StockAdjustment,
        Action::DecidePurchases,
        Action::ItemChanges,
        Action::Backup,
        Action::Settings,
        Action::DeviceSetup,
        Action::Users,
        Action::BackupWithKey,
        Action::Restore,
    ];

    /// The snake_case name the audit log, the CLI and the UI use.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Sell => "sell",
            Action::HoldResume => "hold_resume",
            Action::ReprintCopy => "reprint_copy",
            Action::BuyerPinLookup => "buyer_pin_lookup",
            Action::XReport => "x_report",
            Action::CreditNote => "credit_note",
            Action::PriceBelowItemPrice => "price_below_item_price",
            Action::DiscountAboveLimit => "discount_above_limit",
            Action::RemoveScannedLine => "remove_scanned_line",
            Action::OpenDrawerNoSale => "open_drawer_no_sale",
            Action::ZReport => "z_report",
            Action::StockAdjustment => "stock_adjustment",
            Action::DecidePurchases => "decide_purchases",
            Action::ItemChanges => "item_changes",
            Action::Backup => "backup",
            Action::Settings => "settings",
            Action::DeviceSetup => "device_setup",
            Action::Users => "users",
            Action::BackupWithKey => "backup_with_key",
            Action::Restore => "restore",
        }
    }

    /// What a shopkeeper calls it ("a credit note").
    pub fn label(self) -> &'static str {
        match self {
            Action::Sell => "selling",
            Action::HoldResume => "holding and resuming a sale",
            Action::ReprintCopy => "reprinting a copy",
            Action::BuyerPinLookup => "looking up a buyer's PIN",
            Action::XReport => "an X report",
            Action::CreditNote => "a credit note",
            Action::PriceBelowItemPrice => "a price below the item's price",
            Action::DiscountAboveLimit => "a discount above the owner's limit",
            Action::RemoveScannedLine => "removing a scanned line",
            Action::OpenDrawerNoSale => "opening the drawer with no sale",
            Action::ZReport => "a Z report",
            Action::StockAdjustment => "a stock adjustment",
            Action::DecidePurchases => "confirming or rejecting purchases and imports",
            Action::ItemChanges => "changing items",
            Action::Backup => "a backup",
            Action::Settings => "changing settings",
            Action::DeviceSetup => "setting up the KRA device",
            Action::Users => "managing users",
            Action::BackupWithKey => "a backup with the communication key",
            Action::Restore => "restoring a backup",
        }
    }

    /// Accepts the names of [`Action::as_str`].
    pub fn parse(input: &str) -> Result<Action> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == input.trim())
            .ok_or_else(|| Error::ParseAction { input: input.to_owned() })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one role may do about one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    Allowed,
    /// Only with a supervisor's or owner's PIN given on the spot; the approver is recorded.
    WithApproval,
    Refused,
}

use Permission::{Allowed as A, Refused as R, WithApproval as P};

/// THE role table: for each action, what a cashier, a supervisor and an owner may do.
const TABLE: [(Action, [Permission; 3]); 20] = [
    //                             cashier supervisor owner
    (Action::Sell, [A, A, A]),
    (Action::HoldResume, [A, A, A]),
    (Action::ReprintCopy, [A, A, A]),
    (Action::BuyerPinLookup, [A, A, A]),
    (Action::XReport, [A, A, A]),
    (Action::CreditNote, [P, A, A]),
    (Action::PriceBelowItemPrice, [P, A, A]),
    (Action::DiscountAboveLimit, [P, A, A]),
    (Action::RemoveScannedLine, [P, A, A]),
    (Action::OpenDrawerNoSale, [P, A, A]),
    (Action::ZReport, [P, A, A]),
    (Action::StockAdjustment, [R, A, A]),
    (Action::DecidePurchases, [R, A, A]),
    (Action::ItemChanges, [R, A, A]),
    (Action::Backup, [R, A, A]),
    (Action::Settings, [R, R, A]),
    (Action::DeviceSetup, [R, R, A]),
    (Action::Users, [R, R, A]),
    (Action::BackupWithKey, [R, R, A]),
    (Action::Restore, [R, R, A]),
];

/// A user's name as shown on the lock screen and printed on receipts: 1–40 characters once
/// trimmed, no control characters. Names are unique regardless of case (the store checks).
pub fn user_name(input: &str) -> Result<String> {
    let name = input.trim();
    let length = name.chars().count();
    if length == 0 || length > 40 || name.chars().any(char::is_control) {
        return Err(Error::UserName { input: input.to_owned() });
    }
    Ok(name.to_owned())
}

/// A user's PIN: 4 to 8 digits. Its `Debug` never shows the digits, and no error carries them.
#[derive(Clone, PartialEq, Eq)]
pub struct UserPin(String);

impl UserPin {
    pub const MIN_DIGITS: usize = 4;
    pub const MAX_DIGITS: usize = 8;

    pub fn parse(input: &str) -> Result<UserPin> {
        let ok = (UserPin::MIN_DIGITS..=UserPin::MAX_DIGITS).contains(&input.len())
            && input.bytes().all(|b| b.is_ascii_digit());
        if ok { Ok(UserPin(input.to_owned())) } else { Err(Error::UserPin) }
    }

    /// The digits, for hashing or checking against a hash; never for display.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UserPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserPin(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists, written out: what a cashier does alone, what needs an approval on the
    /// spot, what a supervisor adds, and what only the owner does.
    fn expected(role: Role, action: Action) -> Permission {
        use Action::*;
        let cashier = [Sell, HoldResume, ReprintCopy, BuyerPinLookup, XReport];
        let approval =
            [CreditNote, PriceBelowItemPrice, DiscountAboveLimit, RemoveScannedLine, OpenDrawerNoSale, ZReport];
        let supervisor = [StockAdjustment, DecidePurchases, ItemChanges, Backup];
        let owner_only = [Settings, DeviceSetup, Users, BackupWithKey, Restore];
        assert!(
            [&cashier[..], &approval, &supervisor, &owner_only].iter().filter(|list| list.contains(&action)).count()
                == 1,
            "{action} is in exactly one list"
        );
        match role {
            Role::Owner => Permission::Allowed,
            Role::Supervisor if owner_only.contains(&action) => Permission::Refused,
            Role::Supervisor => Permission::Allowed,
            Role::Cashier if cashier.contains(&action) => Permission::Allowed,
            Role::Cashier if approval.contains(&action) => Permission::WithApproval,
            Role::Cashier => Permission::Refused,
        }
    }

    #[test]
    fn every_action_for_every_role() {
        assert_eq!(TABLE.len(), Action::ALL.len());
        for action in Action::ALL {
            assert_eq!(TABLE.iter().filter(|(a, _)| *a == action).count(), 1, "{action} has one row");
            for role in Role::ALL {
                assert_eq!(role.permission(action), expected(role, action), "{role} × {action}");
                let approver = expected(role, action) == Permission::Allowed && role != Role::Cashier;
                assert_eq!(role.may_approve(action), approver, "{role} approves {action}");
            }
        }
    }

    #[test]
    fn approvals_come_from_supervisors_and_owners_only() {
        for action in Action::ALL.into_iter().filter(|a| Role::Cashier.permission(*a) == Permission::WithApproval) {
            assert!(!Role::Cashier.may_approve(action), "{action}");
            assert!(Role::Supervisor.may_approve(action), "{action}");
            assert!(Role::Owner.may_approve(action), "{action}");
        }
        assert!(!Role::Supervisor.may_approve(Action::Restore));
    }

    #[test]
    fn names_parse_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(&role.as_str().to_uppercase()), Ok(role));
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Ok(action));
        }
        assert!(Role::parse("manager").is_err());
        assert!(Action::parse("dance").is_err());
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        for ok in ["0000", "1234", "12345678"] {
            assert!(UserPin::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "123", "123456789", "12a4", " 1234", "١٢٣٤"] {
            let e = UserPin::parse(bad).unwrap_err();
            assert_eq!(e, Error::UserPin, "{bad}");
        }
    }

    #[test]
    fn a_pin_never_shows() {
        let pin = UserPin::parse("4711").unwrap();
        assert!(!format!("{pin:?}").contains("4711"));
        let e = UserPin::parse("47110000999").unwrap_err();
        assert!(!e.to_string().contains("4711"), "{e}");
        assert!(!format!("{e:?}").contains("4711"), "{e:?}");
    }

    #[test]
    fn user_names() {
        assert_eq!(user_name("  Wanjiku "), Ok("Wanjiku".to_owned()));
        for bad in ["", "   ", "a\u{7}b", &"x".repeat(41)] {
            assert!(user_name(bad).is_err(), "{bad:?}");
        }
    }
}
