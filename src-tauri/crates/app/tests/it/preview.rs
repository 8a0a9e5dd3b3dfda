//! The receipt preview: a training sale drawn as SVG from the printed layout, provisional (no QR)
//! until KRA signs it, then with the verification QR code.

use app::{AppOptions, DocumentNo, Duka, Paper, SaleLineRequest, SaleRequest, TrainingRequest};
use domain::{Discount, PaymentType, Qty};

#[tokio::test]
async fn the_preview_is_the_printed_layout_with_its_qr_once_signed() {
    let dir = tempfile::tempdir().unwrap();
    let duka = Duka::open(dir.path().join("shop.db"), AppOptions::default()).await.unwrap();
    duka.create_owner(crate::OWNER.0, crate::OWNER.1).unwrap();
    duka.start_training(&TrainingRequest { shop_name: "Preview Kiosk".into() }).await.unwrap();
    duka.seed_demo_catalogue().unwrap();
    let line =
        SaleLineRequest { item: "2009900000019".into(), qty: Qty::whole(2), price: None, discount: Discount::None };
    let sale = duka
        .make_sale(&SaleRequest { lines: vec![line], buyer_pin: None, buyer_name: None, payment: PaymentType::Cash })
        .unwrap();
    let doc = DocumentNo(sale.trader_no.clone());
    let name = duka.item("2009900000019").unwrap().name;

    let provisional = duka.receipt_svg(&doc, Paper::Roll80, false).unwrap();
    assert!(provisional.starts_with("<svg "), "{provisional}");
    assert!(provisional.contains(&sale.trader_no), "the invoice number is printed");
    assert!(provisional.contains(&name.replace('&', "&amp;")), "the item is printed");
    assert!(!provisional.contains(r#"class="qr""#), "no QR before KRA signs");
    // Every printed row of the text layout is in the image.
    let text = duka.receipt_text(&doc, Paper::Roll80, false).unwrap();
    let printed_rows = text
        .lines()
        .filter_map(|row| row.split_once('|'))
        .filter(|(marks, rest)| *marks != "QR" && !rest.is_empty() && !rest.chars().all(|c| c == '-'))
        .count();
    assert!(printed_rows > 5, "{text}");
    assert_eq!(provisional.matches("<text ").count(), printed_rows, "{text}\n{provisional}");

    duka.sync_now().await.unwrap();
    assert_eq!(duka.sales(1).unwrap()[0].kra.state, "signed");
    let signed = duka.receipt_svg(&doc, Paper::Roll58, false).unwrap();
    assert!(signed.contains(r#"class="qr""#), "the verification QR is drawn");
    assert!(signed.contains(r#"width=""#));
    duka.shutdown().await;
}
