//! The till's device and its line to KRA: `init`, `import-key`, `training`, `status`, `refresh`,
//! `notices` and `lookup-pin`.

use app::{Duka, GatewayAccess, InitRequest, KeyImport, TrainingRequest};
use clap::Args;

use crate::{
    input::{environment, usage},
    output::emit,
    users::secret,
};

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    #[arg(long)]
    pin: String,
    #[arg(long)]
    branch: String,
    #[arg(long)]
    serial: String,
    /// The KRA base URL (direct host `.../etims-api` or gateway `.../etims-oscu/api/v1`).
    #[arg(long)]
    url: String,
    /// sandbox or production.
    #[arg(long, default_value = "sandbox")]
    environment: String,
    /// Gateway access as TOKEN_URL,CONSUMER_KEY,APP_ID (talks to the GavaConnect gateway); the
    /// consumer secret is read from DUKA_GATEWAY_SECRET or standard input, never an argument.
    #[arg(long)]
    gateway: Option<String>,
    #[arg(long)]
    shop_name: Option<String>,
}

/// The communication key is read from DUKA_COMMUNICATION_KEY or standard input, never an argument.
#[derive(Debug, Args)]
pub(crate) struct ImportKeyArgs {
    #[command(flatten)]
    device: InitArgs,
    /// The SCU ID printed on an earlier signed receipt.
    #[arg(long)]
    scu_id: String,
    #[arg(long)]
    mrc_no: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TrainingArgs {
    #[arg(long, default_value = "Demo Shop")]
    shop_name: String,
    /// Also load the demo catalogue with opening stock.
    #[arg(long)]
    demo: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LookupPinArgs {
    pin: String,
}

fn init_request(a: &InitArgs) -> anyhow::Result<InitRequest> {
    let gateway = match &a.gateway {
        None => None,
        Some(g) => match g.split(',').collect::<Vec<_>>().as_slice() {
            [token_url, key, app] => Some(GatewayAccess {
                token_url: (*token_url).to_owned(),
                consumer_key: (*key).to_owned(),
                consumer_secret: secret("DUKA_GATEWAY_SECRET", "Gateway consumer secret: ")?,
                apigee_app_id: (*app).to_owned(),
            }),
            _ => {
                return Err(usage(
                    "--gateway is TOKEN_URL,CONSUMER_KEY,APP_ID (the consumer secret goes in DUKA_GATEWAY_SECRET)",
                ));
            }
        },
    };
    Ok(InitRequest {
        pin: a.pin.clone(),
        branch_id: a.branch.clone(),
        serial: a.serial.clone(),
        base_url: a.url.clone(),
        environment: environment(&a.environment)?,
        gateway,
        shop_name: a.shop_name.clone(),
    })
}

pub(crate) async fn init(duka: &Duka, json: bool, a: InitArgs) -> anyhow::Result<()> {
    let r = duka.initialise_device(&init_request(&a)?).await?;
    emit(json, &r, |r| {
        format!(
            "Device initialised: {} branch {} ({}), SCU {}",
            r.pin,
            r.branch_id,
            r.environment,
            r.scu_id.as_deref().unwrap_or("?")
        )
    })
}

pub(crate) async fn import_key(duka: &Duka, json: bool, a: ImportKeyArgs) -> anyhow::Result<()> {
    let ImportKeyArgs { device, scu_id, mrc_no } = a;
    let key = secret("DUKA_COMMUNICATION_KEY", "Communication key: ")?;
    let import = KeyImport { device: init_request(&device)?, communication_key: key, scu_id, mrc_no };
    let r = duka.import_communication_key(&import).await?;
    emit(json, &r, |r| format!("Communication key imported for {} branch {}", r.pin, r.branch_id))
}

pub(crate) async fn training(duka: &Duka, json: bool, a: TrainingArgs) -> anyhow::Result<()> {
    let TrainingArgs { shop_name, demo } = a;
    let (device, refreshed) = duka.start_training(&TrainingRequest { shop_name }).await?;
    let seeded = if demo { Some(duka.seed_demo_catalogue()?) } else { None };
    let value = serde_json::json!({"device": device, "refresh": refreshed, "demo": seeded});
    emit(json, &value, |_| {
        let mut s = format!(
            "Training mode started: {} (PIN {}), nothing reaches KRA. Reference data: {}",
            device.shop_name, device.pin, refreshed.detail
        );
        if let Some(d) = &seeded {
            s.push_str(&format!("\nDemo catalogue: {} items added", d.items_added));
        }
        s
    })
}

pub(crate) fn status(duka: &Duka, json: bool) -> anyhow::Result<()> {
    let s = duka.status()?;
    emit(json, &s, |s| {
        let mut out = String::new();
        match (&s.pin, s.configured) {
            (Some(pin), true) => out.push_str(&format!(
                "{} — PIN {pin} branch {} ({}{})\n",
                s.shop_name.as_deref().unwrap_or("(no name)"),
                s.branch_id.as_deref().unwrap_or("?"),
                s.environment.as_deref().unwrap_or("?"),
                if s.training { ", TRAINING" } else { "" }
            )),
            _ => out.push_str("Not set up: run `duka init ...` or `duka training`\n"),
        }
        out.push_str(&format!(
            "Waiting for KRA: {} pending, {} sending, {} refused",
            s.outbox.pending, s.outbox.in_flight, s.outbox.parked
        ));
        out
    })
}

pub(crate) async fn refresh(duka: &Duka, json: bool) -> anyhow::Result<()> {
    let r = duka.refresh().await?;
    emit(json, &r, |r| format!("KRA lists downloaded: {}", r.detail))
}

pub(crate) fn notices(duka: &Duka, json: bool) -> anyhow::Result<()> {
    let list = duka.notices()?;
    emit(json, &list, |l| {
        if l.is_empty() {
            return "No notices from KRA".into();
        }
        l.iter().map(|n| format!("#{} {}\n  {}", n.notice_no, n.title, n.content)).collect::<Vec<_>>().join("\n")
    })
}

pub(crate) async fn lookup_pin(duka: &Duka, json: bool, a: LookupPinArgs) -> anyhow::Result<()> {
    let b = duka.lookup_buyer_pin(&a.pin).await?;
    emit(json, &b, |b| format!("{}: {}", b.pin, b.name.as_deref().unwrap_or("(no name)")))
}
