//! The Settings screen's data: the shop's details and stock policy (in the shop database), the
//! printer choice (in the data folder) and the device as KRA knows it, read and saved as one form.

use serde::{Deserialize, Serialize};

use crate::{Duka, Result, ShopDetails, printing::Printer};

/// The settings form: shop details, printer and stock policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct SettingsForm {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub footer: Option<String>,
    /// "pdf", "system", "escpos_device" or "escpos_network".
    pub printer_kind: Option<String>,
    /// "mm80", "mm58" or "a4" (other spellings of [`crate::Paper`] are accepted).
    pub paper: Option<String>,
    /// Queue name, device path or host:port.
    pub printer_target: Option<String>,
    /// The shop's stock policy: sell more than is on hand (stock goes negative) or refuse.
    #[serde(default)]
    pub sell_beyond_stock: bool,
    /// How long printing after Charge waits for KRA's signature, in ms (unchanged when absent).
    #[serde(default)]
    pub signature_wait_ms: Option<u64>,
}

/// The settings form as saved, and the device (read-only on the screen).
#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub form: SettingsForm,
    pub device: DeviceView,
}

/// The device as the Settings screen shows it; the communication key is never shown.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceView {
    pub training: bool,
    pub environment: Option<String>,
    pub pin: Option<String>,
    pub branch_id: Option<String>,
    pub serial: Option<String>,
    pub scu_id: Option<String>,
    pub base_url: Option<String>,
    pub communication_key_masked: Option<String>,
}

impl Duka {
    /// The Settings screen's form and device.
    pub fn settings(&self) -> Result<SettingsView> {
        let details = self.shop_details()?;
        let printer = self.printer()?;
        let status = self.status()?;
        Ok(SettingsView {
            form: SettingsForm {
                name: details.as_ref().map(|d| d.name.clone()),
                address: details.as_ref().and_then(|d| d.address.clone()),
                phone: details.as_ref().and_then(|d| d.phone.clone()),
                email: details.as_ref().and_then(|d| d.email.clone()),
                footer: details.as_ref().and_then(|d| d.receipt_footer.clone()),
                printer_kind: Some(printer.kind.as_str().to_owned()),
                paper: Some(printer.paper.to_string()),
                printer_target: printer.target,
                sell_beyond_stock: self.stock_policy()? == domain::StockPolicy::AllowNegative,
                signature_wait_ms: Some(u64::try_from(self.signature_wait()?.as_millis()).unwrap_or(u64::MAX)),
            },
            device: DeviceView {
                training: status.training,
                environment: status.environment,
                pin: status.pin,
                branch_id: status.branch_id,
                serial: status.serial,
                scu_id: status.scu_id,
                base_url: status.base_url,
                communication_key_masked: status
                    .has_communication_key
                    .then(|| "•••••••• (stored, never shown)".to_owned()),
            },
        })
    }

    /// Saves the form: the printer choice and the wait for KRA's signature are checked before
    /// anything is saved.
    pub fn save_settings(&self, form: &SettingsForm) -> Result<()> {
        self.authorize(&[domain::Action::Settings])?;
        let printer =
            Printer::from_form(form.printer_kind.as_deref(), form.paper.as_deref(), form.printer_target.as_deref())?;
        let wait = form.signature_wait_ms.map(std::time::Duration::from_millis);
        if let Some(wait) = wait {
            crate::handover::checked_wait(wait)?;
        }
        self.set_shop_details(&ShopDetails {
            name: form.name.clone().unwrap_or_default(),
            address: form.address.clone(),
            phone: form.phone.clone(),
            email: form.email.clone(),
            receipt_footer: form.footer.clone(),
        })?;
        let policy =
            if form.sell_beyond_stock { domain::StockPolicy::AllowNegative } else { domain::StockPolicy::Refuse };
        if self.stock_policy()? != policy {
            self.set_stock_policy(policy)?;
        }
        if let Some(wait) = wait
            && self.signature_wait()? != wait
        {
            self.set_signature_wait(wait)?;
        }
        self.save_printer(&printer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn settings_are_saved_and_read_back_as_one_form() {
        let (duka, _dir) = crate::testing::shop().await;
        let form = SettingsForm {
            name: Some("Mama Mboga".into()),
            footer: Some("Karibu tena".into()),
            printer_kind: Some("escpos_network".into()),
            paper: Some("58".into()),
            printer_target: Some(" 10.0.0.5:9100 ".into()),
            sell_beyond_stock: true,
            signature_wait_ms: Some(1_500),
            ..SettingsForm::default()
        };
        duka.save_settings(&form).unwrap();
        let view = duka.settings().unwrap();
        assert_eq!(
            view.form,
            SettingsForm { paper: Some("mm58".into()), printer_target: Some("10.0.0.5:9100".into()), ..form.clone() }
        );
        assert!(view.device.communication_key_masked.is_none());
        assert_eq!(duka.signature_wait().unwrap(), std::time::Duration::from_millis(1_500));
        // A wrong printer saves nothing.
        let wrong = SettingsForm { name: Some("Other".into()), printer_kind: Some("fax".into()), ..form.clone() };
        assert_eq!(duka.save_settings(&wrong).unwrap_err().field().as_deref(), Some("printer_kind"));
        assert_eq!(duka.settings().unwrap().form.name.as_deref(), Some("Mama Mboga"));
        // Nor does a wait for KRA longer than a customer would stand at the counter.
        let long = SettingsForm { name: Some("Other".into()), signature_wait_ms: Some(31_000), ..form };
        assert_eq!(duka.save_settings(&long).unwrap_err().field().as_deref(), Some("signature_wait_ms"));
        assert_eq!(duka.settings().unwrap().form.signature_wait_ms, Some(1_500));
        assert_eq!(duka.settings().unwrap().form.name.as_deref(), Some("Mama Mboga"));
    }
}
