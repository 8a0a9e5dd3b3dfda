//! saveItem: the item-code rule (SPEC §10), package units, classifications; selectItemList;
//! saveItemComposition; the branch saves.

use domain::{ItemType, Qty, TaxBand};
use oscu::{
    Function,
    wire::{BhfCustSaveReq, BhfInsuranceSaveReq, BhfUserSaveReq, ItemCompositionSaveReq, ItemSaveReq},
};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn item_codes_follow_the_sequence_and_unit_prefix() {
    let Shop { sim, client, .. } = shop().await;
    let soda = item(1, "Soda 500ml", TaxBand::B, 8_000, ItemType::Finished);
    register(&client, &soda).await;
    // Saving the same code again updates it.
    let mut renamed = soda.clone();
    renamed.name = "Soda 500 ml".into();
    register(&client, &renamed).await;

    // The next code must end in 2.
    let skip = item(3, "Juice", TaxBand::B, 9_000, ItemType::Finished);
    assert_refused(
        client.save_item(&ItemSaveReq::from_item(&skip, &user()).unwrap()).await,
        "910",
        "Invalid itemCd Sequence. Expected sequence ending with: ********2",
    );
    // A one-character unit cannot sit in the code.
    let mut u =
        json_of(&ItemSaveReq::from_item(&item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished), &user()).unwrap());
    u["qtyUnitCd"] = json!("U");
    u["itemCd"] = json!("KE2NTU0000002");
    assert_refused(send(&client, Function::SaveItem, &u).await, "910", "Incorrect QtyUnitCd Prefix");
    // The embedded package unit must be the item's.
    let mut p =
        json_of(&ItemSaveReq::from_item(&item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished), &user()).unwrap());
    p["pkgUnitCd"] = json!("CT");
    assert_refused(send(&client, Function::SaveItem, &p).await, "910", "Incorrect PkgUnitCd Prefix");
    // BX is in the live code list but not among the package units saveItem accepts.
    p["pkgUnitCd"] = json!("BX");
    assert_refused(
        send(&client, Function::SaveItem, &p).await,
        "910",
        "The Package unit code can ony be among the following list: [AM, BA",
    );
    let mut c =
        json_of(&ItemSaveReq::from_item(&item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished), &user()).unwrap());
    c["itemClsCd"] = json!("1234567890");
    assert_refused(send(&client, Function::SaveItem, &c).await, "910", "item classification list");
    c["itemClsCd"] = json!("5020230000");
    c["taxTyCd"] = json!("F");
    assert_refused(
        send(&client, Function::SaveItem, &c).await,
        "910",
        "Invalid taxTyCd: \"F\" is not a code of class 04",
    );
    c["taxTyCd"] = json!("A");
    c.as_object_mut().unwrap().remove("modrNm");
    assert_refused(send(&client, Function::SaveItem, &c).await, "910", "modrNm cannot be empty or Null");

    // Refusals did not use up number 2.
    register(&client, &item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished)).await;
    let items = client.select_items("20180101000000").await.unwrap();
    let codes: Vec<_> = items.iter().map(|i| i.item_cd.clone().unwrap()).collect();
    assert_eq!(codes, ["KE2NTNO0000001", "KE2NTNO0000002"]);
    assert_eq!(items[0].item_nm.as_deref(), Some("Soda 500 ml"));
    assert_eq!(items[0].reg_bhf_id.as_deref(), Some("00"));
    // As recorded (selectItemList): unsent price levels and safety stock read back as 0.
    let raw = send(&client, Function::SelectItemList, &json!({"lastReqDt": "20180101000000"})).await.unwrap().unwrap();
    let first = &raw["itemList"][0];
    for k in ["grpPrcL1", "grpPrcL2", "grpPrcL3", "grpPrcL4", "grpPrcL5", "sftyQty"] {
        assert_eq!(first[k], json!(0), "{k}: {first}");
    }
    assert_eq!(first["itemStdNm"], json!(null));
    assert!(client.select_items("29991231235959").await.unwrap().is_empty());
    let counters = admin_get(&sim, &format!("state/counters?tin={PIN}&bhfId=00")).await;
    assert_eq!(counters["nextItemSeq"], 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn compositions_need_registered_items_and_component_stock() {
    let Shop { sim, client, .. } = shop().await;
    let flour = item(1, "Flour", TaxBand::A, 10_000, ItemType::RawMaterial);
    let bread = item(2, "Bread", TaxBand::A, 6_000, ItemType::Finished);
    register(&client, &flour).await;
    let composition = |qty: i64| ItemCompositionSaveReq {
        item_cd: bread.code.to_string(),
        cpst_item_cd: flour.code.to_string(),
        cpst_qty: Qty::whole(qty).into(),
        regr_id: "till1".into(),
        regr_nm: "Till One".into(),
        modr_id: None,
        modr_nm: None,
    };
    assert_refused(
        client.save_item_composition(&composition(1)).await,
        "910",
        "Item KE2NTNO0000002 does not exist in your inventory",
    );
    register(&client, &bread).await;
    assert_refused(client.save_item_composition(&composition(1)).await, "910", "Insufficient Stock");
    stock_in(&client, 1, &[(&flour, Qty::whole(5))]).await;
    client.save_item_composition(&composition(1)).await.unwrap();
    assert_refused(client.save_item_composition(&composition(6)).await, "910", "Insufficient Stock");
    sim.shutdown().await;
}

#[tokio::test]
async fn branch_customers_users_and_insurers() {
    let Shop { sim, client, key } = shop().await;
    let customer = |tin: &str| BhfCustSaveReq {
        cust_no: "C0001".into(),
        cust_tin: tin.into(),
        cust_nm: "Buyer Ltd".into(),
        adrs: None,
        tel_no: None,
        email: None,
        fax_no: None,
        use_yn: "Y".into(),
        remark: None,
        regr_id: "till1".into(),
        regr_nm: "Till One".into(),
        modr_id: "till1".into(),
        modr_nm: "Till One".into(),
    };
    assert_refused(client.save_branch_customer(&customer("")).await, "910", "custTin cannot be empty or Null");
    assert_refused(client.save_branch_customer(&customer("12345")).await, "910", "not a KRA PIN");
    // SPEC §1.1: KRA writes PINs in capitals; a lower-case PIN is not one.
    assert_refused(
        client.save_branch_customer(&customer("a000123456f")).await,
        "910",
        "Invalid custTin: \"a000123456f\" is not a KRA PIN",
    );
    client.save_branch_customer(&customer(BUYER)).await.unwrap();
    client
        .save_branch_user(&BhfUserSaveReq {
            user_id: "till1".into(),
            user_nm: "Till One".into(),
            pwd: oscu::SecretText::new("secret"),
            adrs: None,
            cntc: None,
            auth_cd: None,
            remark: None,
            use_yn: "Y".into(),
            regr_id: "admin".into(),
            regr_nm: "Admin".into(),
            modr_id: "admin".into(),
            modr_nm: "Admin".into(),
        })
        .await
        .unwrap();
    let insurer = |rate: u16| BhfInsuranceSaveReq {
        isrcc_cd: "AAR".into(),
        isrcc_nm: "AAR Insurance".into(),
        isrc_rt: rate,
        use_yn: "Y".into(),
        regr_id: "admin".into(),
        regr_nm: "Admin".into(),
        modr_id: "admin".into(),
        modr_nm: "Admin".into(),
    };
    client.save_branch_insurance(&insurer(20)).await.unwrap();
    assert_refused(client.save_branch_insurance(&insurer(1000)).await, "910", "Invalid isrcRt: at most 3 digits");

    // The gateway reads branch customers back.
    let gw = gateway(&sim, "00");
    gw.set_cmc_key(key);
    let customers = gw.select_branch_customers("20180101000000").await.unwrap();
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].cust_tin.as_deref(), Some(BUYER));
    sim.shutdown().await;
}
