//! The till's item search as the sales screen asks for it: items still sold whose name, code or
//! barcode match what was typed, at most a screenful.

use crate::{Duka, Result, views::ItemView};

/// How many matches the till shows when the screen does not say.
pub const FIND_LIMIT: usize = 20;

impl Duka {
    /// Active items matching `text`, at most `limit` (default [`FIND_LIMIT`]).
    pub fn find_items(&self, text: &str, limit: Option<usize>) -> Result<Vec<ItemView>> {
        let mut items = self.items(Some(text))?;
        items.retain(|i| i.active);
        items.truncate(limit.unwrap_or(FIND_LIMIT));
        Ok(items)
    }
}
