//! Setting a device up when the disk fails at the worst moment: KRA has issued the communication
//! key (it does so only once) and Duka cannot save it.

use app::{AppOptions, Duka};
use store::SecretName;

use crate::common;

#[tokio::test]
async fn a_key_that_could_not_be_saved_is_saved_on_the_next_attempt_without_asking_kra_again() {
    let sim = common::sim("DUKA-DISK-01").await;
    sim.record_calls();
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner(crate::OWNER.0, crate::OWNER.1).unwrap();
    let init = common::init(&sim, "DUKA-DISK-01");

    duka.store().fail_writes(true).unwrap();
    let failed = duka.initialise_device(&init).await.unwrap_err();
    assert!(failed.to_string().contains("keep Duka open"), "{failed}");
    assert!(duka.store().read(|c| store::settings::secret(c, SecretName::CommunicationKey)).unwrap().is_none());

    // Space is freed; setting up again saves the key KRA already issued (KRA would refuse a
    // second initialisation).
    duka.store().fail_writes(false).unwrap();
    let device = duka.initialise_device(&init).await.unwrap();
    assert!(device.scu_id.is_some());
    assert_eq!(sim.calls_of("selectInitOsdcInfo").len(), 1);
    let key = duka.store().read(|c| store::settings::secret(c, SecretName::CommunicationKey)).unwrap().unwrap();
    assert!(!key.expose().is_empty());
    assert!(!failed.to_string().contains(key.expose()), "the message must not show the key");

    // A sale when the disk fails: refused whole, nothing half-written, no number used up.
    duka.refresh().await.unwrap();
    let item = duka.register_item(&common::new_item("Sugar 1kg", domain::ItemType::Finished, 18_500)).unwrap();
    duka.record_opening_stock(&[app::StockLineRequest { item: item.code.clone(), qty: domain::Qty::whole(5) }])
        .unwrap();
    let sale = common::sale(item.code.as_str(), 1);
    let pending_before = duka.outbox(0).unwrap().summary.pending;
    duka.store().fail_writes(true).unwrap();
    let refused = duka.make_sale(&sale).unwrap_err();
    assert_eq!(refused.code(), app::ErrorCode::Storage, "{refused}");
    duka.store().fail_writes(false).unwrap();
    assert!(duka.sales(10).unwrap().is_empty());
    assert_eq!(duka.outbox(0).unwrap().summary.pending, pending_before);
    assert_eq!(duka.make_sale(&sale).unwrap().trader_no, "INV-000001");
}
