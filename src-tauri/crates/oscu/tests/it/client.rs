//! The client against a tiny scripted HTTP server on 127.0.0.1:0: paths and headers on both
//! front doors, the gateway token (cached, refreshed, retried), gateway failures inside HTTP 200,
//! `001` as empty, timeouts and refused connections classified as retryable, and the
//! communication key and OAuth secrets kept out of every error text.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use oscu::{
    Client, ClientConfig, CmcKey, Error, FrontDoor, Frozen, Function, Refusal, Retry, SecretText,
    wire::{ItemSaveReq, StockMasterSaveReq, TrnsSalesSaveWrReq},
};
use serde_json::{Value, json};

const KEY: &str = "CMCKEY-7f3a9b2c4d";
const SECRET: &str = "consumer-secret-5e6f7a";

/// One request the server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Value,
    /// The body exactly as received.
    raw: String,
}

/// What the server answers on a path, in order; the last answer repeats.
#[derive(Debug, Clone)]
enum Reply {
    Json(u16, Value),
    /// A KRA refusal whose message echoes the `cmcKey` header back.
    EchoKey,
    /// Never answers.
    Hang,
    /// HTTP 503 with a `Retry-After` of this many seconds.
    Busy(u64),
}

#[derive(Clone, Default)]
struct Script {
    seen: Arc<Mutex<Vec<Seen>>>,
    replies: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
}

impl Script {
    fn on(&self, path: &str, replies: Vec<Reply>) {
        self.replies.lock().unwrap().insert(path.to_owned(), replies.into());
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == path).cloned().collect()
    }
}

async fn answer(State(script): State<Script>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    let body_json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    script.seen.lock().unwrap().push(Seen {
        method,
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        headers: headers.clone(),
        body: body_json,
        raw: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = {
        let mut replies = script.replies.lock().unwrap();
        match replies.get_mut(&path) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    match reply {
        None => (StatusCode::NOT_FOUND, "no such path").into_response(),
        Some(Reply::Json(status, value)) => {
            (StatusCode::from_u16(status).unwrap(), [(header::CONTENT_TYPE, "application/json")], value.to_string())
                .into_response()
        }
        Some(Reply::EchoKey) => {
            let key = headers.get("cmcKey").and_then(|v| v.to_str().ok()).unwrap_or("");
            let body = json!({"resultCd": "900", "resultMsg": format!("cmcKey {key} is not valid for this device")});
            (StatusCode::OK, body.to_string()).into_response()
        }
        Some(Reply::Hang) => std::future::pending().await,
        Some(Reply::Busy(seconds)) => {
            (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, seconds.to_string())], "busy").into_response()
        }
    }
}

async fn serve(script: &Script) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(answer).with_state(script.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn ok(data: Value) -> Reply {
    Reply::Json(200, json!({"resultCd": "000", "resultMsg": "Successful", "resultDt": "20260918110154", "data": data}))
}

fn gateway_ok(data: Value) -> Reply {
    Reply::Json(
        200,
        json!({"responseHeader": {"responseCode": 200, "responseRefID": "r1", "customerMessage": "ok", "debugMessage": null},
               "responseBody": {"resultCd": "000", "resultMsg": "Successful", "resultDt": "20260918110154", "data": data}}),
    )
}

fn token(value: &str, expires_in: Value) -> Reply {
    Reply::Json(200, json!({"access_token": value, "expires_in": expires_in}))
}

fn direct_client(base: &str, key: Option<&str>) -> Client {
    let mut config =
        ClientConfig::new(FrontDoor::Direct { base_url: format!(" {base}/etims-api/ ") }, "P600004575A", "00");
    config.cmc_key = key.map(CmcKey::new);
    Client::new(config).unwrap()
}

fn gateway_client(base: &str) -> Client {
    let mut config = ClientConfig::new(
        FrontDoor::Gateway {
            base_url: format!("{base}/etims-oscu/api/v1"),
            token_url: format!("{base}/v1/token/generate"),
            consumer_key: "consumer-key".into(),
            consumer_secret: SecretText::new(SECRET),
            apigee_app_id: "app-123".into(),
        },
        "P600004575A",
        "00",
    );
    config.cmc_key = Some(CmcKey::new(KEY));
    Client::new(config).unwrap()
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers.get(name).and_then(|v| v.to_str().ok())
}

fn item_request() -> ItemSaveReq {
    let recorded = include_str!("../data/recorded/s2b-gw-2026-saveItem-request-accepted.json");
    serde_json::from_value(serde_json::from_str::<Value>(recorded).unwrap()["request"].clone()).unwrap()
}

fn stock_master() -> StockMasterSaveReq {
    StockMasterSaveReq {
        item_cd: "KE2NTNO0000006".into(),
        rsd_qty: domain::Qty::whole(10).into(),
        regr_id: "till".into(),
        regr_nm: "Till".into(),
        modr_id: "till".into(),
        modr_nm: "Till".into(),
    }
}

#[tokio::test]
async fn direct_host_posts_to_base_plus_function_with_the_three_headers() {
    let script = Script::default();
    script.on("/etims-api/saveItem", vec![ok(Value::Null)]);
    let base = serve(&script).await;
    let client = direct_client(&base, Some(KEY));
    let request = item_request();
    client.save_item(&request).await.unwrap();

    let seen = script.seen("/etims-api/saveItem");
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.method, Method::POST);
    assert_eq!(header(s, "tin"), Some("P600004575A"));
    assert_eq!(header(s, "bhfId"), Some("00"));
    assert_eq!(header(s, "cmcKey"), Some(KEY));
    assert_eq!(header(s, "content-type"), Some("application/json"));
    assert_eq!(header(s, "authorization"), None);
    assert_eq!(header(s, "apigee_app_id"), None);
    assert_eq!(s.body, serde_json::to_value(&request).unwrap());
}

#[tokio::test]
async fn direct_initialisation_sends_identity_in_the_body_and_no_headers_then_keeps_the_key() {
    let script = Script::default();
    script.on(
        "/etims-api/selectInitOsdcInfo",
        vec![ok(json!({"info": {"tin": "P600004575A", "bhfId": "00", "sdcId": "KRACU0400001238", "mrcNo": "KRA00379741", "dvcId": "9999911300000001", "cmcKey": KEY}}))],
    );
    script.on("/etims-api/selectCodeList", vec![ok(json!({"clsList": []}))]);
    let base = serve(&script).await;
    let client = direct_client(&base, None);
    assert!(!client.has_cmc_key());
    let e = client.select_codes("20180101000000").await.unwrap_err();
    assert!(matches!(e, Error::MissingCmcKey { function: Function::SelectCodeList }), "{e:?}");
    assert_eq!(e.retry(), Retry::Never);

    let info = client.initialize(" JM9QLXNJ75 ").await.unwrap();
    assert_eq!(info.sdc_id.as_deref(), Some("KRACU0400001238"));
    assert_eq!(info.cmc_key.as_ref().map(CmcKey::expose), Some(KEY));
    assert!(client.has_cmc_key());
    let s = &script.seen("/etims-api/selectInitOsdcInfo")[0];
    assert_eq!(s.body, json!({"tin": "P600004575A", "bhfId": "00", "dvcSrlNo": "JM9QLXNJ75"}));
    assert_eq!(header(s, "tin"), None);
    assert_eq!(header(s, "cmcKey"), None);

    client.select_codes("20180101000000").await.unwrap();
    assert_eq!(header(&script.seen("/etims-api/selectCodeList")[0], "cmcKey"), Some(KEY));
}

#[tokio::test]
async fn no_result_001_is_an_empty_list_and_refusals_keep_the_kra_message() {
    let script = Script::default();
    script.on(
        "/etims-api/selectStockMoveList",
        vec![Reply::Json(200, json!({"resultCd": "001", "resultMsg": "There is no search result", "resultDt": "20240507155823", "data": null}))],
    );
    script.on(
        "/etims-api/saveTrnsSalesOsdc",
        vec![Reply::Json(
            200,
            json!({"resultCd": "910", "resultMsg": "Invalid invcNo sequence, expected: 7 but found: 5"}),
        )],
    );
    script.on(
        "/etims-api/selectInvoiceDetails",
        vec![Reply::Json(200, json!({"resultCd": "001", "resultMsg": "There is no search result", "data": null}))],
    );
    let base = serve(&script).await;
    let client = direct_client(&base, Some(KEY));
    assert!(client.select_stock_moves("20180101000000").await.unwrap().is_empty());
    assert_eq!(client.select_invoice_details(7).await.unwrap(), None);
    assert_eq!(script.seen("/etims-api/selectInvoiceDetails")[0].body, json!({"invcNo": 7}));

    let body = serde_json::to_vec(&json!({"invcNo": 5})).unwrap();
    let e = client.send_json::<Value>(Function::SaveTrnsSalesOsdc, body).await.unwrap_err();
    assert_eq!(e.kra_code(), Some("910"));
    assert_eq!(e.retry(), Retry::Never);
    assert_eq!(e.expected_number(), Some(7));
    assert!(e.to_string().contains("expected: 7"), "{e}");
}

#[tokio::test]
async fn gateway_uses_its_paths_a_cached_bearer_token_and_the_app_id() {
    let script = Script::default();
    script.on("/v1/token/generate", vec![token("tok-1", json!("3599"))]);
    script.on("/etims-oscu/api/v1/save/stockMaster", vec![gateway_ok(Value::Null)]);
    script.on("/etims-oscu/api/v1/selectStockMoveLists", vec![gateway_ok(json!({"stockList": []}))]);
    script.on(
        "/etims-oscu/api/v1/sendSalesTransaction",
        vec![gateway_ok(json!({"curRcptNo": "3", "totRcptNo": "3", "intrlData": "QM67VCKTFUM7EXGXHV5FMBJ7FI", "rcptSign": "SZBBFW4DCZ7HAGPH", "sdcDateTime": "20260918110036"}))],
    );
    let base = serve(&script).await;
    let client = gateway_client(&base);
    client.save_stock_master(&stock_master()).await.unwrap();
    client.save_stock_master(&stock_master()).await.unwrap();
    client.select_stock_moves("20260101000000").await.unwrap();

    let tokens = script.seen("/v1/token/generate");
    assert_eq!(tokens.len(), 1, "the token is cached until it is due for refresh");
    assert_eq!(tokens[0].method, Method::GET);
    assert_eq!(tokens[0].query.as_deref(), Some("grant_type=client_credentials"));
    let basic = data_encoding::BASE64.encode(format!("consumer-key:{SECRET}").as_bytes());
    assert_eq!(header(&tokens[0], "authorization"), Some(format!("Basic {basic}").as_str()));

    let calls = script.seen("/etims-oscu/api/v1/save/stockMaster");
    assert_eq!(calls.len(), 2);
    let s = &calls[0];
    assert_eq!(header(s, "authorization"), Some("Bearer tok-1"));
    assert_eq!(header(s, "apigee_app_id"), Some("app-123"));
    assert_eq!(header(s, "tin"), Some("P600004575A"));
    assert_eq!(header(s, "bhfId"), Some("00"));
    assert_eq!(header(s, "cmcKey"), Some(KEY));
    assert_eq!(s.body, serde_json::to_value(stock_master()).unwrap());

    let moves = &script.seen("/etims-oscu/api/v1/selectStockMoveLists")[0];
    assert_eq!(moves.body, json!({"lastReqDt": "20260101000000", "tin": "P600004575A", "bhfId": "00"}));

    let request: oscu::wire::TrnsSalesSaveWrReq = serde_json::from_value(
        serde_json::from_str::<Value>(include_str!(
            "../data/recorded/s2b-gw-2026-sendSalesTransaction-request-accepted.json"
        ))
        .unwrap()["request"]
            .clone(),
    )
    .unwrap();
    let receipt = client.save_sales(&request).await.unwrap();
    assert_eq!(receipt.cur_rcpt_no.get(), 3);
    assert_eq!(receipt.rcpt_sign, "SZBBFW4DCZ7HAGPH");
    assert_eq!(script.seen("/etims-oscu/api/v1/sendSalesTransaction")[0].body, serde_json::to_value(&request).unwrap());

    script.on(
        "/etims-oscu/api/v1/sendSalesTransaction",
        vec![gateway_ok(json!({"curRcptNo": "4", "totRcptNo": "4", "intrlData": null, "rcptSign": "", "sdcDateTime": "20260918110036"}))],
    );
    let e = client.save_sales(&request).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert!(e.to_string().contains("intrlData, rcptSign"), "{e}");
}

#[tokio::test]
async fn gateway_refreshes_an_expired_token_and_retries_after_a_401() {
    let script = Script::default();
    script.on("/v1/token/generate", vec![token("tok-1", json!(0)), token("tok-2", json!(3599))]);
    script.on(
        "/etims-oscu/api/v1/itemInfo",
        vec![
            Reply::Json(401, json!({"fault": {"faultstring": "Access Token expired"}})),
            gateway_ok(json!({"itemList": []})),
        ],
    );
    let base = serve(&script).await;
    let client = gateway_client(&base);
    assert!(client.select_items("20180101000000").await.unwrap().is_empty());
    let calls = script.seen("/etims-oscu/api/v1/itemInfo");
    assert_eq!(calls.len(), 2);
    assert_eq!(header(&calls[0], "authorization"), Some("Bearer tok-1"));
    assert_eq!(header(&calls[1], "authorization"), Some("Bearer tok-2"));
    assert_eq!(script.seen("/v1/token/generate").len(), 2);
}

#[tokio::test]
async fn gateway_token_endpoint_is_retried_once_then_reported() {
    let script = Script::default();
    script.on("/v1/token/generate", vec![Reply::Json(503, json!({"error": "busy"})), token("tok-1", json!(3599))]);
    script.on("/etims-oscu/api/v1/branchList", vec![gateway_ok(json!({"bhfList": [{"bhfId": "00", "hqYn": "Y"}]}))]);
    let base = serve(&script).await;
    let client = gateway_client(&base);
    let branches = client.select_branches("20180101000000").await.unwrap();
    assert_eq!(branches[0].bhf_id.as_deref(), Some("00"));
    assert_eq!(script.seen("/v1/token/generate").len(), 2);

    let script = Script::default();
    script.on("/v1/token/generate", vec![Reply::Json(401, json!({"error": format!("bad secret {SECRET}")}))]);
    let base = serve(&script).await;
    let client = gateway_client(&base);
    let e = client.select_branches("20180101000000").await.unwrap_err();
    assert!(matches!(e, Error::Token { status: Some(401), .. }), "{e:?}");
    assert_eq!(e.retry(), Retry::Never);
    assert!(!format!("{e} {e:?}").contains(SECRET));
    assert_eq!(script.seen("/v1/token/generate").len(), 1, "a refused credential is not retried");
}

#[tokio::test]
async fn gateway_failure_hidden_in_http_200_is_an_error() {
    let script = Script::default();
    script.on("/v1/token/generate", vec![token("tok-1", json!(3599))]);
    script.on(
        "/etims-oscu/api/v1/initialize",
        vec![Reply::Json(
            200,
            json!({"responseHeader": {"responseCode": 400, "responseRefID": "fbb7", "customerMessage": "Unable to process the request. Please try again",
                   "debugMessage": "Unable to process the request. Please try again. Possible cause: Query did not return a unique result: 4 results were returned"},
                   "responseBody": null}),
        )],
    );
    let base = serve(&script).await;
    let client = gateway_client(&base);
    let e = client.initialize("JM9QLXNJ75").await.unwrap_err();
    assert!(matches!(e, Error::Gateway { status: 400, .. }), "{e:?}");
    assert_eq!(e.retry(), Retry::Never);
    assert!(e.kra_message().unwrap().contains("Query did not return a unique result"));
    let s = &script.seen("/etims-oscu/api/v1/initialize")[0];
    assert_eq!(s.body, json!({"tin": "P600004575A", "bhfId": "00", "dvcSrlNo": "JM9QLXNJ75"}));
    assert_eq!(header(s, "apigee_app_id"), Some("app-123"));
    assert_eq!(header(s, "cmcKey"), None, "initialisation carries no communication key");
}

#[tokio::test]
async fn a_silent_server_times_out_and_is_retryable_with_an_unknown_outcome() {
    let script = Script::default();
    script.on("/etims-api/saveStockMaster", vec![Reply::Hang]);
    let base = serve(&script).await;
    let mut config =
        ClientConfig::new(FrontDoor::Direct { base_url: format!("{base}/etims-api") }, "P600004575A", "00");
    config.cmc_key = Some(CmcKey::new(KEY));
    config.timeout = Duration::from_millis(300);
    let client = Client::new(config).unwrap();
    let e = client.save_stock_master(&stock_master()).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { function: Function::SaveStockMaster, .. }), "{e:?}");
    assert!(matches!(e.retry(), Retry::After(_)));
    assert!(e.outcome_unknown());
}

#[tokio::test]
async fn an_https_host_that_does_not_speak_tls_fails_the_handshake_before_anything_is_sent() {
    // KRA is reached over TLS (rustls with the ring provider, installed by `Client::new`). A
    // server answering the ClientHello in plain HTTP must end the handshake with an error.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut hello = [0u8; 5];
        socket.read_exact(&mut hello).await.unwrap();
        socket.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await.unwrap();
        // A TLS record starts with its content type: 22 is a handshake (the ClientHello).
        hello[0]
    });
    let client = direct_client(&format!("https://{addr}"), Some(KEY));
    let e = client.save_item(&item_request()).await.unwrap_err();
    assert_eq!(server.await.unwrap(), 22, "the client opened with a TLS handshake");
    assert!(matches!(e, Error::Connect { request_sent: false, .. }), "{e:?}");
    assert!(!e.outcome_unknown());
}

#[tokio::test]
async fn a_refused_connection_is_retryable_later() {
    // A port held (bound) for the whole test but never listened on refuses every connection;
    // one bound then dropped could be handed to a test running alongside.
    let held = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    held.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    let addr = held.local_addr().unwrap().as_socket().unwrap();
    let client = direct_client(&format!("http://{addr}"), Some(KEY));
    let e = client.save_item(&item_request()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { request_sent: false, .. }), "{e:?}");
    assert!(matches!(e.retry(), Retry::After(_)));
    assert!(!e.outcome_unknown());
}

#[tokio::test]
async fn server_errors_are_retryable_and_honour_retry_after() {
    let script = Script::default();
    script.on("/etims-api/selectNoticeList", vec![Reply::Json(503, json!({"message": "maintenance"}))]);
    script.on("/etims-api/selectBhfList", vec![Reply::Busy(42)]);
    let base = serve(&script).await;
    let client = direct_client(&base, Some(KEY));
    let e = client.select_notices("20180101000000").await.unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 503, .. }), "{e:?}");
    assert_eq!(e.retry(), Retry::After(oscu::RETRY_AFTER_SERVER));
    let e = client.select_branches("20180101000000").await.unwrap_err();
    assert_eq!(e.retry(), Retry::After(Duration::from_secs(42)));
}

#[tokio::test]
async fn gateway_fetches_a_new_token_once_the_old_one_is_due() {
    let script = Script::default();
    script.on("/v1/token/generate", vec![token("tok-1", json!(0)), token("tok-2", json!(0))]);
    script.on("/etims-oscu/api/v1/selectNoticeList", vec![gateway_ok(json!({"noticeList": []}))]);
    let base = serve(&script).await;
    let client = gateway_client(&base);
    client.select_notices("20180101000000").await.unwrap();
    client.select_notices("20180101000000").await.unwrap();
    let calls = script.seen("/etims-oscu/api/v1/selectNoticeList");
    assert_eq!(header(&calls[0], "authorization"), Some("Bearer tok-1"));
    assert_eq!(header(&calls[1], "authorization"), Some("Bearer tok-2"));
}

#[tokio::test]
async fn the_communication_key_never_appears_in_errors_or_debug_output() {
    let script = Script::default();
    script.on("/etims-api/saveItem", vec![Reply::EchoKey]);
    script.on("/etims-api/saveStockMaster", vec![Reply::Json(500, json!({"trace": format!("header cmcKey={KEY}")}))]);
    let base = serve(&script).await;
    let client = direct_client(&base, Some(KEY));
    let e = client.save_item(&item_request()).await.unwrap_err();
    assert_eq!(e.kra_code(), Some("900"));
    // The server really did echo the key; the client scrubbed it.
    assert_eq!(header(&script.seen("/etims-api/saveItem")[0], "cmcKey"), Some(KEY));
    for text in [e.to_string(), format!("{e:?}"), e.kra_message().unwrap().to_owned()] {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    let e = client.save_stock_master(&stock_master()).await.unwrap_err();
    assert!(!format!("{e} {e:?}").contains(KEY));
    let shown = format!("{client:?}");
    assert!(!shown.contains(KEY), "{shown}");

    let gateway = gateway_client(&base);
    let shown = format!("{gateway:?}");
    assert!(!shown.contains(KEY) && !shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn gateway_only_lookups_are_refused_on_the_direct_host() {
    let client = direct_client("http://127.0.0.1:9", Some(KEY));
    let e = client.select_taxpayer_info().await.unwrap_err();
    assert!(matches!(e, Error::Unsupported { function: Function::SelectTaxpayerInfo, .. }), "{e:?}");
    assert_eq!(e.retry(), Retry::Never);
}

#[test]
fn bad_settings_are_refused_with_a_clear_reason() {
    let e = Client::new(ClientConfig::new(FrontDoor::Direct { base_url: "etims-api".into() }, "P600004575A", "00"))
        .unwrap_err();
    assert!(e.to_string().contains("not a valid URL"), "{e}");
    let e = Client::new(ClientConfig::new(
        FrontDoor::Gateway {
            base_url: "https://sbx.kra.go.ke/etims-oscu/api/v1".into(),
            token_url: "https://sbx.kra.go.ke/v1/token/generate".into(),
            consumer_key: "k".into(),
            consumer_secret: SecretText::new(""),
            apigee_app_id: "a".into(),
        },
        "P600004575A",
        "00",
    ))
    .unwrap_err();
    assert!(e.to_string().contains("consumer secret"), "{e}");
}

/// Frozen bytes leave exactly as stored (here in a spelling serde would never write), a batch goes
/// out one element per call with each element's bytes, and each answer comes back typed.
#[tokio::test]
async fn frozen_requests_go_out_byte_for_byte_and_come_back_typed() {
    let script = Script::default();
    let base = serve(&script).await;
    let client = direct_client(&base, Some(KEY));
    let recorded: Value =
        serde_json::from_str(include_str!("../data/recorded/s2b-gw-2026-sendSalesTransaction-request-accepted.json"))
            .unwrap();
    let stored = serde_json::to_string_pretty(&recorded["request"]).unwrap();
    let frozen = Frozen::<TrnsSalesSaveWrReq>::stored(stored.clone());
    assert_eq!(frozen.number(), recorded["request"]["invcNo"].as_u64());
    let receipt = json!({"curRcptNo": "4", "totRcptNo": 9, "intrlData": "INTRL", "rcptSign": "SIGN",
        "sdcDateTime": "20260918110154"});
    script.on("/etims-api/saveTrnsSalesOsdc", vec![ok(receipt.clone()), ok(json!({"curRcptNo": 5, "totRcptNo": 10}))]);
    let signed = client.send(&frozen).await.unwrap();
    assert_eq!(script.seen("/etims-api/saveTrnsSalesOsdc")[0].raw, stored, "not re-encoded");
    assert_eq!((signed.value.cur_rcpt_no.get(), signed.value.rcpt_sign.as_str()), (4, "SIGN"));
    assert_eq!(signed.json, receipt.to_string(), "KRA's JSON kept as evidence");
    // Accepted without a signature: the outcome is unknown, so the sale must be read back.
    let e = client.send(&frozen).await.unwrap_err();
    assert!(e.outcome_unknown() && e.to_string().contains("rcptSign"), "{e}");

    let balances = Frozen::batch(&[stock_master(), stock_master()]).unwrap();
    script.on("/etims-api/saveStockMaster", vec![ok(Value::Null)]);
    assert_eq!(client.send_each(&balances).await.unwrap().len(), 2);
    let sent: Vec<String> = script.seen("/etims-api/saveStockMaster").into_iter().map(|s| s.raw).collect();
    let parts: Vec<String> = balances.parts().unwrap().into_iter().map(Frozen::into_body).collect();
    assert_eq!(sent, parts);
    script.on(
        "/etims-api/saveStockMaster",
        vec![Reply::Json(200, json!({"resultCd": "910", "resultMsg": "rsdQty mismatch. Expected: 4 but found: 5"}))],
    );
    let e = client.send_each(&balances).await.unwrap_err();
    assert_eq!(e.refusal(), Some(Refusal::StockBalanceMismatch { expected: Some(domain::Qty::whole(4)) }));
    assert_eq!(script.seen("/etims-api/saveStockMaster").len(), 3, "stops at the first refusal");

    let read_back: Value =
        serde_json::from_str(include_str!("../data/recorded/s2b-gw-2026-selectInvoiceDetail.json")).unwrap();
    let data = read_back["response"]["rawResponse"]["data"].clone();
    let number = data["salesList"][0]["invcNo"].as_u64().unwrap();
    script.on("/etims-api/selectInvoiceDetails", vec![ok(data.clone())]);
    let found = client.read_back(number).await.unwrap().unwrap();
    assert_eq!(found.value.invc_no.get(), number);
    assert_eq!(found.json, data.to_string());
    assert_eq!(script.seen("/etims-api/selectInvoiceDetails")[0].raw, format!("{{\"invcNo\":{number}}}"));
    assert!(client.read_back(number + 1).await.unwrap().is_none(), "another number is not this sale");
}

/// The sync engine sends from spawned tasks: every send future is `Send`.
#[test]
fn send_futures_are_send() {
    fn spawnable<F: std::future::Future + Send>(_: F) {}
    let client = direct_client("http://127.0.0.1:9", Some(KEY));
    let sale = Frozen::<TrnsSalesSaveWrReq>::stored("{}");
    let balances = Frozen::<Vec<StockMasterSaveReq>>::stored("[]");
    spawnable(client.send(&sale));
    spawnable(client.send_each(&balances));
    spawnable(client.read_back(1));
}
