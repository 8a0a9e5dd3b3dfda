//! The tamper check of the fiscal records (store's hash chain) as the till uses it: found at open,
//! before a backup and at each Z report; a finding is audited, kept for the Sync screen's status,
//! and refuses the backup or the Z report. Nothing is ever repaired.

use crate::{Duka, Error, Result};

impl Duka {
    /// What the last check of the fiscal records found wrong, in the shopkeeper's words, or
    /// `None` when they are intact. The Sync screen shows it.
    pub fn fiscal_check(&self) -> Option<String> {
        self.inner.fiscal_check.lock().ok().and_then(|found| found.clone())
    }

    /// Audits what the check at open found (if anything) and keeps it for the status.
    pub(crate) fn report_chain_at_open(&self) -> Result<()> {
        let report = self.store().chain_at_open().clone();
        if !report.is_intact() {
            self.chain_broken("open", &report.summary())?;
        }
        Ok(())
    }

    /// Verifies the chain before `action` ("issue the Z report"; the links since the last open,
    /// every trigger and the count of every kind: [`store::chain::verify_recent`]): refused,
    /// audited and kept for the status when anything is wrong.
    pub(crate) fn verify_fiscal_chain(&self, found_at: &str, action: &'static str) -> Result<()> {
        let report = self.store().read(store::chain::verify_recent)?;
        if report.is_intact() {
            return Ok(());
        }
        self.chain_broken(found_at, &report.summary())?;
        Err(store::Error::ChainBroken { action, problems: report.summary() }.into())
    }

    /// Audits a backup refused by the store's check (the error passes through unchanged).
    pub(crate) fn audit_refused_backup(&self, error: Error) -> Error {
        if let Error::Store(store::Error::ChainBroken { problems, .. }) = &error
            && let Err(e) = self.chain_broken("backup", problems)
        {
            tracing::error!("the fiscal records failed their check and the finding could not be audited: {e}");
        }
        error
    }

    fn chain_broken(&self, found_at: &str, problems: &str) -> Result<()> {
        tracing::error!("the fiscal records fail their tamper check (at {found_at}): {problems}");
        if let Ok(mut kept) = self.inner.fiscal_check.lock() {
            *kept = Some(format!("The shop's fiscal records fail their tamper check: {problems}. Contact support."));
        }
        let (at, user) = (self.now(), &self.inner.options.user);
        self.store().write(|tx| store::chain::audit_problems(tx, at, user, found_at, problems))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use domain::{DateTime, Qty, StockMoveType};

    use crate::{AppOptions, Duka, ManualClock, StockLineRequest, testing};

    async fn shop_at(clock: Arc<ManualClock>) -> (Duka, tempfile::TempDir) {
        let (duka, dir) = testing::shop().await;
        let path = duka.db_path().to_owned();
        drop(duka);
        let duka = Duka::open(path, AppOptions { clock, ..AppOptions::default() }).await.unwrap();
        duka.sign_in(testing::OWNER, testing::OWNER_PIN).unwrap();
        let item = duka.register_item(&testing::new_item("Sugar 1kg", 18_000)).unwrap();
        let stock = StockLineRequest { item: item.code.to_string(), qty: Qty::whole(10) };
        duka.adjust_stock(StockMoveType::AdjustmentIn, &[stock], None).unwrap();
        duka.make_sale(&testing::sale(vec![testing::line(item.code.as_str(), 1)])).unwrap();
        (duka, dir)
    }

    fn audited(duka: &Duka) -> Vec<String> {
        let rows = duka.store().read(|c| store::audit::recent(c, 50)).unwrap();
        rows.into_iter()
            .filter(|r| r.action == store::chain::AUDIT_ACTION)
            .map(|r| r.detail.unwrap_or_default())
            .collect()
    }

    #[tokio::test]
    async fn a_sale_with_the_clock_set_back_is_refused_as_the_shop_can_fix_it() {
        let clock = Arc::new(ManualClock::new(DateTime::parse_kra("20261207180200").unwrap()));
        let (duka, _dir) = shop_at(clock.clone()).await;
        clock.set(DateTime::parse_kra("20261206091400").unwrap());
        let item = duka.store().read(|c| store::items::search_items(c, "sugar", 1)).unwrap().remove(0);
        let err = duka.make_sale(&testing::sale(vec![testing::line(item.code.as_str(), 1)])).unwrap_err();
        assert_eq!(err.code(), "refused");
        assert!(err.is_refusal());
        assert!(
            err.to_string().starts_with(
                "This computer's clock says 06/12/2026 09:14, but the last sale was recorded at 07/12/2026 18:02: \
                 set the date and time right, then charge again"
            ),
            "{err}"
        );
        assert!(duka.issue_z_report().unwrap_err().to_string().contains("clock"));
    }

    #[tokio::test]
    async fn tampered_records_are_shown_audited_and_refuse_the_z_report_and_the_backup() {
        let clock = Arc::new(ManualClock::new(DateTime::parse_kra("20261207180200").unwrap()));
        let (duka, _dir) = shop_at(clock.clone()).await;
        assert_eq!((duka.fiscal_check(), duka.status().unwrap().fiscal_check), (None, None));
        // As an attacker would: the trigger dropped, a sale's total lowered, the trigger put back.
        duka.store().read(|c| store::tamper::change_sale_total(c, 1, 100)).unwrap();

        let z = duka.issue_z_report().unwrap_err();
        assert!(z.to_string().starts_with("Duka did NOT issue the Z report"), "{z}");
        assert!(z.to_string().contains("sale 1 was changed after it was recorded"), "{z}");
        assert!(!z.is_refusal());
        assert_eq!(duka.store().read(store::reports::last_z_number).unwrap(), 0);
        assert_eq!(audited(&duka).len(), 1);
        assert!(audited(&duka)[0].starts_with("found at Z report: sale 1 was changed"));
        let shown = duka.status().unwrap().fiscal_check.unwrap_or_default();
        assert!(shown.contains("fail their tamper check"), "{shown}");

        let backup = duka.backup_now(None).unwrap_err();
        assert!(backup.to_string().starts_with("Duka did NOT take the backup"), "{backup}");
        assert!(duka.backups().unwrap().is_empty());
        assert_eq!(audited(&duka).len(), 2);

        // Reopened: a dropped trigger is found at open.
        let path = duka.db_path().to_owned();
        duka.store().read(|c| store::tamper::drop_trigger(c, "sales_immutable_d")).unwrap();
        drop(duka);
        let duka = Duka::open(&path, AppOptions { clock, ..AppOptions::default() }).await.unwrap();
        let shown = duka.status().unwrap().fiscal_check.unwrap_or_default();
        assert!(shown.contains("sales_immutable_d was removed"), "{shown}");
        assert!(audited(&duka)[0].starts_with("found at open: "), "{:?}", audited(&duka));
    }
}
