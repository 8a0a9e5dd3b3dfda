// What every screen shares once a shop is open: its status and the code lists KRA's choices come from.

export const shop = {
  /** shop_status: configured, training, name, PIN, branch, the training KRA's address. */
  status: null,
  /** item_choices: payment types, credit and adjustment reasons, item types, units, tax bands. */
  choices: null,
  /** current_actor: who is signed in (name, role, what they may do alone or with approval). */
  actor: null,
  /** till_limits: a cashier's discount limit and the minutes before the idle lock. */
  limits: null,
};
