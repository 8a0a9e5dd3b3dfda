//! Who acts: the signed-in [`Actor`] of a [`Duka`] handle, the approvals a supervisor or owner
//! gave on the spot, and the one check every governed use case makes against the role table
//! (`domain::people`) before it commits. See `docs/decisions/0008-who-acts.md`.

use std::sync::{Arc, Mutex, RwLock};

use domain::{Action, DateTime, Permission, Role};
use store::CommitMeta;

use crate::{Duka, Error, Result};

/// How long an approval given on the spot waits for the action it approves.
pub const APPROVAL_MINUTES: u8 = 2;

/// A signed-in user: only [`Duka::sign_in`] and [`Duka::create_owner`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    name: String,
    role: Role,
}

impl Actor {
    pub(crate) fn new(name: String, role: Role) -> Actor {
        Actor { name, role }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }
}

/// A supervisor's or owner's PIN given on the spot for one action: [`Duka::approve`] makes one,
/// and the next use case of that action on the same handle (within [`APPROVAL_MINUTES`]) takes
/// it and records the approver on its audit row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    pub action: String,
    pub approver: String,
    /// `supervisor` or `owner`.
    pub approver_role: String,
    /// Until when it waits (`YYYYMMDDhhmmss`).
    pub until: String,
    #[serde(skip)]
    pub(crate) kind: Action,
    #[serde(skip)]
    pub(crate) expires: DateTime,
}

/// What a governed use case commits as: who acts and who approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub user: String,
    pub approver: Option<String>,
}

/// The signed-in user of a handle and its clones, and the approvals waiting to be used.
#[derive(Debug, Default)]
pub(crate) struct Session {
    actor: RwLock<Option<Actor>>,
    approvals: Mutex<Vec<Approval>>,
}

impl Session {
    pub(crate) fn new() -> Arc<Session> {
        Arc::new(Session::default())
    }
}

fn poisoned() -> Error {
    Error::Poisoned { what: "the signed-in user" }
}

impl Duka {
    /// The user acting on this handle, if someone signed in.
    pub fn actor(&self) -> Result<Option<Actor>> {
        Ok(self.session.actor.read().map_err(|_| poisoned())?.clone())
    }

    /// A handle on the same shop acting as `actor`, apart from this one's signed-in user (a
    /// server serving several tills keeps one per signed-in client).
    pub fn acting_as(&self, actor: Actor) -> Duka {
        let session = Session::new();
        if let Ok(mut slot) = session.actor.write() {
            *slot = Some(actor);
        }
        Duka { inner: self.inner.clone(), session }
    }

    /// Signs the current user out (locks the till); approvals waiting are dropped.
    pub fn sign_out(&self) -> Result<()> {
        *self.session.actor.write().map_err(|_| poisoned())? = None;
        self.session.approvals.lock().map_err(|_| poisoned())?.clear();
        Ok(())
    }

    pub(crate) fn set_actor(&self, actor: Actor) -> Result<()> {
        *self.session.actor.write().map_err(|_| poisoned())? = Some(actor);
        self.session.approvals.lock().map_err(|_| poisoned())?.clear();
        Ok(())
    }

    /// What the signed-in user may do about `action` (the UI asks before offering it, and opens
    /// the approval dialog for [`Permission::WithApproval`]).
    pub fn permission(&self, action: Action) -> Result<Permission> {
        Ok(self.signed_in()?.role.permission(action))
    }

    /// The signed-in user as the shop knows them now: a role changed since the sign-in counts,
    /// and a deactivated user is signed out.
    fn signed_in(&self) -> Result<Actor> {
        match self.actor()? {
            Some(actor) => match self.store().read(|c| store::users::by_name(c, actor.name()))? {
                Some(user) if user.active => Ok(Actor::new(user.name, user.role)),
                _ => {
                    self.sign_out()?;
                    Err(Error::SignInNeeded)
                }
            },
            None if self.store().read(store::users::count)? == 0 => Err(Error::OwnerNeeded),
            None => Err(Error::SignInNeeded),
        }
    }

    pub(crate) fn keep_approval(&self, approval: Approval) -> Result<()> {
        let mut waiting = self.session.approvals.lock().map_err(|_| poisoned())?;
        waiting.retain(|a| a.kind != approval.kind);
        waiting.push(approval);
        Ok(())
    }

    /// Checks the role table for the signed-in user and each of `actions`: allowed, or approved on
    /// the spot (the approval is taken), or refused. Approvals taken are given back when the use
    /// case then fails ([`Duka::acting`] does this).
    pub fn authorize(&self, actions: &[Action]) -> Result<Acting> {
        let actor = self.signed_in()?;
        let now = self.now();
        let mut waiting = self.session.approvals.lock().map_err(|_| poisoned())?;
        waiting.retain(|a| a.expires >= now);
        let mut approvers: Vec<&Approval> = vec![];
        for action in actions {
            match actor.role.permission(*action) {
                Permission::Allowed => {}
                Permission::Refused => {
                    return Err(Error::NotAllowed { role: actor.role, action: *action });
                }
                Permission::WithApproval => match waiting.iter().find(|a| a.kind == *action) {
                    Some(approval) => approvers.push(approval),
                    None => return Err(Error::ApprovalNeeded { action: *action }),
                },
            }
        }
        let mut names: Vec<&str> = approvers.iter().map(|a| a.approver.as_str()).collect();
        names.dedup();
        let approver = (!names.is_empty()).then(|| names.join(", "));
        let used: Vec<Action> = approvers.iter().map(|a| a.kind).collect();
        waiting.retain(|a| !used.contains(&a.kind));
        Ok(Acting { user: actor.name, approver })
    }

    /// Runs a governed use case: [`Duka::authorize`] for `actions`, then `f` with the commit
    /// metadata naming the user and the approver. An approval goes back to waiting if `f` fails.
    pub(crate) fn acting<T>(&self, actions: &[Action], f: impl FnOnce(&CommitMeta<'_>) -> Result<T>) -> Result<T> {
        let taken = self.session.approvals.lock().map_err(|_| poisoned())?.clone();
        let acting = self.authorize(actions)?;
        let training = self.is_training()?;
        let meta = CommitMeta { at: self.now(), user: &acting.user, approver: acting.approver.as_deref(), training };
        let done = f(&meta);
        if done.is_err() && acting.approver.is_some() {
            let mut waiting = self.session.approvals.lock().map_err(|_| poisoned())?;
            for a in taken.into_iter().filter(|a| actions.contains(&a.kind)) {
                if !waiting.iter().any(|w| w.kind == a.kind) {
                    waiting.push(a);
                }
            }
        }
        done
    }

    /// Checks and records an action the till does without a document of its own (removing a
    /// scanned line, opening the drawer with no sale, holding a sale): the role table for the
    /// signed-in user, then an audit row naming them, the approver and `detail`. The front does
    /// the action (drops the line, kicks the drawer) only when this answers `Ok`.
    pub fn record_action(&self, action: Action, detail: Option<&str>) -> Result<Acting> {
        let mut acted = None;
        self.acting(&[action], |meta| {
            self.store().write(|tx| store::audit::append_as(tx, meta, action.as_str(), None, detail))?;
            acted = Some(Acting { user: meta.user.to_owned(), approver: meta.approver.map(str::to_owned) });
            Ok(())
        })?;
        acted.ok_or(Error::SignInNeeded)
    }

    /// The user the commits of ungoverned use cases name: the signed-in user, else the shop's
    /// configured one (`AppOptions::user`, e.g. the sync worker's).
    pub(crate) fn acting_name(&self) -> String {
        match self.actor() {
            Ok(Some(actor)) => actor.name,
            _ => self.inner.options.user.clone(),
        }
    }
}
