//! Initialisation (901, 902, fresh keys) and authentication of every other call (900, wrong key).

use oscu::Function;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn initialisation_issues_fresh_keys_once_per_device() {
    let sim = start().await;
    let unknown = direct(&sim, "00");
    assert_refused(unknown.initialize("NOT-APPROVED").await, "901", "not valid");
    let wrong_branch = direct(&sim, "02");
    assert_refused(wrong_branch.initialize(SERIAL_00).await, "901", "not valid");

    let hq = direct(&sim, "00");
    let info = hq.initialize(SERIAL_00).await.unwrap();
    let sdc = info.sdc_id.clone().unwrap();
    let mrc = info.mrc_no.clone().unwrap();
    assert!(sdc.starts_with("KRACU") && sdc.len() == 15 && sdc[5..].bytes().all(|b| b.is_ascii_digit()), "{sdc}");
    assert!(mrc.starts_with("KRA") && mrc.len() == 11 && mrc[3..].bytes().all(|b| b.is_ascii_digit()), "{mrc}");
    assert_eq!(info.dvc_id.as_deref().map(str::len), Some(16));
    assert_eq!(info.tin.as_deref(), Some(PIN));
    assert!(hq.has_cmc_key());

    // A second initialisation is refused and sends no key.
    let again = direct(&sim, "00");
    assert_refused(again.initialize(SERIAL_00).await, "902", "already");
    assert!(!again.has_cmc_key());

    // The other branch's device gets its own key.
    let branch = direct(&sim, "01");
    let info01 = branch.initialize(SERIAL_01).await.unwrap();
    assert_ne!(
        info01.cmc_key.as_ref().map(|k| k.expose().to_owned()),
        info.cmc_key.as_ref().map(|k| k.expose().to_owned())
    );
    assert_ne!(info01.sdc_id, info.sdc_id);
    sim.shutdown().await;
}

async fn raw(sim: &oscu_sim::RunningSim, headers: &[(&str, &str)]) -> Value {
    let mut req = http().post(format!("{}/selectCodeList", sim.base_url_direct()));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.json(&json!({"lastReqDt": "20180101000000"})).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn calls_need_the_three_headers_and_the_right_key() {
    let sim = start().await;
    let client = direct(&sim, "00");
    let key = client.initialize(SERIAL_00).await.unwrap().cmc_key.unwrap();
    let none = raw(&sim, &[]).await;
    assert_eq!(none["resultCd"], "900");
    assert!(none["resultMsg"].as_str().unwrap().contains("tin, bhfId, cmcKey"), "{none}");
    let no_key = raw(&sim, &[("tin", PIN), ("bhfId", "00")]).await;
    assert_eq!(no_key["resultCd"], "900");
    assert_eq!(no_key["resultMsg"], "Header information is missing: cmcKey");
    let wrong = raw(&sim, &[("tin", PIN), ("bhfId", "00"), ("cmcKey", "WRONGKEY")]).await;
    assert_eq!(wrong["resultCd"], "901");
    // The right key on the wrong branch is no better.
    let other_branch = direct(&sim, "01");
    other_branch.set_cmc_key(key);
    assert_refused(other_branch.select_codes("20180101000000").await, "901", "not valid");
    // Header names are case-insensitive (Odoo sends bhfid).
    let codes = client.select_codes("20180101000000").await.unwrap();
    assert!(!codes.is_empty());
    // Empty and non-JSON bodies.
    let empty = http()
        .post(format!("{}/selectCodeList", sim.base_url_direct()))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(empty["resultCd"], "911");
    let get =
        reqwest::get(format!("{}/selectCodeList", sim.base_url_direct())).await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(get["resultCd"], "912");
    assert_refused(send(&client, Function::SelectCodeList, &json!([1, 2])).await, "910", "JSON object");
    sim.shutdown().await;
}
