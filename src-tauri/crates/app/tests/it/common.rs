//! What the app's integration tests share: a simulator with one device, the request that sets a
//! shop up on it, an item and a one-line sale.

use app::{InitRequest, NewItem, SaleLineRequest, SaleRequest};
use domain::{Discount, ItemType, Money, PaymentType, Qty, TaxBand};
use oscu_sim::{DeviceSpec, RunningSim, SimConfig, Simulator};

/// The KRA PIN of every test device.
pub const PIN: &str = "P051234567X";

/// A simulator on loopback knowing one device, `serial` at branch 00.
pub async fn sim(serial: &str) -> RunningSim {
    let device = DeviceSpec { tin: PIN.into(), bhf_id: "00".into(), serial: serial.into() };
    Simulator::start(SimConfig::loopback(vec![device])).await.unwrap_or_else(|e| panic!("the simulator starts: {e}"))
}

/// Sets up device `serial` on `sim`'s direct host (sandbox).
pub fn init(sim: &RunningSim, serial: &str) -> InitRequest {
    InitRequest {
        pin: PIN.into(),
        branch_id: "00".into(),
        serial: serial.into(),
        base_url: sim.base_url_direct(),
        environment: store::Environment::Sandbox,
        gateway: None,
        shop_name: None,
    }
}

/// An item of KRA class 5016150000, band B.
pub fn new_item(name: &str, item_type: ItemType, cents: i64) -> NewItem {
    NewItem {
        name: name.into(),
        class_code: "5016150000".into(),
        item_type,
        origin: "KE".into(),
        pkg_unit: "NT".into(),
        qty_unit: "NO".into(),
        tax_band: TaxBand::B,
        price: Money::from_cents(cents),
        barcode: None,
    }
}

/// A cash sale of `qty` of `item`.
pub fn sale(item: &str, qty: i64) -> SaleRequest {
    SaleRequest {
        lines: vec![SaleLineRequest { item: item.into(), qty: Qty::whole(qty), price: None, discount: Discount::None }],
        buyer_pin: None,
        buyer_name: None,
        payment: PaymentType::Cash,
    }
}
