//! Checks on user input shared by every entity: trimmed, present, printable, bounded.

use crate::error::{Error, Result};

pub const MAX_NAME: usize = 200;
pub const MAX_CODE: usize = 64;
pub const MAX_ADDRESS: usize = 500;
/// Thresholds and quantities above this are typos, not stock.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// A required single-line text: trimmed, not blank, no control characters, at most `max`.
pub fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::validation(field, format!("{label} is required")));
    }
    single_line(field, label, value, max)?;
    Ok(value.to_owned())
}

/// An optional single-line text: blank means absent.
pub fn optional(
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            single_line(field, label, v, max)?;
            Ok(Some(v.to_owned()))
        }
    }
}

/// A code scanned or typed as one word (SKU, barcode): no spaces inside.
pub fn code(field: &str, label: &str, value: &str) -> Result<String> {
    let value = required(field, label, value, MAX_CODE)?;
    if value.chars().any(char::is_whitespace) {
        return Err(Error::validation(
            field,
            format!("{label} cannot contain spaces"),
        ));
    }
    Ok(value)
}

pub fn threshold(field: &str, value: i64) -> Result<i64> {
    if value < 0 {
        return Err(Error::validation(field, "a threshold cannot be negative"));
    }
    if value > MAX_QUANTITY {
        return Err(Error::validation(
            field,
            format!("a threshold cannot exceed {MAX_QUANTITY}"),
        ));
    }
    Ok(value)
}

fn single_line(field: &str, label: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            format!("{label} cannot contain line breaks or control characters"),
        ));
    }
    if value.chars().count() > max {
        return Err(Error::validation(
            field,
            format!("{label} can be at most {max} characters"),
        ));
    }
    Ok(())
}

/// An RFC 3339 time, returned in the canonical UTC form the database stores and compares as
/// text: `2024-05-01T09:30:00.000Z`.
pub fn timestamp(field: &str, value: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(value.trim())
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
        .map_err(|_| {
            Error::validation(
                field,
                format!("\"{value}\" is not a date and time such as 2024-05-01T09:30:00Z"),
            )
        })
}

/// A plausible email address: something@domain.tld, no spaces.
pub fn email(field: &str, label: &str, value: &str) -> Result<String> {
    let value = required(field, label, value, MAX_NAME)?;
    let ok = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|part| !part.is_empty())
    }) && !value.chars().any(char::is_whitespace);
    if !ok {
        return Err(Error::validation(
            field,
            format!("\"{value}\" is not an email address such as name@shop.com"),
        ));
    }
    Ok(value)
}
