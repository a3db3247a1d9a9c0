//! What a request must look like before storage sees it. A refusal names the first bad field.

use stockflow_sync_proto::{Change, PushRequest, MAX_BATCH};

use crate::error::ApiError;

/// The longest id, device id, entity id or hlc (a UUID is 36 characters).
pub const MAX_ID_LEN: usize = 200;
/// The longest entity kind.
pub const MAX_ENTITY_LEN: usize = 64;
/// The most field names one change may list, and the longest.
pub const MAX_FIELDS: usize = 256;
pub const MAX_FIELD_LEN: usize = 128;
/// The longest email address (RFC 5321).
pub const MAX_EMAIL_LEN: usize = 320;

pub fn push(request: &PushRequest) -> Result<(), ApiError> {
    if request.changes.len() > MAX_BATCH {
        return Err(ApiError::payload_too_large(format!(
            "a push carries at most {MAX_BATCH} changes, this one has {}: send them in batches",
            request.changes.len()
        )));
    }
    for (i, change) in request.changes.iter().enumerate() {
        change_fields(i, change)?;
    }
    Ok(())
}

fn change_fields(i: usize, c: &Change) -> Result<(), ApiError> {
    let at = |field: &str| format!("changes[{i}].{field}");
    for (name, value, max) in [
        ("change_id", &c.change_id, MAX_ID_LEN),
        ("company_id", &c.company_id, MAX_ID_LEN),
        ("device_id", &c.device_id, MAX_ID_LEN),
        ("entity", &c.entity, MAX_ENTITY_LEN),
        ("entity_id", &c.entity_id, MAX_ID_LEN),
        ("hlc", &c.hlc, MAX_ID_LEN),
    ] {
        text(&at(name), value, max)?;
    }
    if c.device_seq < 1 {
        return Err(ApiError::validation(format!(
            "{} must be at least 1, not {}",
            at("device_seq"),
            c.device_seq
        )));
    }
    if c.version < 1 {
        return Err(ApiError::validation(format!(
            "{} must be at least 1",
            at("version")
        )));
    }
    if c.fields.len() > MAX_FIELDS {
        return Err(ApiError::validation(format!(
            "{} lists {} fields, at most {MAX_FIELDS}",
            at("fields"),
            c.fields.len()
        )));
    }
    for (k, field) in c.fields.iter().enumerate() {
        text(&at(&format!("fields[{k}]")), field, MAX_FIELD_LEN)?;
    }
    if has_nul(&c.payload) {
        return Err(ApiError::validation(format!(
            "{} holds a NUL character, which the server cannot store",
            at("payload")
        )));
    }
    Ok(())
}

fn text(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::validation(format!("{field} must not be empty")));
    }
    if value.len() > max {
        return Err(ApiError::validation(format!(
            "{field} is {} bytes long, at most {max}",
            value.len()
        )));
    }
    if value.contains('\0') {
        return Err(ApiError::validation(format!(
            "{field} holds a NUL character"
        )));
    }
    Ok(())
}

/// PostgreSQL text and jsonb cannot hold U+0000.
fn has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(has_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// The email as accounts are keyed: trimmed and lowercased.
pub fn email(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    if email.len() > MAX_EMAIL_LEN || email.contains('\0') {
        return Err(ApiError::validation(format!(
            "an email is at most {MAX_EMAIL_LEN} characters"
        )));
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> Change {
        Change {
            change_id: "c1".into(),
            company_id: "co".into(),
            device_id: "d1".into(),
            device_seq: 1,
            entity: "product".into(),
            entity_id: "p1".into(),
            hlc: "h".into(),
            version: 1,
            fields: vec![],
            payload: serde_json::json!({"name": "mug"}),
        }
    }

    fn check(edit: impl FnOnce(&mut Change), expected: Option<&str>) {
        let mut c = change();
        edit(&mut c);
        let got = push(&PushRequest { changes: vec![c] })
            .err()
            .map(|e| e.message);
        match expected {
            None => assert_eq!(got, None, "the change should be accepted"),
            Some(part) => {
                let got = got.expect("the change should be refused");
                assert!(
                    got.contains(part),
                    "refusal {got:?} should mention {part:?}"
                );
            }
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        check(|_| {}, None);
        check(|c| c.change_id = " ".into(), Some("changes[0].change_id"));
        check(|c| c.company_id.clear(), Some("changes[0].company_id"));
        check(|c| c.device_seq = 0, Some("changes[0].device_seq"));
        check(|c| c.version = 0, Some("changes[0].version"));
        check(|c| c.entity = "x".repeat(65), Some("changes[0].entity"));
        check(|c| c.fields = vec!["".into()], Some("changes[0].fields[0]"));
        check(
            |c| c.payload = serde_json::json!({"a": ["\u{0}"]}),
            Some("changes[0].payload"),
        );
    }

    #[test]
    fn a_batch_over_the_limit_is_too_large() {
        let changes = vec![change(); MAX_BATCH + 1];
        let e = push(&PushRequest { changes }).unwrap_err();
        assert_eq!(e.code, stockflow_sync_proto::codes::PAYLOAD_TOO_LARGE);
    }
}
