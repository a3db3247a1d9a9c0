//! Money: exact decimals, never floats.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// The most decimal places a price or cost may have.
pub const MAX_SCALE: u32 = 4;

/// The largest amount accepted: a sane ceiling that catches a mistyped or pasted number.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(999_999_999, 0, 0, false, 0);

/// Parses a money amount typed by a user (`19.99`) for the input `field`: a plain decimal
/// (no exponent), not negative, at most [`MAX_SCALE`] places, at most [`MAX_AMOUNT`]. The scale
/// typed is kept, so `19.90` comes back as `19.90`.
pub fn parse_money(field: &str, text: &str) -> Result<Decimal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::validation(
            field,
            format!("{} is required", label(field)),
        ));
    }
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+');
    let value = Decimal::from_str(text)
        .ok()
        .filter(|_| plain)
        .ok_or_else(|| {
            Error::validation(
                field,
                format!(
                    "{} must be a number such as 19.99, not \"{text}\"",
                    label(field)
                ),
            )
        })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::validation(
            field,
            format!("{} cannot be negative", label(field)),
        ));
    }
    if value.scale() > MAX_SCALE {
        return Err(Error::validation(
            field,
            format!(
                "{} can have at most {MAX_SCALE} decimal places",
                label(field)
            ),
        ));
    }
    if value > MAX_AMOUNT {
        return Err(Error::validation(
            field,
            format!("{} cannot be more than {MAX_AMOUNT}", label(field)),
        ));
    }
    // "-0" and "+5" are stored as "0" and "5".
    Ok(value.abs())
}

fn label(field: &str) -> String {
    let mut s = field.replace('_', " ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        let got = parse_money("price", input);
        match (got, expected) {
            (Ok(v), Ok(want)) => assert_eq!(v.to_string(), want, "parsing {input:?}"),
            (Err(Error::Validation { field, reason }), Err(fragment)) => {
                assert_eq!(field, "price");
                assert!(
                    reason.contains(fragment),
                    "{input:?}: reason {reason:?} should mention {fragment:?}"
                );
            }
            (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn accepts_plain_decimals_and_keeps_their_scale() {
        check("19.99", Ok("19.99"));
        check("19.90", Ok("19.90"));
        check(" 7 ", Ok("7"));
        check("0", Ok("0"));
        check("-0", Ok("0"));
        check("1.2345", Ok("1.2345"));
        check("999999999", Ok("999999999"));
    }

    #[test]
    fn refuses_what_is_not_a_sane_price() {
        check("abc", Err("must be a number"));
        check("", Err("required"));
        check("1e30", Err("must be a number"));
        check("1E3", Err("must be a number"));
        check("12,50", Err("must be a number"));
        check("-1", Err("cannot be negative"));
        check("1.23456", Err("at most 4 decimal places"));
        check("1000000000", Err("cannot be more than"));
        check("99999999999999999999999999999999", Err("must be a number"));
    }
}
