//! The async OSCU client for both front doors (SPEC §1): the direct host (headers `tin`, `bhfId`,
//! `cmcKey`) and the GavaConnect gateway (OAuth client-credentials bearer token with early refresh
//! and one retry, `apigee_app_id`, identity in the body where the gateway wants it, and the
//! `responseHeader`/`responseBody` wrapper). Which door is configuration, not a code fork.
//!
//! The communication key and the OAuth secrets travel only in headers; they are scrubbed from
//! every text kept from the network and never logged.

use std::{sync::RwLock, time::Duration};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use tokio::{sync::Mutex, time::Instant};

use crate::{
    Error, Function, Result, Retry,
    frozen::{Frozen, Kept, Request},
    response::{self, Door},
    wire::{
        BhfCustSaveReq, BhfInsuranceSaveReq, BhfSearchReq, BhfUserSaveReq, Branch, BranchCustomer, CmcKey, CodeClass,
        CodeSearchReq, Counter, CustSearchReq, CustomerInfo, CustomerListReq, DeviceVerificationReq, ImportItem,
        ImportItemSearchReq, ImportItemUpdateReq, InitInfo, ItemClass, ItemClsSearchReq, ItemCompositionSaveReq,
        ItemInfo, ItemSaveReq, ItemSearchReq, Notice, NoticeSearchReq, PurchaseSale, SalesReadBack,
        SalesTransactionsReq, SecretText, StockIOSaveReq, StockMasterSaveReq, StockMove, StockMoveReq, TaxpayerInfo,
        TaxpayerInfoReq, TrnsPurchaseSalesReq, TrnsPurchaseSaveReq, TrnsSalesSaveWrReq, TrnsSalesSaveWrResData,
    },
};

/// How KRA is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontDoor {
    /// The direct host, base ending in `/etims-api`
    /// (sandbox `https://etims-api-sbx.kra.go.ke/etims-api`).
    Direct { base_url: String },
    /// The GavaConnect gateway (sandbox base `https://sbx.kra.go.ke/etims-oscu/api/v1`, token URL
    /// `https://sbx.kra.go.ke/v1/token/generate`).
    Gateway {
        base_url: String,
        token_url: String,
        consumer_key: String,
        consumer_secret: SecretText,
        apigee_app_id: String,
    },
}

/// Everything the client needs. `timeout` bounds a whole call (KRA is slow: 120 s by default).
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub front_door: FrontDoor,
    /// The taxpayer's KRA PIN.
    pub tin: String,
    /// KRA's 2-digit branch id (`00` head office).
    pub bhf_id: String,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The communication key, when the device was initialised before.
    pub cmc_key: Option<CmcKey>,
}

impl ClientConfig {
    /// What Odoo uses for ordinary calls against the direct host.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

    pub fn new(front_door: FrontDoor, tin: &str, bhf_id: &str) -> ClientConfig {
        ClientConfig {
            front_door,
            tin: tin.to_owned(),
            bhf_id: bhf_id.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            cmc_key: None,
        }
    }
}

/// A cached gateway access token.
#[derive(Debug, Clone)]
struct AccessToken {
    value: SecretText,
    refresh_at: Instant,
}

/// The token endpoint's answer; `expires_in` comes as a number or a string.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Counter>,
}

/// Assumed token lifetime when the endpoint does not say.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// How long before expiry a token is replaced.
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The largest answer read from KRA (or the token endpoint); a bigger one is cut off and refused
/// rather than filling the till's memory. KRA's largest lists (item classes, codes) are a few MiB.
pub const MAX_ANSWER_BYTES: usize = 32 << 20;

enum Capped {
    Read(reqwest::Error),
    TooLarge,
}

/// The body of `answer`, refusing one past `cap` bytes (checked as it arrives).
async fn read_capped(mut answer: reqwest::Response, cap: usize) -> std::result::Result<Vec<u8>, Capped> {
    if answer.content_length().is_some_and(|n| n > cap as u64) {
        return Err(Capped::TooLarge);
    }
    let mut out = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(Capped::Read)? {
        if out.len() + chunk.len() > cap {
            return Err(Capped::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The OSCU client. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    door: FrontDoor,
    tin: String,
    bhf_id: String,
    timeout: Duration,
    cmc_key: RwLock<Option<CmcKey>>,
    token: Mutex<Option<AccessToken>>,
}

fn clean_url(what: &str, url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/').to_owned();
    let parsed = reqwest::Url::parse(&trimmed)
        .map_err(|e| Error::Config { reason: format!("the {what} \"{trimmed}\" is not a valid URL ({e})") })?;
    // The communication key travels in a header: plain http only to this computer (the practice
    // KRA, a local gateway), never across a network.
    let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(trimmed),
        "http" if loopback => Ok(trimmed),
        _ => Err(Error::Config { reason: format!("the {what} \"{trimmed}\" must start with https://") }),
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(value).map_err(|_| Error::Config {
        reason: format!("the {name} contains characters that cannot be sent in a header"),
    })
}

/// Makes rustls's `ring` provider the process's TLS provider, unless one is installed already.
/// reqwest is built without a provider of its own (its default, aws-lc, is ~1.9 MB more code in
/// the till's memory) and refuses to build a client before one is installed: call this before any
/// `reqwest::Client` is built ([`Client::new`] does).
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error means another thread installed one meanwhile: that one serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

impl Client {
    /// Builds a client, checking the configuration (URLs are trimmed: stray spaces broke gateway
    /// calls for other integrators).
    pub fn new(config: ClientConfig) -> Result<Client> {
        let door = match config.front_door {
            FrontDoor::Direct { base_url } => FrontDoor::Direct { base_url: clean_url("KRA base URL", &base_url)? },
            FrontDoor::Gateway { base_url, token_url, consumer_key, consumer_secret, apigee_app_id } => {
                let consumer_key = consumer_key.trim().to_owned();
                let apigee_app_id = apigee_app_id.trim().to_owned();
                if consumer_key.is_empty() || consumer_secret.is_empty() || apigee_app_id.is_empty() {
                    return Err(Error::Config {
                        reason: "the gateway needs the consumer key, consumer secret and App ID from developer.go.ke"
                            .into(),
                    });
                }
                header_value("App ID", &apigee_app_id)?;
                FrontDoor::Gateway {
                    base_url: clean_url("gateway base URL", &base_url)?,
                    token_url: clean_url("token URL", &token_url)?,
                    consumer_key,
                    consumer_secret,
                    apigee_app_id,
                }
            }
        };
        let tin = config.tin.trim().to_ascii_uppercase();
        let bhf_id = config.bhf_id.trim().to_owned();
        if tin.is_empty() || bhf_id.is_empty() {
            return Err(Error::Config { reason: "the KRA PIN and the branch id are required".into() });
        }
        header_value("KRA PIN", &tin)?;
        header_value("branch id", &bhf_id)?;
        if let Some(key) = &config.cmc_key {
            header_value("communication key", key.expose())?;
        }
        install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            // A redirect would carry the cmcKey header (or the token) to another address.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config { reason: format!("the HTTP client could not start: {e}") })?;
        Ok(Client {
            http,
            door,
            tin,
            bhf_id,
            timeout: config.timeout,
            cmc_key: RwLock::new(config.cmc_key),
            token: Mutex::new(None),
        })
    }

    /// Stores the communication key (after initialisation, or loaded from the database).
    pub fn set_cmc_key(&self, key: CmcKey) {
        *self.cmc_key.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key);
    }

    pub fn has_cmc_key(&self) -> bool {
        self.cmc_key.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().is_some_and(|k| !k.is_empty())
    }

    fn cmc_key(&self) -> Option<CmcKey> {
        self.cmc_key.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn door_kind(&self) -> Door {
        match self.door {
            FrontDoor::Direct { .. } => Door::Direct,
            FrontDoor::Gateway { .. } => Door::Gateway,
        }
    }

    /// Every secret that must never appear in an error text.
    fn secrets(&self, token: Option<&SecretText>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(k) = self.cmc_key() {
            out.push(k.expose().to_owned());
        }
        if let FrontDoor::Gateway { consumer_secret, consumer_key, .. } = &self.door {
            out.push(consumer_secret.expose().to_owned());
            out.push(consumer_key.clone());
        }
        if let Some(t) = token {
            out.push(t.expose().to_owned());
        }
        out
    }

    fn url(&self, function: Function) -> Result<String> {
        match &self.door {
            FrontDoor::Direct { base_url } => function
                .direct_path()
                .map(|p| format!("{base_url}/{p}"))
                .ok_or(Error::Unsupported { function, front_door: "the direct KRA host" }),
            FrontDoor::Gateway { base_url, .. } => Ok(format!("{base_url}/{}", function.gateway_path())),
        }
    }

    /// The JSON body for `request`, with `tin`/`bhfId` added where the gateway wants them.
    pub fn encode<Req: Serialize>(&self, function: Function, request: &Req) -> Result<Vec<u8>> {
        let encode_err = |e: serde_json::Error| Error::EncodeRequest { function, reason: e.to_string() };
        if self.door_kind() == Door::Gateway && function.gateway_wants_identity_in_body() {
            let mut value = serde_json::to_value(request).map_err(encode_err)?;
            if let Value::Object(map) = &mut value {
                map.entry("tin").or_insert_with(|| Value::String(self.tin.clone()));
                map.entry("bhfId").or_insert_with(|| Value::String(self.bhf_id.clone()));
            }
            serde_json::to_vec(&value).map_err(encode_err)
        } else {
            serde_json::to_vec(request).map_err(encode_err)
        }
    }

    /// Sends a request body exactly as given (a payload frozen in the outbox is resent byte for
    /// byte) and reads the answer's `data` (`None` for save calls and for `001`).
    pub async fn send_json<T: DeserializeOwned>(&self, function: Function, body: Vec<u8>) -> Result<Option<T>> {
        let (status, retry_after, answer, token) = self.exchange(function, body).await?;
        let secrets = self.secrets(token.as_ref());
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        response::read(function, self.door_kind(), status, &answer, &secrets)
            .map_err(|e| with_retry_after(e, retry_after))
    }

    /// POSTs with the right headers; on the gateway, fetches a token first and retries once with
    /// a fresh token after a 401.
    async fn exchange(
        &self,
        function: Function,
        body: Vec<u8>,
    ) -> Result<(u16, Option<Duration>, Vec<u8>, Option<SecretText>)> {
        let url = self.url(function)?;
        let cmc_key = if function.is_unauthenticated() {
            None
        } else {
            Some(self.cmc_key().filter(|k| !k.is_empty()).ok_or(Error::MissingCmcKey { function })?)
        };
        match &self.door {
            FrontDoor::Direct { .. } => {
                let headers = self.headers(function, cmc_key.as_ref(), None)?;
                let (status, retry_after, answer) = self.post(function, &url, headers, body).await?;
                Ok((status, retry_after, answer, None))
            }
            FrontDoor::Gateway { .. } => {
                let token = self.token(false).await?;
                let headers = self.headers(function, cmc_key.as_ref(), Some(&token))?;
                let (status, retry_after, answer) = self.post(function, &url, headers, body.clone()).await?;
                if status != 401 {
                    return Ok((status, retry_after, answer, Some(token)));
                }
                tracing::debug!(%function, "gateway refused the access token; fetching a new one");
                let token = self.token(true).await?;
                let headers = self.headers(function, cmc_key.as_ref(), Some(&token))?;
                let (status, retry_after, answer) = self.post(function, &url, headers, body).await?;
                Ok((status, retry_after, answer, Some(token)))
            }
        }
    }

    fn headers(&self, function: Function, cmc_key: Option<&CmcKey>, token: Option<&SecretText>) -> Result<HeaderMap> {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let gateway = matches!(self.door, FrontDoor::Gateway { .. });
        if let FrontDoor::Gateway { apigee_app_id, .. } = &self.door {
            h.insert("apigee_app_id", header_value("App ID", apigee_app_id)?);
        }
        if let Some(t) = token {
            let mut v = header_value("access token", &format!("Bearer {}", t.expose()))?;
            v.set_sensitive(true);
            h.insert(AUTHORIZATION, v);
        }
        // The direct host takes initialisation with no eTIMS headers; the gateway was seen with
        // tin/bhfId on it.
        if !function.is_unauthenticated() || gateway {
            h.insert("tin", header_value("KRA PIN", &self.tin)?);
            h.insert("bhfId", header_value("branch id", &self.bhf_id)?);
        }
        if let Some(k) = cmc_key {
            let mut v = header_value("communication key", k.expose())?;
            v.set_sensitive(true);
            h.insert("cmcKey", v);
        }
        Ok(h)
    }

    async fn post(
        &self,
        function: Function,
        url: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<(u16, Option<Duration>, Vec<u8>)> {
        tracing::debug!(%function, "sending to KRA");
        let sent = self.http.post(url).headers(headers).body(body).send().await;
        let answer = sent.map_err(|e| self.transport_error(function, &e))?;
        let status = answer.status().as_u16();
        let retry_after = answer
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if (300..400).contains(&status) {
            let to = answer.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("another address");
            return Err(Error::HttpStatus {
                function,
                status,
                message: format!(
                    "KRA's address sent Duka on to {to}; Duka does not follow redirects, so the communication key \
                     goes nowhere else: check the KRA base URL in Settings"
                ),
                retry_after: None,
            });
        }
        let bytes = read_capped(answer, MAX_ANSWER_BYTES).await.map_err(|e| match e {
            Capped::Read(e) => self.transport_error(function, &e),
            Capped::TooLarge => Error::DecodeResponse {
                function,
                reason: format!("the answer is larger than {} MiB, more than any KRA answer", MAX_ANSWER_BYTES >> 20),
            },
        })?;
        tracing::debug!(%function, status, bytes = bytes.len(), "KRA answered");
        Ok((status, retry_after, bytes))
    }

    fn transport_error(&self, function: Function, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return Error::Timeout { function, after: self.timeout };
        }
        let secrets = self.secrets(None);
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let reason = response::scrub(&error_chain(e), &secrets);
        Error::Connect { function, reason, request_sent: !e.is_connect() }
    }

    /// A valid access token: the cached one unless it is due for refresh or `fresh` is asked for.
    /// A failing token endpoint is tried once more before giving up.
    async fn token(&self, fresh: bool) -> Result<SecretText> {
        let mut slot = self.token.lock().await;
        if !fresh
            && let Some(t) = slot.as_ref()
            && Instant::now() < t.refresh_at
        {
            return Ok(t.value.clone());
        }
        let token = match self.fetch_token().await {
            Ok(t) => t,
            Err(e) if e.retry() != Retry::Never => {
                tracing::debug!("token endpoint failed once; trying again");
                self.fetch_token().await?
            }
            Err(e) => return Err(e),
        };
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    async fn fetch_token(&self) -> Result<AccessToken> {
        let FrontDoor::Gateway { token_url, consumer_key, consumer_secret, .. } = &self.door else {
            return Err(Error::Config { reason: "the direct KRA host takes no access token".into() });
        };
        let separator = if token_url.contains('?') { '&' } else { '?' };
        let url = format!("{token_url}{separator}grant_type=client_credentials");
        let basic = data_encoding::BASE64.encode(format!("{consumer_key}:{}", consumer_secret.expose()).as_bytes());
        let mut auth = header_value("consumer key", &format!("Basic {basic}"))?;
        auth.set_sensitive(true);
        let secrets = self.secrets(None);
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let answer = self.http.get(&url).header(AUTHORIZATION, auth).send().await.map_err(|e| Error::Token {
            status: None,
            reason: if e.is_timeout() {
                "the token endpoint did not answer in time".to_owned()
            } else {
                response::scrub(&error_chain(&e), &secrets)
            },
        })?;
        let status = answer.status().as_u16();
        let bytes = read_capped(answer, MAX_ANSWER_BYTES).await.map_err(|e| Error::Token {
            status: Some(status),
            reason: match e {
                Capped::Read(e) => response::scrub(&error_chain(&e), &secrets),
                Capped::TooLarge => format!("the answer is larger than {} MiB", MAX_ANSWER_BYTES >> 20),
            },
        })?;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&bytes);
            return Err(Error::Token {
                status: Some(status),
                reason: format!("HTTP {status}: {}", response::scrub(text.trim(), &secrets)),
            });
        }
        let parsed: TokenAnswer = serde_json::from_slice(&bytes).map_err(|_| Error::Token {
            status: Some(status),
            reason: "the token endpoint's answer has no access_token".into(),
        })?;
        if parsed.access_token.trim().is_empty() {
            return Err(Error::Token { status: Some(status), reason: "the token endpoint sent an empty token".into() });
        }
        let lifetime = parsed.expires_in.map_or(DEFAULT_TOKEN_LIFETIME, |s| Duration::from_secs(s.get()));
        let early = if lifetime > TOKEN_REFRESH_MARGIN * 2 { lifetime - TOKEN_REFRESH_MARGIN } else { lifetime / 2 };
        Ok(AccessToken { value: SecretText::new(parsed.access_token.trim()), refresh_at: Instant::now() + early })
    }

    // ---- one typed method per function ----

    /// Initialises the device (once per serial + PIN + branch: repeated gateway inits corrupted
    /// KRA's device record). Stores and returns the communication key in `InitInfo::cmc_key`.
    pub async fn initialize(&self, device_serial: &str) -> Result<InitInfo> {
        let function = Function::Initialize;
        let request = DeviceVerificationReq {
            tin: self.tin.clone(),
            bhf_id: self.bhf_id.clone(),
            dvc_srl_no: device_serial.trim().to_owned(),
        };
        let body = self.encode(function, &request)?;
        let (status, retry_after, answer, token) = self.exchange(function, body).await?;
        let secrets = self.secrets(token.as_ref());
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let info = response::read_init(self.door_kind(), status, &answer, &secrets)
            .map_err(|e| with_retry_after(e, retry_after))?;
        if let Some(key) = &info.cmc_key {
            self.set_cmc_key(key.clone());
        }
        Ok(info)
    }

    /// Sends frozen request bytes: writes go out byte for byte; the few lookups the gateway wants
    /// `tin`/`bhfId` inside get them added. Answers with the function's typed data.
    pub async fn send<R: Request>(&self, frozen: &Frozen<R>) -> Result<R::Answer> {
        let function = R::FUNCTION;
        let body =
            if self.door_kind() == Door::Gateway && function.gateway_wants_identity_in_body() && !function.is_write() {
                let value: Value = serde_json::from_str(frozen.body())
                    .map_err(|e| Error::ReadFrozen { function, reason: e.to_string() })?;
                self.encode(function, &value)?
            } else {
                frozen.body().as_bytes().to_vec()
            };
        let data: Option<Value> = self.send_json(function, body).await?;
        R::answer(data)
    }

    /// Sends a frozen batch one element per call, in order, each element's bytes as frozen;
    /// stops at the first failure.
    pub async fn send_each<R: Request>(&self, batch: &Frozen<Vec<R>>) -> Result<Vec<R::Answer>> {
        let parts = batch.parts()?;
        let mut answers = Vec::with_capacity(parts.len());
        for part in &parts {
            answers.push(self.send(part).await?);
        }
        Ok(answers)
    }

    async fn request<R: Request>(&self, request: &R) -> Result<R::Answer> {
        self.send(&Frozen::new(request)?).await
    }

    /// `selectCodeList`: code classes changed since `last_req_dt` (`YYYYMMDDhhmmss`).
    pub async fn select_codes(&self, last_req_dt: &str) -> Result<Vec<CodeClass>> {
        self.request(&CodeSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `selectItemClsList`.
    pub async fn select_item_classes(&self, last_req_dt: &str) -> Result<Vec<ItemClass>> {
        self.request(&ItemClsSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `selectCustomer`: looks up a PIN; empty when KRA does not know it.
    pub async fn select_customer(&self, pin: &str) -> Result<Vec<CustomerInfo>> {
        self.request(&CustSearchReq { custm_tin: pin.trim().to_owned() }).await
    }

    /// `selectBhfList`.
    pub async fn select_branches(&self, last_req_dt: &str) -> Result<Vec<Branch>> {
        self.request(&BhfSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `selectNoticeList`.
    pub async fn select_notices(&self, last_req_dt: &str) -> Result<Vec<Notice>> {
        self.request(&NoticeSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `saveBhfCustomer`.
    pub async fn save_branch_customer(&self, request: &BhfCustSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `saveBhfUser`.
    pub async fn save_branch_user(&self, request: &BhfUserSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `saveBhfInsurance`.
    pub async fn save_branch_insurance(&self, request: &BhfInsuranceSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `saveItem`.
    pub async fn save_item(&self, request: &ItemSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `selectItemList`.
    pub async fn select_items(&self, last_req_dt: &str) -> Result<Vec<ItemInfo>> {
        self.request(&ItemSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `saveItemComposition`.
    pub async fn save_item_composition(&self, request: &ItemCompositionSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `selectImportItemList`: customs import lines, each kept with KRA's JSON of it (a feed
    /// stores it as received).
    pub async fn select_import_items(&self, last_req_dt: &str) -> Result<Vec<Kept<ImportItem>>> {
        self.request(&ImportItemSearchReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// `updateImportItem`.
    pub async fn update_import_item(&self, request: &ImportItemUpdateReq) -> Result<()> {
        self.request(request).await
    }

    /// `saveTrnsSalesOsdc`: a sale or credit note; returns the receipt data to persist and print.
    /// An accepted answer without the signature data is an [`Error::DecodeResponse`] (outcome
    /// unknown): read the sale back with [`Client::read_back`].
    pub async fn save_sales(&self, request: &TrnsSalesSaveWrReq) -> Result<TrnsSalesSaveWrResData> {
        self.request(request).await.map(|kept| kept.value)
    }

    /// `selectTrnsPurchaseSalesList`: suppliers' sales naming this PIN, each kept with KRA's JSON
    /// of it (a feed stores it as received).
    pub async fn select_purchase_sales(&self, last_req_dt: &str) -> Result<Vec<Kept<PurchaseSale>>> {
        let request = TrnsPurchaseSalesReq { last_req_dt: last_req_dt.to_owned(), tin: None, bhf_id: None };
        self.request(&request).await
    }

    /// `insertTrnsPurchase`.
    pub async fn insert_purchase(&self, request: &TrnsPurchaseSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `selectStockMoveList`: stock other branches sent here.
    pub async fn select_stock_moves(&self, last_req_dt: &str) -> Result<Vec<StockMove>> {
        self.request(&StockMoveReq { last_req_dt: last_req_dt.to_owned(), tin: None, bhf_id: None }).await
    }

    /// `insertStockIO`.
    pub async fn insert_stock_io(&self, request: &StockIOSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `saveStockMaster`.
    pub async fn save_stock_master(&self, request: &StockMasterSaveReq) -> Result<()> {
        self.request(request).await
    }

    /// `selectInvoiceDetails` / `selectInvoiceDetail`: the stored sale with this `invcNo`, or `None`
    /// when KRA has none (how a timed-out sale is checked before resending).
    pub async fn select_invoice_details(&self, invc_no: u64) -> Result<Option<SalesReadBack>> {
        Ok(self.read_back(invc_no).await?.map(|kept| kept.value))
    }

    /// The sale KRA stores under `invc_no` (the entry of its list with that number), with KRA's
    /// JSON of the whole answer kept as evidence; `None` when KRA has no sale under that number.
    pub async fn read_back(&self, invc_no: u64) -> Result<Option<Kept<SalesReadBack>>> {
        let Some(list) = self.send(&crate::frozen::read_back_request(invc_no)?).await? else { return Ok(None) };
        let json = list.json;
        Ok(list.value.sales_list.into_iter().find(|s| s.invc_no.get() == invc_no).map(|value| Kept { value, json }))
    }

    /// Gateway only: `selectSalesTransactions`.
    pub async fn select_sales_transactions(&self, last_req_dt: &str) -> Result<Vec<SalesReadBack>> {
        self.request(&SalesTransactionsReq { last_req_dt: last_req_dt.to_owned() }).await
    }

    /// Gateway only: `selectTaxpayerInfo`.
    pub async fn select_taxpayer_info(&self) -> Result<Option<TaxpayerInfo>> {
        self.request(&TaxpayerInfoReq { tin: self.tin.clone(), bhf_id: self.bhf_id.clone() }).await
    }

    /// Gateway only: `selectCustomerList`, the customers stored with `saveBhfCustomer`.
    pub async fn select_branch_customers(&self, last_req_dt: &str) -> Result<Vec<BranchCustomer>> {
        self.request(&CustomerListReq { last_req_dt: last_req_dt.to_owned() }).await
    }
}

fn with_retry_after(e: Error, retry_after: Option<Duration>) -> Error {
    match e {
        Error::HttpStatus { function, status, message, retry_after: None } => {
            Error::HttpStatus { function, status, message, retry_after }
        }
        other => other,
    }
}

/// An error and its causes in one line (reqwest's own text is terse).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
