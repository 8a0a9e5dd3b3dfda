//! Setting a device up when the disk fails at the worst moment: KRA has issued the communication
//! key (it does so only once) and Duka cannot save it.

use app::{AppOptions, Duka, InitRequest};
use oscu_sim::{DeviceSpec, SimConfig, Simulator};
use store::SecretName;

const PIN: &str = "P051234567X";

#[tokio::test]
async fn a_key_that_could_not_be_saved_is_saved_on_the_next_attempt_without_asking_kra_again() {
    let sim = Simulator::start(SimConfig::loopback(vec![DeviceSpec {
        tin: PIN.into(),
        bhf_id: "00".into(),
        serial: "DUKA-DISK-01".into(),
    }]))
    .await
    .unwrap();
    sim.record_calls();
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner(crate::OWNER.0, crate::OWNER.1).unwrap();
    let init = InitRequest {
        pin: PIN.into(),
        branch_id: "00".into(),
        serial: "DUKA-DISK-01".into(),
        base_url: sim.base_url_direct(),
        environment: store::Environment::Sandbox,
        gateway: None,
        shop_name: None,
    };

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
    let item = duka
        .register_item(&app::NewItem {
            name: "Sugar 1kg".into(),
            class_code: "5016150000".into(),
            item_type: domain::ItemType::Finished,
            origin: "KE".into(),
            pkg_unit: "NT".into(),
            qty_unit: "KG".into(),
            tax_band: domain::TaxBand::B,
            price: domain::Money::from_cents(18_500),
            barcode: None,
        })
        .unwrap();
    duka.record_opening_stock(&[app::StockLineRequest { item: item.code.clone(), qty: domain::Qty::whole(5) }])
        .unwrap();
    let sale = app::SaleRequest {
        lines: vec![app::SaleLineRequest {
            item: item.code.clone(),
            qty: domain::Qty::whole(1),
            price: None,
            discount: domain::Discount::None,
        }],
        buyer_pin: None,
        buyer_name: None,
        payment: domain::PaymentType::Cash,
    };
    let pending_before = duka.outbox(0).unwrap().summary.pending;
    duka.store().fail_writes(true).unwrap();
    let refused = duka.make_sale(&sale).unwrap_err();
    assert_eq!(refused.code(), app::ErrorCode::Storage, "{refused}");
    duka.store().fail_writes(false).unwrap();
    assert!(duka.sales(10).unwrap().is_empty());
    assert_eq!(duka.outbox(0).unwrap().summary.pending, pending_before);
    assert_eq!(duka.make_sale(&sale).unwrap().trader_no, "INV-000001");
}
