//! --state: the books survive a restart and the sequences carry on.

use domain::{ItemType, Qty, TaxBand};
use oscu_sim::{SimConfig, Simulator};

use crate::support::*;

#[tokio::test]
async fn a_restart_with_the_state_file_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kra.sqlite");
    let config = || {
        let mut c = SimConfig::loopback(devices());
        c.state = Some(path.clone());
        c
    };
    let soda = item(1, "Soda", TaxBand::B, 10_000, ItemType::Finished);
    let first_sale = sale(1, &[(&soda, Qty::whole(1))], None);

    let sim = Simulator::start(config()).await.unwrap();
    let credentials = sim.gateway_credentials().clone();
    let client = direct(&sim, "00");
    let key = client.initialize(SERIAL_00).await.unwrap().cmc_key.unwrap();
    register(&client, &soda).await;
    stock_in(&client, 1, &[(&soda, Qty::whole(5))]).await;
    let receipt = sell(&client, &first_sale).await.unwrap();
    sim.shutdown().await;

    let sim = Simulator::start(config()).await.unwrap();
    assert_eq!(sim.gateway_credentials(), &credentials, "gateway credentials are kept too");
    let client = direct(&sim, "00");
    assert_refused(client.initialize(SERIAL_00).await, "902", "already");
    client.set_cmc_key(key.clone());
    assert_refused(sell(&client, &first_sale).await, "994", "already recorded");
    let stored = client.select_invoice_details(1).await.unwrap().unwrap();
    assert_eq!(stored.receipt.unwrap().rcpt_sign, Some(receipt.rcpt_sign));
    // KRA's running total survived too: 5 in, the sale's stock-out not yet reported.
    assert_refused(
        client.save_stock_master(&master(&soda, Qty::whole(4))).await,
        "910",
        "Expected: 5.00 but found: 4.00",
    );
    client.insert_stock_io(&stock_request(2, domain::StockMoveType::Sale, &[(&soda, Qty::whole(1))])).await.unwrap();
    client.save_stock_master(&master(&soda, Qty::whole(4))).await.unwrap();
    let second = sell(&client, &sale(2, &[(&soda, Qty::whole(1))], None)).await.unwrap();
    assert_eq!(second.cur_rcpt_no.get(), 2);
    assert_eq!(client.select_items("20180101000000").await.unwrap().len(), 1);
    sim.shutdown().await;

    // Without --state nothing is kept.
    let sim = start().await;
    let client = direct(&sim, "00");
    client.initialize(SERIAL_00).await.unwrap();
    sim.shutdown().await;
}
