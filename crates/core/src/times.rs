//! The ledger's times as integers (migration 0020): a sale's `sold_ms` and a movement's
//! `occurred_ms` are milliseconds since 1970-01-01 UTC. The views give the text back; queries
//! filter and order on the integers, which the indexes hold.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{Error, Result};

/// The milliseconds of an RFC 3339 time, `None` when the text is not one.
pub(crate) fn millis(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The milliseconds of a time this code made or validated (`validate::timestamp`, the
/// transaction's `now`): one that is not a time is a bug, not a user's mistake.
pub(crate) fn ms(text: &str) -> Result<i64> {
    millis(text).ok_or_else(|| Error::Internal(format!("\"{text}\" is not a time")))
}

/// The milliseconds of a moment.
pub(crate) fn ms_of(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// What a ledger row keeps of a time, as the views' triggers keep it: an empty text and the
/// integer when the view gives the same text back from the integer, else the text as it was
/// (with the integer, to sort by, when it is a time).
pub(crate) fn stored(text: &str) -> (&str, Option<i64>) {
    let ms = millis(text);
    match ms {
        Some(ms) if ms >= 0 && canonical(ms).as_deref() == Some(text) => ("", Some(ms)),
        _ => (text, ms),
    }
}

/// The text the views rebuild from an integer: `YYYY-MM-DDTHH:MM:SS.sssZ`.
fn canonical(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_canonical_form_is_kept_as_an_integer_alone() {
        assert_eq!(
            stored("2025-01-01T00:00:00.123Z"),
            ("", Some(1_735_689_600_123))
        );
        // Other spellings of a time keep their text, and sort by their moment.
        assert_eq!(
            stored("2025-01-01T00:00:00Z"),
            ("2025-01-01T00:00:00Z", Some(1_735_689_600_000))
        );
        assert_eq!(
            stored("2025-01-01T02:00:00.000+02:00"),
            ("2025-01-01T02:00:00.000+02:00", Some(1_735_689_600_000))
        );
        assert_eq!(
            stored("1969-12-31T23:59:59.999Z"),
            ("1969-12-31T23:59:59.999Z", Some(-1))
        );
        assert_eq!(stored("yesterday"), ("yesterday", None));
        assert!(ms("yesterday").is_err());
    }
}
