//! Who runs `duka`: signing in as `--user NAME` with the PIN from `DUKA_PIN` or asked on the
//! terminal, an approver's PIN for `--approver`, the first owner, and `duka user` (add, list,
//! role, reset-pin, deactivate) for the owner. Secrets come from the environment or standard
//! input, never from arguments (they show in `ps` and shell history).

use std::io::IsTerminal as _;

use app::{Action, Duka, Permission, Role};
use clap::Subcommand;

use crate::{input::usage, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create the shop's first user, the owner, named by --user (PIN from DUKA_PIN or asked).
    Owner,
    /// Add a user (owner only); the new PIN from DUKA_NEW_PIN or asked.
    Add {
        name: String,
        /// owner, supervisor or cashier.
        #[arg(long, default_value = "cashier")]
        role: String,
    },
    /// The users, deactivated ones too (owner only).
    List,
    /// Give a user another role (owner only).
    Role { name: String, role: String },
    /// Give a user a new PIN, from DUKA_NEW_PIN or asked (owner only).
    ResetPin { name: String },
    /// Deactivate a user: no more sign-ins; documents keep naming them (owner only).
    Deactivate { name: String },
}

/// A secret from the environment variable `var`, else asked on the terminal without echo, else
/// one line of standard input (a script's pipe).
pub(crate) fn secret(var: &str, prompt: &str) -> anyhow::Result<String> {
    if let Ok(value) = std::env::var(var) {
        return Ok(value);
    }
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|e| usage(format!("{prompt} could not be read: {e}")))?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| usage(format!("{prompt} could not be read: {e}")))?;
        line
    };
    let value = value.trim_end_matches(['\r', '\n']).to_owned();
    if value.is_empty() {
        return Err(usage(format!("{prompt} is empty: set {var} or type it when asked")));
    }
    Ok(value)
}

fn role(input: &str) -> anyhow::Result<Role> {
    Role::parse(input).map_err(|e| usage(e.to_string()))
}

/// Signs `name` in on `duka` (or, for `duka user owner`, creates the first owner).
pub(crate) fn sign_in(duka: &Duka, name: &str, creating_owner: bool) -> anyhow::Result<()> {
    let pin = secret("DUKA_PIN", &format!("PIN for {name}: "))?;
    if creating_owner {
        duka.create_owner(name, &pin)?;
    } else {
        duka.sign_in(name, &pin)?;
    }
    Ok(())
}

/// `--approver NAME`: approves on the spot whichever of `actions` the signed-in user may do only
/// with an approval (the approver's PIN from DUKA_APPROVER_PIN or asked).
pub(crate) fn approve(duka: &Duka, approver: &str, actions: &[Action]) -> anyhow::Result<()> {
    let needed: Vec<Action> =
        actions.iter().copied().filter(|a| duka.permission(*a).ok() == Some(Permission::WithApproval)).collect();
    if needed.is_empty() {
        return Ok(());
    }
    let pin = secret("DUKA_APPROVER_PIN", &format!("PIN for {approver} (approving): "))?;
    for action in needed {
        duka.approve(action, approver, &pin)?;
    }
    Ok(())
}

pub(crate) fn user(duka: &Duka, json: bool, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Owner => {
            let actor = duka.actor()?.ok_or_else(|| usage("give the owner's name with --user"))?;
            let value = serde_json::json!({"name": actor.name(), "role": actor.role().as_str()});
            emit(json, &value, |_| format!("{} is the owner of this till", actor.name()))
        }
        UserCommand::Add { name, role: r } => {
            let r = role(&r)?;
            let pin = secret("DUKA_NEW_PIN", &format!("New PIN for {name}: "))?;
            let added = duka.add_user(&name, r, &pin)?;
            emit(json, &added, |u| format!("{} added as {}", u.name, u.role))
        }
        UserCommand::List => {
            let users = duka.users()?;
            emit(json, &users, |users| {
                users
                    .iter()
                    .map(|u| {
                        let state = if u.active { "" } else { "  (deactivated)" };
                        let locked =
                            u.locked_until.as_deref().map(|t| format!("  locked until {t}")).unwrap_or_default();
                        format!("{:<24} {}{state}{locked}", u.name, u.role)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        UserCommand::Role { name, role: r } => {
            let changed = duka.change_role(&name, role(&r)?)?;
            emit(json, &changed, |u| format!("{} is now {}", u.name, u.role))
        }
        UserCommand::ResetPin { name } => {
            let pin = secret("DUKA_NEW_PIN", &format!("New PIN for {name}: "))?;
            duka.reset_pin(&name, &pin)?;
            emit(json, &serde_json::json!({"name": name}), |_| format!("{name} has a new PIN"))
        }
        UserCommand::Deactivate { name } => {
            duka.deactivate_user(&name)?;
            emit(json, &serde_json::json!({"name": name, "active": false}), |_| format!("{name} is deactivated"))
        }
    }
}
