//! `oscu-sim`: runs the strict local KRA OSCU simulator until Ctrl-C.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context as _;
use clap::Parser;
use oscu_sim::{DeviceSpec, GatewayCredentials, SimConfig, Simulator};

/// A strict local KRA eTIMS OSCU server for tests and training.
#[derive(Debug, Parser)]
#[command(name = "oscu-sim", version)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8089 (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: SocketAddr,
    /// An approved device, PIN:BRANCH:SERIAL (repeat for more).
    #[arg(long = "device", required = true)]
    devices: Vec<DeviceSpec>,
    /// SQLite file keeping the simulator's books across restarts (in memory without it).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Gateway client credentials KEY:SECRET:APP_ID (random, or those in the state file, without it).
    #[arg(long)]
    gateway_credentials: Option<GatewayCredentials>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let sim = Simulator::start(SimConfig {
        listen: args.listen,
        devices: args.devices,
        state: args.state,
        gateway: args.gateway_credentials,
    })
    .await
    .context("starting the OSCU simulator")?;
    let creds = sim.gateway_credentials();
    println!("listening on http://{}", sim.addr());
    println!("direct host: {}", sim.base_url_direct());
    println!("gateway: {} (token: {})", sim.base_url_gateway(), sim.token_url());
    println!("gateway credentials: {}:{}:{}", creds.consumer_key, creds.consumer_secret, creds.app_id);
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    sim.shutdown().await;
    Ok(())
}
