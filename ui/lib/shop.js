// What every screen shares once a shop is open: its status and the code lists KRA's choices come from.

export const shop = {
  /** shop_status: configured, training, name, PIN, branch, the training KRA's address. */
  status: null,
  /** item_choices: payment types, credit and adjustment reasons, item types, units, tax bands. */
  choices: null,
};
