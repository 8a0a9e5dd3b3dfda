//! The `oscu-sim` binary prints its address once ready and serves both doors.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::*;

#[tokio::test]
async fn the_binary_prints_its_address_when_ready() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_oscu-sim"))
        .args(["--listen", "127.0.0.1:0", "--device", &format!("{PIN}:00:{SERIAL_00}")])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let base = first.strip_prefix("listening on ").unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    let reply: Value = http()
        .post(format!("{base}/etims-api/selectInitOsdcInfo"))
        .json(&json!({"tin": PIN, "bhfId": "00", "dvcSrlNo": SERIAL_00}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["resultCd"], "000");
    assert_eq!(reply["data"]["info"]["cmcKey"].as_str().map(str::len), Some(64));
    child.kill().await.unwrap();

    // A malformed --device is refused with the format.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oscu-sim"))
        .args(["--listen", "127.0.0.1:0", "--device", "P051234567X-00"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PIN:BRANCH:SERIAL"));
}
