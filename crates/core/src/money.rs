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

/// The currency new companies get, and existing ones got with migration 0014.
pub const DEFAULT_CURRENCY: &str = "USD";

/// ISO 4217 codes the app knows, with their minor-unit decimals (ISO's "exponent"). A short,
/// explicit list rather than every code: an unknown code is refused with the reason, never
/// shown with a guessed number of decimals.
pub const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// The minor-unit decimals of a known currency code.
pub fn currency_decimals(code: &str) -> Option<u32> {
    CURRENCIES.iter().find(|(c, _)| *c == code).map(|(_, d)| *d)
}

/// Validates a currency code typed by a user (`eur` is `EUR`) for the input `field`.
pub fn parse_currency(field: &str, text: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(Error::validation(field, "Currency is required"));
    }
    if currency_decimals(&code).is_none() {
        return Err(Error::validation(
            field,
            format!(
                "Currency must be an ISO 4217 code such as EUR, USD, GBP or JPY, not \"{}\"",
                text.trim()
            ),
        ));
    }
    Ok(code)
}

/// A product's margin: price minus cost, and that as a percentage of the price (one decimal,
/// `None` for a price of zero, where a percentage means nothing).
pub fn margin(price: Decimal, cost: Decimal) -> (Decimal, Option<Decimal>) {
    let margin = price - cost;
    let percent = (!price.is_zero()).then(|| {
        let mut p = (margin * Decimal::ONE_HUNDRED / price)
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        // Always one decimal in the JSON: "36.0", not "36".
        p.rescale(1);
        p
    });
    (margin, percent)
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
