//! Where the till talks to KRA: KRA's published addresses, the set-up form's choice of environment
//! (sandbox or production) and front door (direct or the GavaConnect gateway), connecting a real
//! device or starting the training shop, and the shop's status as the window shows it.

use serde::{Deserialize, Serialize};

use crate::{Duka, Error, GatewayAccess, InitRequest, KeyImport, Result, TrainingRequest, views::ShopStatus};

/// KRA's direct OSCU host in the sandbox (SPEC §1).
pub const SANDBOX_DIRECT: &str = "https://etims-api-sbx.kra.go.ke/etims-api";
/// KRA's direct OSCU host in production.
pub const PRODUCTION_DIRECT: &str = "https://etims-api.kra.go.ke/etims-api";
/// The GavaConnect gateway's OSCU base in the sandbox.
pub const SANDBOX_GATEWAY: &str = "https://sbx.kra.go.ke/etims-oscu/api/v1";
/// The GavaConnect gateway's token address in the sandbox.
pub const SANDBOX_TOKEN: &str = "https://sbx.kra.go.ke/v1/token/generate";
/// KRA has not confirmed the production gateway's addresses: they are typed in from the letter.
const ASK_KRA: &str =
    "KRA has not published the production gateway address: type the one from your GavaConnect onboarding";

/// The name of the practice shop the window starts.
pub const TRAINING_SHOP_NAME: &str = "Duka Training Shop";

/// The set-up form: what KRA gave the shop, and how to reach KRA. Empty addresses take KRA's
/// published ones; a communication key (`cmc_key`) imports a device set up before.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeviceSetup {
    pub pin: String,
    pub branch: String,
    pub serial: String,
    /// "sandbox" or "production".
    pub environment: String,
    /// "direct" or "gateway".
    pub front_door: String,
    pub base_url: Option<String>,
    pub gateway_app_id: Option<String>,
    pub gateway_key: Option<String>,
    pub gateway_secret: Option<String>,
    pub gateway_token_url: Option<String>,
    pub cmc_key: Option<String>,
    pub scu_id: Option<String>,
    pub mrc_no: Option<String>,
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl DeviceSetup {
    /// The device to initialise, and the key import when the form gives a communication key.
    /// Each error names the form's field.
    pub fn into_request(self) -> Result<(InitRequest, Option<KeyImport>)> {
        let production = match self.environment.as_str() {
            "sandbox" => false,
            "production" => true,
            other => {
                return Err(Error::invalid_input(
                    "Environment",
                    "environment",
                    format!("\"{other}\" is neither sandbox nor production"),
                ));
            }
        };
        let gateway = match self.front_door.as_str() {
            "direct" => false,
            "gateway" => true,
            other => {
                return Err(Error::invalid_input(
                    "How to reach KRA",
                    "front_door",
                    format!("\"{other}\" is neither direct nor gateway"),
                ));
            }
        };
        let base_url = match (non_empty(self.base_url), production, gateway) {
            (Some(url), _, _) => url,
            (None, false, false) => SANDBOX_DIRECT.to_owned(),
            (None, true, false) => PRODUCTION_DIRECT.to_owned(),
            (None, false, true) => SANDBOX_GATEWAY.to_owned(),
            (None, true, true) => return Err(Error::invalid_input("Address", "base_url", ASK_KRA)),
        };
        let gateway_access = if gateway {
            let app_id = non_empty(self.gateway_app_id).ok_or_else(|| {
                Error::invalid_input(
                    "Gateway app ID",
                    "gateway_app_id",
                    "the gateway needs the App ID from developer.go.ke",
                )
            })?;
            let token_url = match (non_empty(self.gateway_token_url), production) {
                (Some(url), _) => url,
                (None, false) => SANDBOX_TOKEN.to_owned(),
                (None, true) => return Err(Error::invalid_input("Token address", "gateway_token_url", ASK_KRA)),
            };
            let key = non_empty(self.gateway_key).ok_or_else(|| {
                Error::invalid_input(
                    "Gateway consumer key",
                    "gateway_key",
                    "the gateway needs the consumer key from the developer portal",
                )
            })?;
            let secret = non_empty(self.gateway_secret).ok_or_else(|| {
                Error::invalid_input(
                    "Gateway consumer secret",
                    "gateway_secret",
                    "the gateway needs the consumer secret from the developer portal",
                )
            })?;
            Some(GatewayAccess { token_url, apigee_app_id: app_id, consumer_key: key, consumer_secret: secret })
        } else {
            None
        };
        let device = InitRequest {
            pin: self.pin.trim().to_ascii_uppercase(),
            branch_id: self.branch.trim().to_owned(),
            serial: self.serial.trim().to_owned(),
            base_url,
            environment: if production { store::Environment::Production } else { store::Environment::Sandbox },
            gateway: gateway_access,
            shop_name: None,
        };
        let import = match non_empty(self.cmc_key) {
            None => None,
            Some(key) => Some(KeyImport {
                device: device.clone(),
                communication_key: key,
                scu_id: non_empty(self.scu_id).ok_or_else(|| {
                    Error::invalid_input(
                        "Control unit ID",
                        "scu_id",
                        "with an existing key, give the SCU ID printed on an earlier receipt",
                    )
                })?,
                mrc_no: non_empty(self.mrc_no),
            }),
        };
        Ok((device, import))
    }
}

/// The shop's status as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    #[serde(flatten)]
    pub status: ShopStatus,
    /// The in-process simulator's admin address in training mode.
    pub training_kra_url: Option<String>,
}

impl Duka {
    /// The shop's status, with the training simulator's address when it runs.
    pub async fn status_view(&self) -> Result<StatusView> {
        Ok(StatusView { status: self.status()?, training_kra_url: self.training_admin_url().await })
    }

    /// Sets up a real device from the form (or imports its key), loads KRA's lists, and answers
    /// with the new status.
    pub async fn connect_device(&self, setup: DeviceSetup) -> Result<StatusView> {
        match setup.into_request()? {
            (_, Some(import)) => self.import_communication_key(&import).await?,
            (device, None) => self.initialise_device(&device).await?,
        };
        self.refresh().await?;
        self.status_view().await
    }

    /// Starts the practice shop with the demo catalogue, and answers with the new status.
    pub async fn start_training_shop(&self) -> Result<StatusView> {
        self.start_training(&TrainingRequest { shop_name: TRAINING_SHOP_NAME.into() }).await?;
        self.seed_demo_catalogue()?;
        self.status_view().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(environment: &str, front_door: &str) -> DeviceSetup {
        DeviceSetup {
            pin: " p051234567x ".into(),
            branch: "00".into(),
            serial: "SN1".into(),
            environment: environment.into(),
            front_door: front_door.into(),
            gateway_app_id: Some("app".into()),
            gateway_key: Some("key".into()),
            gateway_secret: Some("secret".into()),
            ..DeviceSetup::default()
        }
    }

    #[test]
    fn kra_addresses_follow_the_environment_and_front_door() {
        for (environment, front_door, expected) in [
            ("sandbox", "direct", Ok(SANDBOX_DIRECT)),
            ("production", "direct", Ok(PRODUCTION_DIRECT)),
            ("sandbox", "gateway", Ok(SANDBOX_GATEWAY)),
            ("production", "gateway", Err("base_url")),
            ("staging", "direct", Err("environment")),
            ("sandbox", "pigeon", Err("front_door")),
        ] {
            let got = setup(environment, front_door).into_request();
            match (got, expected) {
                (Ok((device, None)), Ok(url)) => {
                    assert_eq!((device.base_url.as_str(), device.pin.as_str()), (url, "P051234567X"));
                    assert_eq!(device.gateway.is_some(), front_door == "gateway");
                }
                (Err(e), Err(field)) => {
                    assert_eq!((e.code(), e.field().as_deref()), (crate::ErrorCode::InvalidInput, Some(field)))
                }
                (got, expected) => panic!("{environment} {front_door}: {got:?} against {expected:?}"),
            }
        }
        let gateway = setup("sandbox", "gateway").into_request().unwrap().0.gateway.unwrap();
        assert_eq!(gateway.token_url, SANDBOX_TOKEN);
    }

    #[test]
    fn a_key_import_needs_the_scu_id() {
        let mut form = setup("sandbox", "direct");
        form.cmc_key = Some("KEY".into());
        let e = form.clone().into_request().unwrap_err();
        assert_eq!(e.field().as_deref(), Some("scu_id"));
        assert!(e.to_string().starts_with("Control unit ID: "), "{e}");
        form.scu_id = Some(" KRACU0100000001 ".into());
        let (_, import) = form.into_request().unwrap();
        assert_eq!(import.map(|i| i.scu_id).as_deref(), Some("KRACU0100000001"));
    }

    #[test]
    fn a_gateway_needs_its_credentials() {
        let mut form = setup("sandbox", "gateway");
        form.gateway_secret = Some("  ".into());
        assert_eq!(form.into_request().unwrap_err().field().as_deref(), Some("gateway_secret"));
    }
}
