//! The HTTP side: routes for both front doors and the token endpoint, authentication (headers,
//! bearer token, app id), KRA envelopes and the gateway wrapper, fault injection, and the
//! `/_sim/` admin API.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{any, get, post},
};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::watch};

use crate::{
    Error, Result, RunningSim, SimConfig, admin,
    books::{Books, GatewayCredentials},
    calls::{Answered, Call, CallLog},
    clock,
    conn::{ConnectionHandle, ResettableListener},
    faults::{Fault, Faults, TOKEN},
    function::{self, Function, Host},
    kra::{self, Caller, Ctx, DeviceIssue, Refusal, Reply},
    reference::Reference,
};

/// An admin feed: writes into the books, answers JSON or says what is wrong with the input.
pub type AdminWrite = fn(&mut Books, &Reference, &str, &Value) -> Result<Value>;

/// How long a gateway token lives.
const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug)]
pub struct Shared {
    books: Mutex<Books>,
    reference: Reference,
    faults: Mutex<Faults>,
    tokens: Mutex<BTreeMap<String, Instant>>,
    calls: Mutex<CallLog>,
    /// Woken whenever a call is logged.
    logged: tokio::sync::Notify,
    pub gateway: GatewayCredentials,
    stop: watch::Receiver<bool>,
}

impl Shared {
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn tokens(&self) -> MutexGuard<'_, BTreeMap<String, Instant>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn calls(&self) -> MutexGuard<'_, CallLog> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn log_call(&self, answered: Answered) {
        if self.calls().log(answered) {
            self.logged.notify_waiters();
        }
    }

    /// Waits until the log holds `count` calls of `function` (a spec name or path).
    /// Each call is looked at once (a bench waits for the last of thousands).
    pub async fn wait_for_calls(&self, function: &str, count: usize) {
        let (mut looked_at, mut seen) = (0, 0);
        loop {
            let logged = self.logged.notified();
            {
                let log = self.calls();
                let calls = log.calls();
                // Recording restarted: count again from its start.
                if calls.len() < looked_at {
                    (looked_at, seen) = (0, 0);
                }
                seen += calls[looked_at..].iter().filter(|c| named(c, function)).count();
                looked_at = calls.len();
            }
            if seen >= count || *self.stop.borrow() {
                return;
            }
            logged.await;
        }
    }

    /// Runs an admin write and commits it.
    pub fn admin(&self, write: AdminWrite, body: &Value) -> Result<Value> {
        let now = clock::now_kra();
        let mut books = self.books();
        let result = write(&mut books, &self.reference, &now, body);
        books.commit()?;
        result
    }

    /// An admin view of the books.
    pub fn view(&self, what: &str, tin: &str, bhf: &str) -> Result<Value> {
        crate::admin::state(&self.books(), what, tin, bhf)
    }

    /// Waits `d`, or less if the simulator is stopping. True when the full time passed.
    async fn pause(&self, d: Duration) -> bool {
        let mut stop = self.stop.clone();
        tokio::select! {
            () = tokio::time::sleep(d) => true,
            _ = stop.wait_for(|s| *s) => false,
        }
    }
}

fn random_text(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Random(e.to_string()))?;
    Ok(data_encoding::HEXLOWER.encode(&buf))
}

fn ref_id() -> String {
    let hex = random_text(16).unwrap_or_else(|_| "0".repeat(32));
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

pub async fn start(config: SimConfig) -> Result<RunningSim> {
    let reference = Reference::builtin()?;
    let mut books = match &config.state {
        Some(path) => Books::open(path)?,
        None => Books::in_memory()?,
    };
    for d in &config.devices {
        books.ensure_device(&d.tin, &d.bhf_id, &d.serial);
    }
    let gateway = match config.gateway.clone().or_else(|| books.gateway().cloned()) {
        Some(g) => g,
        None => GatewayCredentials {
            consumer_key: random_text(16)?,
            consumer_secret: random_text(16)?,
            app_id: random_text(8)?,
        },
    };
    if books.gateway() != Some(&gateway) {
        books.set_gateway(gateway.clone());
    }
    books.commit()?;

    let listener =
        TcpListener::bind(config.listen).await.map_err(|source| Error::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind { addr: config.listen, source })?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        books: Mutex::new(books),
        reference,
        faults: Mutex::new(Faults::default()),
        tokens: Mutex::new(BTreeMap::new()),
        calls: Mutex::new(CallLog::default()),
        logged: tokio::sync::Notify::new(),
        gateway,
        stop: stop_rx.clone(),
    });
    let app = router(shared.clone());
    let mut stop = stop_rx;
    let task = tokio::spawn(async move {
        let served =
            axum::serve(ResettableListener(listener), app.into_make_service_with_connect_info::<ConnectionHandle>())
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await;
        if let Err(e) = served {
            tracing::error!("oscu-sim stopped: {e}");
        }
    });
    Ok(RunningSim { addr, shared, stop: stop_tx, task })
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/etims-api/{*path}", any(direct))
        .route("/etims-oscu/api/v1/{*path}", any(gateway))
        .route("/v1/token/generate", any(token))
        .route("/_sim/faults", get(faults_get).post(faults_set).delete(faults_clear))
        .route("/_sim/calls", get(calls_get).post(calls_record).delete(calls_stop))
        .route("/_sim/purchases", post(admin_supplier_sale))
        .route("/_sim/imports", post(admin_import))
        .route("/_sim/notices", post(admin_notice))
        .route("/_sim/taxpayers", post(admin_taxpayer))
        .route("/_sim/state/{what}", get(state))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "no such path on the OSCU simulator"}))) })
        .with_state(shared)
}

// ---- business calls

async fn direct(
    State(s): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnectionHandle>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call(s, conn, Host::Direct, path, method, headers, body).await
}

async fn gateway(
    State(s): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnectionHandle>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    call(s, conn, Host::Gateway, path, method, headers, body).await
}

fn gateway_failure_body() -> Value {
    json!({
        "responseHeader": {
            "responseCode": 500,
            "responseRefID": ref_id(),
            "customerMessage": "Unable to process the request. Please try again",
            "debugMessage": "Unable to process the request. Please try again. Possible cause: upstream service unavailable"
        },
        "responseBody": null
    })
}

/// What KRA answered: its result code and message; `None` when no envelope was sent.
type Result200 = Option<(String, String)>;

/// Applies a fault that replaces the answer; `None` lets the call go on. `host` is `None` for the
/// token endpoint.
async fn apply_fault(
    s: &Shared,
    conn: &ConnectionHandle,
    host: Option<Host>,
    fault: Option<&Fault>,
) -> Option<(Response, Result200)> {
    let replaced = match fault? {
        Fault::LatencyMs { ms } => {
            s.pause(Duration::from_millis(*ms)).await;
            return None;
        }
        Fault::HttpStatus { status } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (code, code.canonical_reason().unwrap_or("Error").to_owned()).into_response()
        }
        Fault::Reset => {
            conn.reset();
            StatusCode::OK.into_response()
        }
        Fault::MalformedBody => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"resultCd\":\"000\",\"resultMsg\":\"Succ")
                .into_response()
        }
        Fault::GatewayFailure200 => (StatusCode::OK, Json(gateway_failure_body())).into_response(),
        Fault::RecordThenHang { .. } => return None,
        Fault::Refuse { code, message } => match host {
            Some(host) => {
                let answer = envelope_of(host, &clock::now_kra(), code, message, Value::Null);
                return Some((answer, Some((code.clone(), message.clone()))));
            }
            None => {
                (StatusCode::BAD_REQUEST, Json(json!({"error": code, "error_description": message}))).into_response()
            }
        },
    };
    Some((replaced, None))
}

async fn call(
    s: Arc<Shared>,
    conn: ConnectionHandle,
    host: Host,
    path: String,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(function) = function::from_path(host, &path) else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": format!("no OSCU function at {path}")}))).into_response();
    };
    let received = Instant::now();
    let fault = s.faults().next(function.spec_name(), Some(function));
    let (response, result) = match apply_fault(&s, &conn, Some(host), fault.as_ref()).await {
        Some(replaced) => replaced,
        None => process(&s, host, function, &method, &headers, &body),
    };
    // Logged once answered, before any hang: a hung call was recorded all the same.
    s.log_call(Answered {
        function: function.spec_name().to_owned(),
        body: String::from_utf8_lossy(&body).into_owned(),
        fault: fault.clone(),
        result,
        received,
    });
    if let Some(Fault::RecordThenHang { secs }) = fault {
        s.pause(Duration::from_secs(secs)).await;
    }
    response
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

fn unauthorised(fault: &str, code: &str) -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({"fault": {"faultstring": fault, "detail": {"errorcode": code}}})))
        .into_response()
}

fn check_gateway_auth(s: &Shared, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let token = header_text(headers, "authorization").and_then(|v| v.strip_prefix("Bearer "));
    let now = Instant::now();
    let valid = token.is_some_and(|t| s.tokens().get(t.trim()).is_some_and(|expiry| *expiry > now));
    if !valid {
        return Err(Box::new(unauthorised("Invalid access token", "oauth.v2.InvalidAccessToken")));
    }
    if header_text(headers, "apigee_app_id") != Some(s.gateway.app_id.as_str()) {
        return Err(Box::new(unauthorised("Invalid or missing apigee_app_id", "keymanagement.service.InvalidAppId")));
    }
    Ok(())
}

fn authenticate(books: &Books, headers: &HeaderMap) -> Result<Caller, Refusal> {
    let tin = header_text(headers, "tin");
    let bhf = header_text(headers, "bhfid");
    let key = header_text(headers, "cmckey");
    let (Some(tin), Some(bhf), Some(key)) = (tin, bhf, key) else {
        let missing: Vec<&str> = [("tin", tin), ("bhfId", bhf), ("cmcKey", key)]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        return Err(Refusal { code: "900", message: format!("Header information is missing: {}", missing.join(", ")) });
    };
    match books.device_by_key(tin, bhf, key) {
        Some(device_key) => Ok(Caller { tin: tin.to_owned(), bhf_id: bhf.to_owned(), device_key }),
        None => Err(Refusal {
            code: "901",
            message: format!(
                "This device is not valid: tin {tin}, bhfId {bhf} and this cmcKey match no initialised device"
            ),
        }),
    }
}

fn process(
    s: &Shared,
    host: Host,
    function: Function,
    method: &Method,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Response, Result200) {
    let now = clock::now_kra();
    if host == Host::Gateway
        && let Err(denied) = check_gateway_auth(s, headers)
    {
        return (*denied, None);
    }
    let answer = (|| {
        if method != Method::POST {
            return Err(Refusal { code: "912", message: format!("Request method error: use POST, not {method}") });
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Refusal { code: "911", message: "Request body is missing".into() });
        }
        let json: Value =
            serde_json::from_slice(body).map_err(|e| Refusal::param(format!("Request body is not valid JSON: {e}")))?;
        let mut books = s.books();
        let answer = if function == Function::Initialize {
            let issue = DeviceIssue::random().map_err(|e| Refusal { code: "999", message: e.to_string() })?;
            kra::initialise(&mut books, &s.reference, &json, &now, issue)
        } else {
            let caller = authenticate(&books, headers)?;
            let mut ctx = Ctx { books: &mut books, reference: &s.reference, host, now: now.clone(), caller };
            kra::handle(function, &mut ctx, &json)
        };
        books.commit()?;
        answer
    })();
    match &answer {
        Ok(_) => tracing::info!(function = function.spec_name(), ?host, "accepted"),
        Err(r) => {
            tracing::info!(function = function.spec_name(), ?host, code = r.code, message = %r.message, "refused")
        }
    }
    envelope(host, &now, answer)
}

fn envelope(host: Host, now: &str, answer: kra::Answer) -> (Response, Result200) {
    let (code, message, data) = match answer {
        Ok(Reply::Data(d)) => ("000", "Successful".to_owned(), d),
        Ok(Reply::Empty) => ("001", "There is no search result".to_owned(), Value::Null),
        Err(r) => (r.code, r.message, Value::Null),
    };
    let response = envelope_of(host, now, code, &message, data);
    (response, Some((code.to_owned(), message)))
}

/// KRA's envelope on `host`: as it is on the direct host; wrapped in `responseHeader` /
/// `responseBody` (HTTP 400 unless `000`/`001`) on the gateway.
fn envelope_of(host: Host, now: &str, code: &str, message: &str, data: Value) -> Response {
    let env = json!({"resultCd": code, "resultMsg": message, "resultDt": now, "data": data});
    match host {
        Host::Direct => (StatusCode::OK, Json(env)).into_response(),
        Host::Gateway => {
            let ok = code == "000" || code == "001";
            let status = if ok { StatusCode::OK } else { StatusCode::BAD_REQUEST };
            let customer = if ok { "Successful" } else { "Unable to process the request. Please try again" };
            let wrapped = json!({
                "responseHeader": {
                    "responseCode": status.as_u16(),
                    "responseRefID": ref_id(),
                    "customerMessage": customer,
                    "debugMessage": message,
                },
                "responseBody": env,
            });
            (status, Json(wrapped)).into_response()
        }
    }
}

// ---- gateway token

async fn token(
    State(s): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnectionHandle>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let fault = s.faults().next(TOKEN, None);
    if let Some((replaced, _)) = apply_fault(&s, &conn, None, fault.as_ref()).await {
        return replaced;
    }
    let response = issue_token(&s, &query, &headers);
    if let Some(Fault::RecordThenHang { secs }) = fault {
        s.pause(Duration::from_secs(secs)).await;
    }
    response
}

fn issue_token(s: &Shared, query: &BTreeMap<String, String>, headers: &HeaderMap) -> Response {
    if query.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"})),
        )
            .into_response();
    }
    let presented = header_text(headers, "authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| data_encoding::BASE64.decode(b.trim().as_bytes()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let expected = format!("{}:{}", s.gateway.consumer_key, s.gateway.consumer_secret);
    if presented.as_deref() != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client", "error_description": "Invalid client credentials"})),
        )
            .into_response();
    }
    let Ok(token) = random_text(16) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no random numbers available").into_response();
    };
    s.tokens().insert(token.clone(), Instant::now() + TOKEN_LIFETIME);
    let expires = TOKEN_LIFETIME.as_secs() - 1;
    (StatusCode::OK, Json(json!({"access_token": token, "expires_in": expires.to_string(), "token_type": "Bearer"})))
        .into_response()
}

// ---- admin: faults

async fn faults_get(State(s): State<Arc<Shared>>) -> Response {
    let f = s.faults();
    Json(json!({"rules": f.rules(), "calls": f.calls()})).into_response()
}

async fn faults_set(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let rules = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return bad_request(format!("not a fault script: {e}")),
    };
    match s.faults().set(rules) {
        Ok(()) => Json(json!({"ok": true})).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

async fn faults_clear(State(s): State<Arc<Shared>>) -> Response {
    s.faults().clear();
    Json(json!({"ok": true})).into_response()
}

// ---- admin: the call log

/// Whether a logged call is of `function` (a spec name or a path on either front door).
pub fn named(call: &Call, function: &str) -> bool {
    call.function == function
        || Function::ALL.iter().any(|f| f.spec_name() == call.function && function::is_named(*f, function))
}

async fn calls_get(State(s): State<Arc<Shared>>) -> Response {
    let log = s.calls();
    Json(json!({"recording": log.is_recording(), "calls": log.calls()})).into_response()
}

/// Starts recording into an empty log.
async fn calls_record(State(s): State<Arc<Shared>>) -> Response {
    s.calls().start();
    Json(json!({"ok": true})).into_response()
}

/// Stops recording; the log stays readable.
async fn calls_stop(State(s): State<Arc<Shared>>) -> Response {
    s.calls().stop();
    Json(json!({"ok": true})).into_response()
}

fn bad_request(message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message.into()}))).into_response()
}

// ---- admin: feeds and inspection

fn admin_write(s: &Shared, write: AdminWrite, body: &Value) -> Response {
    match s.admin(write, body) {
        Ok(v) => Json(v).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

async fn admin_supplier_sale(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    admin_write(&s, admin::add_supplier_sale, &body)
}

async fn admin_import(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    admin_write(&s, admin::add_import, &body)
}

async fn admin_notice(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    admin_write(&s, admin::add_notice, &body)
}

async fn admin_taxpayer(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    admin_write(&s, admin::add_taxpayer, &body)
}

async fn state(
    State(s): State<Arc<Shared>>,
    Path(what): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let tin = q.get("tin").cloned().unwrap_or_default();
    let bhf = q.get("bhfId").cloned().unwrap_or_else(|| "00".into());
    match admin::state(&s.books(), &what, &tin, &bhf) {
        Ok(v) => Json(v).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}
