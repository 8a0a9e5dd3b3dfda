//! Reference lists, lookups and `lastReqDt`.

use serde_json::json;

use crate::support::*;

const OLD: &str = "20180101000000";
const FUTURE: &str = "29991231235959";

#[tokio::test]
async fn code_lists_and_classifications_honour_last_req_dt() {
    let Shop { sim, client, .. } = shop().await;
    let codes = client.select_codes(OLD).await.unwrap();
    let tax = codes.iter().find(|c| c.cd_cls.as_deref() == Some("04")).unwrap();
    let rates: Vec<(String, String)> =
        tax.dtl_list.iter().map(|d| (d.cd.clone().unwrap(), d.user_dfn_cd1.clone().unwrap())).collect();
    assert!(rates.contains(&("B".into(), "16".into())) && rates.contains(&("E".into(), "8".into())), "{rates:?}");
    let pkg = codes.iter().find(|c| c.cd_cls.as_deref() == Some("17")).unwrap();
    assert_eq!(pkg.dtl_list.len(), 52);
    assert!(client.select_codes(FUTURE).await.unwrap().is_empty(), "001 reads as nothing new");

    let classes = client.select_item_classes(OLD).await.unwrap();
    assert!(classes.len() > 100);
    assert!(classes.iter().any(|c| c.item_cls_cd.as_deref() == Some("99010000")));
    assert!(client.select_item_classes(FUTURE).await.unwrap().is_empty());
    assert_refused(client.select_codes("2018-01-01").await, "910", "Invalid lastReqDt");
    sim.shutdown().await;
}

#[tokio::test]
async fn branches_notices_and_pin_lookup() {
    let Shop { sim, client, .. } = shop().await;
    let branches = client.select_branches(OLD).await.unwrap();
    let ids: Vec<_> = branches.iter().map(|b| (b.bhf_id.clone().unwrap(), b.hq_yn.clone().unwrap())).collect();
    assert_eq!(ids, vec![("00".to_owned(), "Y".to_owned()), ("01".to_owned(), "N".to_owned())]);

    assert!(client.select_notices(OLD).await.unwrap().is_empty());
    let n = admin_post(&sim, "notices", json!({"title": "Fuel VAT", "cont": "Rates change.\r\nRead on."})).await;
    assert_eq!(n["noticeNo"], 1);
    let notices = client.select_notices(OLD).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].title.as_deref(), Some("Fuel VAT"));
    assert!(client.select_notices(FUTURE).await.unwrap().is_empty());
    assert_eq!(sim.add_notice("eTIMS maintenance", "Saturday night.").unwrap(), 2);
    assert_eq!(client.select_notices(OLD).await.unwrap().len(), 2);

    assert!(client.select_customer(BUYER).await.unwrap().is_empty(), "unknown PIN answers 001");
    admin_post(&sim, "taxpayers", json!({"tin": BUYER, "taxprNm": "Buyer Ltd"})).await;
    let found = client.select_customer(BUYER).await.unwrap();
    assert_eq!(found[0].taxpr_nm.as_deref(), Some("Buyer Ltd"));
    assert_eq!(found[0].taxpr_stts_cd.as_deref(), Some("A"));
    assert_eq!(client.select_customer(PIN).await.unwrap().len(), 1, "the simulator's own taxpayers are known");
    sim.shutdown().await;
}
