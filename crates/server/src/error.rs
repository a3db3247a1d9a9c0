//! The one shape of every refusal: `{"error":{"code","message"}}` with a stable code of
//! `sync_proto::codes` and the HTTP status that goes with it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use stockflow_sync_proto::{codes, ErrorBody, ErrorDetail, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION};

use crate::storage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, for `Retry-After`.
    pub retry_after: Option<u64>,
    pub accepted_protocols: Option<(u32, u32)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            accepted_protocols: None,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::VALIDATION, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, codes::UNAUTHENTICATED, message)
    }

    pub fn wrong_credentials() -> Self {
        Self::unauthenticated("wrong email or password")
    }

    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::TOKEN_EXPIRED,
            "the sign-in has expired: sign in again",
        )
    }

    /// The same answer whether the company exists or not: it reveals nothing.
    pub fn forbidden(company_id: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            codes::FORBIDDEN,
            format!("this account may not sync company {company_id}"),
        )
    }

    pub fn throttled(wait_secs: u64) -> Self {
        let unit = if wait_secs == 1 { "second" } else { "seconds" };
        Self {
            retry_after: Some(wait_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::THROTTLED,
                format!("too many failed sign-ins: try again in {wait_secs} {unit}"),
            )
        }
    }

    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            message,
        )
    }

    pub fn protocol_too_old(sent: Option<u32>) -> Self {
        let sent = match sent {
            Some(v) => format!("protocol {v}"),
            None => "no protocol version".to_string(),
        };
        Self {
            accepted_protocols: Some((MIN_PROTOCOL_VERSION, PROTOCOL_VERSION)),
            ..Self::new(
                StatusCode::UPGRADE_REQUIRED,
                codes::PROTOCOL_TOO_OLD,
                format!(
                    "this app is too old for the server: update StockFlow (it sent {sent}, the \
                     server accepts {MIN_PROTOCOL_VERSION} to {PROTOCOL_VERSION})"
                ),
            )
        }
    }

    pub fn protocol_too_new(sent: u32) -> Self {
        Self {
            accepted_protocols: Some((MIN_PROTOCOL_VERSION, PROTOCOL_VERSION)),
            ..Self::new(
                StatusCode::UPGRADE_REQUIRED,
                codes::PROTOCOL_TOO_NEW,
                format!(
                    "this app is too new for the server: the server must be updated (the app \
                     speaks protocol {sent}, the server accepts {MIN_PROTOCOL_VERSION} to \
                     {PROTOCOL_VERSION})"
                ),
            )
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "the server failed to do this: try again later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                accepted_protocols: self.accepted_protocols,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<storage::Error> for ApiError {
    fn from(e: storage::Error) -> Self {
        use storage::Error as E;
        match e {
            E::Forbidden { company_id } => ApiError::forbidden(&company_id),
            E::ChangeIdReused { change_id } => ApiError::new(
                StatusCode::CONFLICT,
                codes::CHANGE_ID_REUSED,
                format!(
                    "change {change_id} was pushed before with another content: nothing of \
                     this push was kept"
                ),
            ),
            E::DeviceSeqTaken {
                company_id,
                device_id,
                device_seq,
            } => ApiError::new(
                StatusCode::CONFLICT,
                codes::DEVICE_SEQ_TAKEN,
                format!(
                    "device {device_id} already pushed another change as number {device_seq} \
                     of company {company_id}: a copied database must get a new device id \
                     before it syncs"
                ),
            ),
            E::SequenceGap {
                company_id,
                device_id,
                expected,
                got,
            } => ApiError::new(
                StatusCode::CONFLICT,
                codes::SEQUENCE_GAP,
                format!(
                    "device {device_id}'s next change for company {company_id} is number \
                     {expected}, not {got}: resend from /v1/status"
                ),
            ),
            E::Pool(deadpool_postgres::PoolError::Timeout(_)) => {
                tracing::warn!("no database connection free in time");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::INTERNAL,
                    "the server is busy: try again shortly",
                )
            }
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::internal()
            }
        }
    }
}
