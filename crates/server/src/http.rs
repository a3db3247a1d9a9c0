//! The router: `/healthz` and `/v1/*`. Handlers are a few lines that check the request and call
//! one storage function.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use stockflow_sync_proto::{
    codes, CompanyAccess, LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse,
    StatusResponse, MAX_BATCH, MIN_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use crate::auth::{self, Claims, TokenError, TokenKeys};
use crate::error::ApiError;
use crate::{storage, validate, Pool, PushPause, SeqStrategy, ServerConfig};

/// A pull page when the client names no limit.
pub const DEFAULT_PULL_LIMIT: i64 = 500;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    pool: Pool,
    keys: TokenKeys,
    token_ttl: Duration,
    body_limit: usize,
    seq_strategy: SeqStrategy,
    push_pause: Option<Arc<PushPause>>,
}

impl AppState {
    pub fn new(pool: Pool, keys: TokenKeys, config: &ServerConfig) -> Self {
        Self(Arc::new(Inner {
            pool,
            keys,
            token_ttl: config.token_ttl,
            body_limit: config.body_limit,
            seq_strategy: config.seq_strategy,
            push_pause: config.push_pause.clone(),
        }))
    }
}

pub fn router(state: AppState, body_limit: usize) -> Router {
    let v1 = Router::new()
        .route("/login", post(login))
        .route("/push", post(push))
        .route("/pull", get(pull))
        .route("/status", get(status))
        .route("/companies", get(companies))
        .route_layer(middleware::from_fn(require_protocol));
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/v1", v1)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        // The limit above counts decompressed bytes: the decompression layer is outside it.
        .layer(RequestDecompressionLayer::new())
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            refuse_announced_oversize(body_limit, request, next)
        }))
        .layer(middleware::from_fn(json_errors))
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// Every `/v1` call names its protocol; outside the window the client is told to update.
async fn require_protocol(request: Request, next: Next) -> Response {
    let sent = request
        .headers()
        .get(PROTOCOL_HEADER)
        .map(|v| v.to_str().ok().and_then(|s| s.trim().parse::<u32>().ok()));
    match sent {
        Some(Some(v)) if (MIN_PROTOCOL_VERSION..=PROTOCOL_VERSION).contains(&v) => {
            next.run(request).await
        }
        Some(Some(v)) if v > PROTOCOL_VERSION => ApiError::protocol_too_new(v).into_response(),
        Some(Some(v)) => ApiError::protocol_too_old(Some(v)).into_response(),
        _ => ApiError::protocol_too_old(None).into_response(),
    }
}

/// A body announced larger than the limit is refused before a byte of it is read. (Bodies
/// without a length, or compressed, are cut at the limit as they are read.)
async fn refuse_announced_oversize(limit: usize, request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return json_rejection_too_large(limit).into_response();
    }
    next.run(request).await
}

/// Refusals made below axum's handlers (a method not allowed, an unsupported
/// `Content-Encoding`) come without a body: give them the JSON error shape too.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, codes::NOT_FOUND, "no such endpoint for this method")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            codes::VALIDATION,
            "unsupported Content-Encoding: send the body plain or gzip",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large("the request is too large"),
        s if s.is_server_error() => ApiError::internal(),
        s => ApiError::new(s, codes::VALIDATION, "the request was refused"),
    };
    error.into_response()
}

/// `Json` whose rejections are our JSON errors.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(rejection, state.0.body_limit)),
        }
    }
}

fn json_rejection_too_large(limit: usize) -> ApiError {
    ApiError::payload_too_large(format!(
        "the request is larger than the server accepts ({} KiB once decompressed): send \
         fewer changes at once",
        limit / 1024
    ))
}

fn json_rejection(rejection: JsonRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return json_rejection_too_large(limit);
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::validation("the body must be JSON (Content-Type: application/json)")
        }
        other => ApiError::validation(format!(
            "the body is not the JSON expected: {}",
            other.body_text()
        )),
    }
}

/// `Query` whose rejections are our JSON errors.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|e: QueryRejection| {
                ApiError::validation(format!("bad query parameters: {}", e.body_text()))
            })
    }
}

/// The account of a valid bearer token. Which companies it may sync is read from the database
/// on every call, so a revoked grant takes effect at once.
pub struct Account(pub i64);

impl FromRequestParts<AppState> for Account {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthenticated("sign in first (Authorization: Bearer)"))?;
        match state.0.keys.verify(token.trim()) {
            Ok(account_id) => Ok(Account(account_id)),
            Err(TokenError::Expired) => Err(ApiError::token_expired()),
            Err(TokenError::Invalid) => Err(ApiError::unauthenticated(
                "the sign-in is not valid: sign in again",
            )),
        }
    }
}

async fn login(
    State(state): State<AppState>,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let s = &state.0;
    let email = validate::email(&request.email)?;
    if request.password.len() > auth::MAX_PASSWORD_LEN {
        return Err(ApiError::wrong_credentials());
    }
    if let Some(wait) = storage::take_login_attempt(&s.pool, &email).await? {
        return Err(ApiError::throttled(wait));
    }
    let account = storage::account_by_email(&s.pool, &email).await?;
    let hash = match &account {
        Some((_, hash)) => hash.clone(),
        None => auth::decoy_hash().to_string(),
    };
    let password = request.password;
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|_| ApiError::internal())?;
    let account_id = match account {
        Some((id, _)) if matches => id,
        _ => return Err(ApiError::wrong_credentials()),
    };
    storage::login_succeeded(&s.pool, &email).await?;
    let token = s.keys.sign(&Claims::new(account_id, s.token_ttl));
    let companies = storage::companies_of(&s.pool, account_id).await?;
    Ok(Json(LoginResponse {
        token,
        expires_in: s.token_ttl.as_secs() as i64,
        companies,
    }))
}

async fn push(
    State(state): State<AppState>,
    Account(account_id): Account,
    Body(push): Body<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    let s = &state.0;
    validate::push(&push)?;
    let response = storage::push(
        &s.pool,
        account_id,
        &push.changes,
        s.seq_strategy,
        s.push_pause.as_deref(),
    )
    .await?;
    Ok(Json(response))
}

#[derive(Deserialize)]
struct PullQuery {
    company: String,
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

async fn pull(
    State(state): State<AppState>,
    Account(account_id): Account,
    Params(q): Params<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    if q.after < 0 {
        return Err(ApiError::validation("after must be 0 or more"));
    }
    let limit = q.limit.unwrap_or(DEFAULT_PULL_LIMIT);
    if limit < 1 {
        return Err(ApiError::validation("limit must be at least 1"));
    }
    let limit = limit.min(MAX_BATCH as i64);
    let page = storage::pull(&state.0.pool, account_id, &q.company, q.after, limit).await?;
    Ok(Json(page))
}

#[derive(Deserialize)]
struct CompanyQuery {
    company: String,
}

async fn status(
    State(state): State<AppState>,
    Account(account_id): Account,
    Params(q): Params<CompanyQuery>,
) -> Result<Json<StatusResponse>, ApiError> {
    Ok(Json(
        storage::status(&state.0.pool, account_id, &q.company).await?,
    ))
}

async fn companies(
    State(state): State<AppState>,
    Account(account_id): Account,
) -> Result<Json<Vec<CompanyAccess>>, ApiError> {
    Ok(Json(
        storage::companies_of(&state.0.pool, account_id).await?,
    ))
}
