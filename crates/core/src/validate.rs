//! Checks on user input shared by every entity: trimmed, present, printable, bounded; and
//! the one comparison key of codes and names that must be unique ([`key`]); and the quantity
//! lines of a movement, order or kit, summed per product ([`sum_lines`]).

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::model::QuantityLine;

pub const MAX_NAME: usize = 200;
pub const MAX_CODE: usize = 64;
pub const MAX_ADDRESS: usize = 500;
/// Thresholds and quantities above this are typos, not stock.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// A required single-line text: trimmed, not blank, no control characters, at most `max`;
/// in NFC, the form a keyboard of any platform gives.
pub fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::validation(field, format!("{label} is required")));
    }
    single_line(field, label, value, max)?;
    if !value
        .chars()
        .any(|c| !c.is_whitespace() && !is_invisible(c))
    {
        return Err(Error::validation(
            field,
            format!("{label} has no visible character"),
        ));
    }
    Ok(value.nfc().collect())
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
            Ok(Some(v.nfc().collect()))
        }
    }
}

/// An optional text of a few lines (a postal address): blank means absent; each line as
/// [`optional`] allows, trimmed, with blank lines dropped and line endings made `\n`.
pub fn optional_lines(
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let lines: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for line in &lines {
        single_line(field, label, line, max)?;
    }
    let joined = lines.join("\n");
    if joined.chars().count() > max {
        return Err(Error::validation(
            field,
            format!("{label} can be at most {max} characters"),
        ));
    }
    Ok((!joined.is_empty()).then(|| joined.nfc().collect()))
}

/// A code scanned or typed as one word (SKU, barcode): no spaces and no invisible character
/// inside (not even those a name may hold), stored in NFKC (fullwidth `ＡＢＣ` is `ABC`).
pub fn code(field: &str, label: &str, value: &str) -> Result<String> {
    if value
        .trim()
        .chars()
        .any(|c| is_invisible(c) || is_bidi_control(c))
    {
        return Err(Error::validation(
            field,
            format!("{label} cannot contain invisible or text-direction characters"),
        ));
    }
    let value = required(field, label, value, MAX_CODE)?;
    if value.chars().any(char::is_whitespace) {
        return Err(Error::validation(
            field,
            format!("{label} cannot contain spaces"),
        ));
    }
    Ok(value.nfkc().collect())
}

/// What two codes or names are compared by for uniqueness: NFKC, then full Unicode case
/// folding, then NFKC again (folding can undo a normalisation): `äpfel`, `ÄPFEL` and
/// `a\u{308}pfel` have one key, so do `STRASSE` and `STRAẞE`, and `ＭＵＧ` and `mug`. The
/// database computes the same with `sf_key(text)` (see `db.rs`).
pub fn key(value: &str) -> String {
    if value
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return value.to_owned();
    }
    if value.is_ascii() {
        return value.to_ascii_lowercase();
    }
    let folded: String = caseless::default_case_fold_str(&value.nfkc().collect::<String>());
    folded.nfkc().collect()
}

/// Characters that reorder the text around them (embeddings, overrides, isolates): a code or
/// name holding one displays as something else (`MUG\u{202E}GUM`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters with no glyph: zero-width spaces and joiners, direction marks, the byte order
/// mark, soft hyphens, fillers, variation selectors, tags. A name may hold the joiners, marks
/// and variation selectors that scripts and emoji need (see [`name_refuses`]); a code none.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// What no single-line text may hold: bidi controls, and invisible characters other than the
/// zero-width (non-)joiner, the direction marks and variation selectors, which Persian, Indic
/// scripts, right-to-left text and emoji need inside a word.
fn name_refuses(c: char) -> bool {
    is_bidi_control(c)
        || (is_invisible(c) && !matches!(c, '\u{200C}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}'))
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
    if value.chars().any(name_refuses) {
        return Err(Error::validation(
            field,
            format!("{label} cannot contain invisible or text-direction characters"),
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

/// Checks that the lines name at least one product, each with a quantity allowed by `sign`, and
/// adds up the quantity per product (a product on two lines counts once, with both).
pub(crate) fn sum_lines(lines: &[QuantityLine], sign: Sign) -> Result<BTreeMap<String, i64>> {
    if lines.is_empty() {
        return Err(Error::validation("lines", "add at least one product"));
    }
    let mut total: BTreeMap<String, i64> = BTreeMap::new();
    for line in lines {
        let ok = match sign {
            Sign::Positive => line.quantity > 0,
            Sign::NonZero => line.quantity != 0,
            Sign::NonNegative => line.quantity >= 0,
        };
        if !ok {
            let want = match sign {
                Sign::Positive => "more than zero",
                Sign::NonZero => "a positive or negative number, not zero",
                Sign::NonNegative => "zero or more",
            };
            return Err(Error::validation(
                "quantity",
                format!("a quantity must be {want}"),
            ));
        }
        // unsigned_abs: i64::MIN has no i64 absolute value (abs() panicked, or wrapped to
        // a negative that passed in a release build).
        if line.quantity.unsigned_abs() > MAX_QUANTITY.unsigned_abs() {
            return Err(Error::validation(
                "quantity",
                format!("a quantity cannot exceed {MAX_QUANTITY}"),
            ));
        }
        let sum = total.entry(line.product_id.clone()).or_default();
        *sum = sum
            .checked_add(line.quantity)
            .filter(|s| s.unsigned_abs() <= MAX_QUANTITY.unsigned_abs())
            .ok_or_else(|| {
                Error::validation(
                    "quantity",
                    format!(
                        "the lines of product {} add up to more than {MAX_QUANTITY}",
                        line.product_id
                    ),
                )
            })?;
    }
    Ok(total)
}

#[derive(Clone, Copy)]
pub(crate) enum Sign {
    Positive,
    NonZero,
    NonNegative,
}
