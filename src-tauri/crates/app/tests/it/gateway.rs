//! The GavaConnect gateway front door: the same till set up through KRA's API gateway (token,
//! app id, its own paths and wrapper) initialises, downloads reference data, and gets its sale,
//! stock and item calls signed, exactly as through the direct host.

use app::{AppOptions, Duka, GatewayAccess, InitRequest, NewItem, SaleLineRequest, SaleRequest, StockLineRequest};
use domain::{Discount, ItemType, Money, PaymentType, Qty, TaxBand};
use oscu_sim::{DeviceSpec, SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_behind_the_gateway_works_like_one_on_the_direct_host() {
    let pin = "P051234567X";
    let sim = Simulator::start(SimConfig::loopback(vec![DeviceSpec {
        tin: pin.into(),
        bhf_id: "00".into(),
        serial: "DUKA-GW-1".into(),
    }]))
    .await
    .unwrap();
    let creds = sim.gateway_credentials().clone();
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner(crate::OWNER.0, crate::OWNER.1).unwrap();
    let mut request = InitRequest {
        pin: pin.into(),
        branch_id: "00".into(),
        serial: "DUKA-GW-1".into(),
        base_url: sim.base_url_gateway(),
        environment: store::Environment::Sandbox,
        gateway: Some(GatewayAccess {
            token_url: sim.token_url(),
            consumer_key: creds.consumer_key.clone(),
            consumer_secret: "not-the-secret".into(),
            apigee_app_id: creds.app_id.clone(),
        }),
        shop_name: None,
    };
    // Wrong gateway credentials: refused, nothing stored.
    let refused = duka.initialise_device(&request).await.unwrap_err();
    assert_eq!(refused.code(), "kra_refused", "{refused}");
    assert!(!duka.status().unwrap().configured);
    if let Some(g) = request.gateway.as_mut() {
        g.consumer_secret = creds.consumer_secret.clone();
    }
    let device = duka.initialise_device(&request).await.unwrap();
    assert!(device.scu_id.is_some());
    assert_eq!(duka.status().unwrap().front_door.as_deref(), Some("gateway"));
    assert!(duka.refresh().await.unwrap().tax_rates_ready);

    let item = duka
        .register_item(&NewItem {
            name: "Sugar 1kg".into(),
            class_code: "5016150000".into(),
            item_type: ItemType::Finished,
            origin: "KE".into(),
            pkg_unit: "NT".into(),
            qty_unit: "KG".into(),
            tax_band: TaxBand::B,
            price: Money::from_cents(18_500),
            barcode: None,
        })
        .unwrap();
    duka.record_opening_stock(&[StockLineRequest { item: item.code.clone(), qty: Qty::whole(10) }]).unwrap();
    let sale = duka
        .make_sale(&SaleRequest {
            lines: vec![SaleLineRequest {
                item: item.code.clone(),
                qty: Qty::whole(3),
                price: None,
                discount: Discount::None,
            }],
            buyer_pin: None,
            buyer_name: None,
            payment: PaymentType::Card,
        })
        .unwrap();
    let synced = duka.sync_now().await.unwrap();
    assert_eq!((synced.outbox.pending, synced.outbox.parked), (0, 0), "{synced:?}");
    assert_eq!(duka.sales(1).unwrap()[0].kra.kra_invoice_no, Some(1));
    assert_eq!(sim.stock_total(pin, "00", &item.code), Qty::whole(7));
    assert_eq!(sale.trader_no, "INV-000001");
    duka.shutdown().await;
    sim.shutdown().await;
}
