//! What KRA told the shop and what the shop still owes KRA: notices and the outbox.

use store::outbox::OutboxRow;

use crate::{
    Duka, Error, Result,
    views::{NoticeView, OutboxRowView, OutboxView, RefusalView},
};

fn row_view(r: OutboxRow) -> OutboxRowView {
    OutboxRowView {
        id: r.id,
        kind: r.kind.as_str(),
        document: format!("{} {}", r.document.kind, r.document.id),
        item_code: r.item_code.map(|c| c.to_string()),
        state: r.state.as_str(),
        attempts: r.attempts,
        next_attempt_at: r.next_attempt_at.to_string(),
        kra_number: r.kra_number,
        last_error: r.last_error,
        refusal: r.refusal.map(|f| RefusalView {
            kra_code: f.kra_code,
            kra_message: f.kra_message,
            reason: f.reason,
            fix: f.fix,
        }),
    }
}

impl Duka {
    /// KRA's notices, as last pulled.
    pub fn notices(&self) -> Result<Vec<NoticeView>> {
        let list = self.store().read(store::reference::notices)?;
        Ok(list
            .into_iter()
            .map(|n| NoticeView {
                notice_no: n.notice_no,
                title: n.title,
                content: n.content,
                detail_url: n.detail_url,
                registered_at: n.registered_at,
                read: n.read,
            })
            .collect())
    }

    pub fn mark_notice_read(&self, notice_no: i64) -> Result<()> {
        self.store().write(|tx| store::reference::mark_notice_read(tx, notice_no))?;
        Ok(())
    }

    /// What is waiting for KRA (pending, being sent, parked), plus the `recent_done` newest sent rows.
    pub fn outbox(&self, recent_done: usize) -> Result<OutboxView> {
        let (counts, rows) = self.store().read(|c| {
            let rows = store::outbox::open_rows(c, recent_done, 10_000)?;
            Ok((store::outbox::counts(c)?, rows))
        })?;
        Ok(OutboxView { summary: counts.into(), rows: rows.into_iter().map(row_view).collect() })
    }

    /// Sends a parked row again after the shopkeeper fixed its cause.
    pub fn retry_parked(&self, outbox_id: i64) -> Result<()> {
        let now = self.now();
        self.store().write(|tx| store::outbox::unpark(tx, outbox_id, now)).map_err(|e| match e {
            store::Error::OutboxState { .. } | store::Error::DocumentNotFound { .. } => Error::invalid(
                "outbox row",
                format!("row {outbox_id} is not parked: only a call KRA refused can be retried"),
            ),
            other => Error::Store(other),
        })?;
        self.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{new_item, shop};

    #[tokio::test]
    async fn the_outbox_lists_what_waits_and_only_parked_rows_are_retried() {
        let (duka, _dir) = shop().await;
        duka.register_item(&new_item("Sugar 1kg", 18_500)).unwrap();
        let view = duka.outbox(5).unwrap();
        assert_eq!(view.summary.pending, 1);
        assert_eq!((view.rows[0].kind, view.rows[0].state), ("save_item", "pending"));
        let e = duka.retry_parked(view.rows[0].id).unwrap_err();
        assert!(e.to_string().contains("is not parked"), "{e}");
        assert!(duka.notices().unwrap().is_empty());
    }
}
