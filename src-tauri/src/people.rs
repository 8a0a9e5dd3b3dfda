//! The people at the till: the first owner, the lock screen (sign in, sign out, who is signed in
//! and what they may do), approvals on the spot, the owner's users screen and the till limits.
//! Thin adapters over `app::users` and `app::actor`: input in, one `app` call, plain data out.
//! PIN checks (Argon2) and writes run as jobs on the till's store thread (`app::Duka::till`).

use serde::{Deserialize, Serialize};
use tauri::State;

use app::{Action, Actor, Approval, Permission, Role, TillLimits, UserView};
use domain::Qty;

use crate::commands::Shop;
use crate::error::{Result, UiError};

/// A name and a PIN: the first owner, a sign-in, a new user or a PIN reset.
#[derive(Debug, Deserialize)]
pub struct NameAndPin {
    name: String,
    pin: String,
    /// `owner`, `supervisor` or `cashier` (adding a user).
    role: Option<String>,
}

/// An approver's name and PIN given for one action (`credit_note`, `z_report`...).
#[derive(Debug, Deserialize)]
pub struct ApprovalForm {
    action: String,
    approver: String,
    pin: String,
}

/// A user the owner acts on, and the role they get (changing a role).
#[derive(Debug, Deserialize)]
pub struct UserQuery {
    name: String,
    role: Option<String>,
}

/// The till limits as the Settings screen sends them.
#[derive(Debug, Deserialize)]
pub struct TillLimitsForm {
    /// A percentage ("10", "12.5").
    discount_limit: String,
    idle_lock_minutes: i64,
}

/// Who is signed in, and what the role table lets them do (the UI hides what they may not).
#[derive(Debug, Serialize)]
pub struct ActorView {
    name: String,
    role: String,
    /// The actions (`Action::as_str`) they do alone.
    may: Vec<&'static str>,
    /// The actions they do with a supervisor's or the owner's PIN.
    with_approval: Vec<&'static str>,
}

impl From<Actor> for ActorView {
    fn from(actor: Actor) -> ActorView {
        let role = actor.role();
        let allowed = |p: Permission| Action::ALL.into_iter().filter(move |a| role.permission(*a) == p);
        ActorView {
            may: allowed(Permission::Allowed).map(Action::as_str).collect(),
            with_approval: allowed(Permission::WithApproval).map(Action::as_str).collect(),
            name: actor.name().to_owned(),
            role: actor.role().as_str().to_owned(),
        }
    }
}

fn role(text: Option<&str>) -> Result<Role> {
    Role::parse(text.unwrap_or_default()).map_err(|e| UiError::invalid("Role", "role", e))
}

#[tauri::command]
pub async fn needs_owner(shop: State<'_, Shop>) -> Result<bool> {
    Ok(shop.duka()?.needs_owner()?)
}

#[tauri::command]
pub async fn create_owner(shop: State<'_, Shop>, input: NameAndPin) -> Result<ActorView> {
    Ok(shop.duka()?.till().run(move |d| d.create_owner(&input.name, &input.pin)).await?.into())
}

#[tauri::command]
pub async fn lock_screen_users(shop: State<'_, Shop>) -> Result<Vec<UserView>> {
    Ok(shop.duka()?.lock_screen_users()?)
}

#[tauri::command]
pub async fn sign_in(shop: State<'_, Shop>, input: NameAndPin) -> Result<ActorView> {
    Ok(shop.duka()?.till().run(move |d| d.sign_in(&input.name, &input.pin)).await?.into())
}

#[tauri::command]
pub async fn sign_out(shop: State<'_, Shop>) -> Result<()> {
    Ok(shop.duka()?.sign_out()?)
}

/// The signed-in user, or nothing while the till is locked.
#[tauri::command]
pub async fn current_actor(shop: State<'_, Shop>) -> Result<Option<ActorView>> {
    Ok(shop.duka()?.actor()?.map(ActorView::from))
}

#[tauri::command]
pub async fn approve(shop: State<'_, Shop>, input: ApprovalForm) -> Result<Approval> {
    let action = Action::parse(&input.action).map_err(|e| UiError::invalid("Action", "action", e))?;
    Ok(shop.duka()?.till().run(move |d| d.approve(action, &input.approver, &input.pin)).await?)
}

#[tauri::command]
pub async fn list_users(shop: State<'_, Shop>) -> Result<Vec<UserView>> {
    Ok(shop.duka()?.users()?)
}

#[tauri::command]
pub async fn add_user(shop: State<'_, Shop>, input: NameAndPin) -> Result<UserView> {
    let role = role(input.role.as_deref())?;
    Ok(shop.duka()?.till().run(move |d| d.add_user(&input.name, role, &input.pin)).await?)
}

#[tauri::command]
pub async fn change_role(shop: State<'_, Shop>, input: UserQuery) -> Result<UserView> {
    let role = role(input.role.as_deref())?;
    Ok(shop.duka()?.till().run(move |d| d.change_role(&input.name, role)).await?)
}

#[tauri::command]
pub async fn reset_pin(shop: State<'_, Shop>, input: NameAndPin) -> Result<()> {
    Ok(shop.duka()?.till().run(move |d| d.reset_pin(&input.name, &input.pin)).await?)
}

#[tauri::command]
pub async fn deactivate_user(shop: State<'_, Shop>, input: UserQuery) -> Result<()> {
    Ok(shop.duka()?.till().run(move |d| d.deactivate_user(&input.name)).await?)
}

#[tauri::command]
pub async fn till_limits(shop: State<'_, Shop>) -> Result<TillLimits> {
    Ok(shop.duka()?.till_limits()?)
}

/// Saves both limits (the owner only): the discount limit first, then the idle minutes.
#[tauri::command]
pub async fn save_till_limits(shop: State<'_, Shop>, input: TillLimitsForm) -> Result<TillLimits> {
    let discount = Qty::parse(input.discount_limit.trim().trim_end_matches('%').trim())
        .map_err(|e| UiError::invalid("Discount limit", "discount_limit", e))?
        .hundredths();
    let minutes = input.idle_lock_minutes;
    Ok(shop
        .duka()?
        .till()
        .run(move |d| {
            d.set_discount_limit(discount)?;
            d.set_idle_lock_minutes(minutes)?;
            d.till_limits()
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cashier_sees_what_they_do_alone_and_what_needs_an_approver() {
        let dir = tempfile::tempdir().unwrap();
        let duka =
            tauri::async_runtime::block_on(app::Duka::open(dir.path().join("shop.db"), app::AppOptions::default()))
                .unwrap();
        duka.create_owner("Wanjiku", "4711").unwrap();
        duka.add_user("Otieno", Role::Cashier, "8642").unwrap();
        let cashier = ActorView::from(duka.sign_in("Otieno", "8642").unwrap());
        assert_eq!((cashier.name.as_str(), cashier.role.as_str()), ("Otieno", "cashier"));
        assert!(cashier.may.contains(&"sell") && !cashier.may.contains(&"users"));
        assert!(cashier.with_approval.contains(&"credit_note"));
        let owner = ActorView::from(duka.sign_in("Wanjiku", "4711").unwrap());
        assert!(owner.may.contains(&"users") && owner.with_approval.is_empty());
    }
}
