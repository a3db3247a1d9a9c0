//! The wire types of StockFlow sync (DESIGN §4), shared by the device (`stockflow-core` and the
//! sync client) and the central server (`stockflow-server`). serde only: no database, no HTTP.
//!
//! **Serialized: extend, never rename.** Every struct here is JSON between versions of the app
//! and the server that may be years apart. A new field gets `#[serde(default)]`; a field is never
//! renamed or removed, and a change in meaning is a new `PROTOCOL_VERSION` or payload `version`.

use serde::{Deserialize, Serialize};

/// The protocol this build speaks, sent by the client in the [`PROTOCOL_HEADER`] of every call.
pub const PROTOCOL_VERSION: u32 = 1;
/// The oldest protocol a server of this build still accepts.
pub const MIN_PROTOCOL_VERSION: u32 = 1;
/// The request header that carries the client's protocol version.
pub const PROTOCOL_HEADER: &str = "stockflow-protocol";

/// The most changes one push may carry, and one pull page may return.
pub const MAX_BATCH: usize = 1000;

/// One change of one row, made on one device: an entry of its outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// UUIDv7 minted with the change; the server is idempotent by `(company_id, change_id)`.
    pub change_id: String,
    /// Every change belongs to one company; the server scopes everything by it.
    pub company_id: String,
    /// The device that made the change.
    pub device_id: String,
    /// Dense per (device, company), from 1: the server refuses a gap.
    pub device_seq: i64,
    /// The kind of row (`product`, `stock_movement`, ...). An open set: a device that does not
    /// know a kind keeps the change raw until an upgrade knows it; the server never looks.
    pub entity: String,
    /// The row's id (UUIDv7 text).
    pub entity_id: String,
    /// The hybrid logical clock of the change: `wall_ms-counter-device`, sortable as text.
    pub hlc: String,
    /// The version of the payload's shape for this entity.
    #[serde(default = "one")]
    pub version: u32,
    /// For a catalog row, the fields this change set (empty: all of them, a new row). Events
    /// are inserted once and leave it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The row's synced fields as they were after the change.
    pub payload: serde_json::Value,
}

fn one() -> u32 {
    1
}

/// `POST /v1/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    /// A JWT for `Authorization: Bearer ...`.
    pub token: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// The companies this account may sync.
    pub companies: Vec<CompanyAccess>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyAccess {
    pub company_id: String,
    /// The highest sequence number the server holds for this company.
    pub last_seq: i64,
}

/// `POST /v1/push`: changes of this device, in `device_seq` order per company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One per pushed change, in the request's order: the server sequence it holds the change
    /// at (its original one for a duplicate).
    pub accepted: Vec<Accepted>,
    pub epoch: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accepted {
    pub change_id: String,
    pub seq: i64,
    /// True when the server already held this change (a retry after a lost response).
    pub duplicate: bool,
}

/// `GET /v1/pull?company=ID&after=SEQ&limit=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<PulledChange>,
    /// The seq of the last change returned (`after` when none): the next call's `after`.
    pub next_after: i64,
    pub has_more: bool,
    /// Changes when the server was restored from a backup: the client then pulls from 0 and
    /// pushes everything again.
    pub epoch: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledChange {
    pub seq: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// `GET /v1/status?company=ID`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusResponse {
    pub company_id: String,
    pub epoch: String,
    pub last_seq: i64,
    /// The highest contiguous `device_seq` held for each device that pushed to the company.
    pub devices: Vec<DeviceStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub device_id: String,
    pub max_device_seq: i64,
}

/// Every refusal, whatever the endpoint: `{"error":{"code","message"}}`, like the app's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable snake_case: see [`codes`].
    pub code: String,
    pub message: String,
    /// For `protocol_too_old` / `protocol_too_new`: the versions the server accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_protocols: Option<(u32, u32)>,
}

/// The stable error codes of the server.
pub mod codes {
    pub const UNAUTHENTICATED: &str = "unauthenticated";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const FORBIDDEN: &str = "forbidden";
    pub const THROTTLED: &str = "throttled";
    pub const VALIDATION: &str = "validation";
    /// The same change id was pushed before with another content.
    pub const CHANGE_ID_REUSED: &str = "change_id_reused";
    /// A push would leave a gap in a device's sequence: resend from `/v1/status`.
    pub const SEQUENCE_GAP: &str = "sequence_gap";
    /// Another change already holds this `(company, device, device_seq)`: typically a copied
    /// database pushing under another device's id. The device must get a new `device_id`.
    pub const DEVICE_SEQ_TAKEN: &str = "device_seq_taken";
    pub const PROTOCOL_TOO_OLD: &str = "protocol_too_old";
    pub const PROTOCOL_TOO_NEW: &str = "protocol_too_new";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const NOT_FOUND: &str = "not_found";
    pub const INTERNAL: &str = "internal";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> Change {
        Change {
            change_id: "0192f0c1-0000-7000-8000-000000000001".into(),
            company_id: "0192f0c1-0000-7000-8000-0000000000c0".into(),
            device_id: "d1".into(),
            device_seq: 1,
            entity: "product".into(),
            entity_id: "0192f0c1-0000-7000-8000-0000000000p1".into(),
            hlc: "0001733140000000-000000-d1".into(),
            version: 1,
            fields: vec!["name".into()],
            payload: serde_json::json!({"name": "Blue mug"}),
        }
    }

    #[test]
    fn a_pulled_change_is_the_change_with_its_seq_beside_it() {
        let pulled = PulledChange {
            seq: 7,
            change: change(),
        };
        let json = serde_json::to_value(&pulled).unwrap();
        assert_eq!(json["seq"], 7);
        assert_eq!(json["entity"], "product");
        let back: PulledChange = serde_json::from_value(json).unwrap();
        assert_eq!(back, pulled);
    }

    #[test]
    fn an_older_client_without_version_or_fields_still_parses() {
        let json = serde_json::json!({
            "change_id": "c", "company_id": "co", "device_id": "d", "device_seq": 1,
            "entity": "sale", "entity_id": "s", "hlc": "h", "payload": {}
        });
        let parsed: Change = serde_json::from_value(json).unwrap();
        assert_eq!(parsed.version, 1);
        assert!(parsed.fields.is_empty());
    }
}
