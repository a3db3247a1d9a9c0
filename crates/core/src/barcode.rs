//! Barcode labels (issue #17 item 3): which code a product's label carries, and its bars.
//! Code 128 (set B) for any SKU or barcode of printable ASCII; EAN-13 for a product whose
//! barcode is a valid EAN-13 or UPC-A. The bars are a string of modules, `1` a bar and `0` a
//! space, for the window to draw at any size; quiet zones are the drawing's.

use rusqlite::OptionalExtension;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::auth::Action;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::lookup::{get_company, product_of_company};

/// Labels one request prints at most, all copies counted.
pub const MAX_LABELS: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    Code128,
    Ean13,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LabelInput {
    pub product_id: String,
    pub copies: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct LabelRequest {
    pub company_id: String,
    pub labels: Vec<LabelInput>,
    /// `None`: EAN-13 where the product's barcode is one, else Code 128.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default)]
    pub symbology: Option<Symbology>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Label {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price: Decimal,
    pub symbology: Symbology,
    /// What the bars say, as printed under them (an EAN-13 with its check digit).
    pub text: String,
    /// `1` a bar module, `0` a space.
    pub modules: String,
    pub copies: i64,
}

impl Store {
    /// The labels to print for products of a company, in the order asked, each with its
    /// code. A product whose label cannot be made is refused by its line, and nothing else
    /// is returned.
    pub fn barcode_labels(&self, request: &LabelRequest) -> Result<Vec<Label>> {
        self.authorize(&request.company_id, Action::Read)?;
        get_company(&self.conn, &request.company_id)?;
        if request.labels.is_empty() {
            return Err(Error::validation("labels", "choose at least one product"));
        }
        let mut total: i64 = 0;
        let mut labels = Vec::with_capacity(request.labels.len());
        for (n, wanted) in request.labels.iter().enumerate() {
            let at = |e: Error| e.at_line(n + 1);
            if !(1..=MAX_LABELS).contains(&wanted.copies) {
                return Err(at(Error::validation(
                    "copies",
                    format!("copies are 1 to {MAX_LABELS}"),
                )));
            }
            total += wanted.copies;
            if total > MAX_LABELS {
                return Err(Error::validation(
                    "copies",
                    format!("at most {MAX_LABELS} labels at a time"),
                ));
            }
            let p = product_of_company(&self.conn, &request.company_id, &wanted.product_id)
                .map_err(at)?;
            let (name, barcode): (String, Option<String>) = self
                .conn
                .query_row(
                    "SELECT name, barcode FROM products WHERE id = ?1",
                    [&p.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or_default();
            let ean = barcode.as_deref().and_then(ean13_digits);
            let (symbology, text) = match (request.symbology, ean) {
                (Some(Symbology::Ean13), None) => {
                    return Err(at(Error::validation(
                        "symbology",
                        format!(
                            "{} has no EAN-13 barcode (13 digits, or a 12-digit UPC-A, with a right check digit): print it as Code 128",
                            p.sku
                        ),
                    )))
                }
                (Some(Symbology::Ean13) | None, Some(digits)) => (Symbology::Ean13, digits),
                (Some(Symbology::Code128) | None, _) => {
                    (Symbology::Code128, barcode.unwrap_or_else(|| p.sku.clone()))
                }
            };
            let modules = match symbology {
                Symbology::Ean13 => ean13(&text),
                Symbology::Code128 => code128(&text).ok_or_else(|| {
                    at(Error::validation(
                        "symbology",
                        format!(
                            "\"{text}\" of {} cannot be a Code 128 label: only letters, digits and signs of plain ASCII can",
                            p.sku
                        ),
                    ))
                })?,
            };
            labels.push(Label {
                product_id: p.id,
                sku: p.sku,
                name,
                price: p.price,
                symbology,
                text,
                modules,
                copies: wanted.copies,
            });
        }
        Ok(labels)
    }
}

/// The 13 digits of a valid EAN-13, or of a UPC-A (12 digits, read as EAN-13 with a leading
/// zero); `None` when the check digit is wrong or it is neither.
pub fn ean13_digits(code: &str) -> Option<String> {
    let code = code.trim();
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = match code.len() {
        13 => code.to_owned(),
        12 => format!("0{code}"),
        _ => return None,
    };
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    (ean13_check(&d[..12]) == d[12]).then_some(digits)
}

/// The check digit of the first 12 digits of an EAN-13.
fn ean13_check(first12: &[u32]) -> u32 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10
}

/// The 95 modules of an EAN-13 of 13 valid digits.
fn ean13(digits: &str) -> String {
    const L: [&str; 10] = [
        "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
        "0110111", "0001011",
    ];
    const G: [&str; 10] = [
        "0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001",
        "0001001", "0010111",
    ];
    const R: [&str; 10] = [
        "1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100",
        "1001000", "1110100",
    ];
    // The first digit is not drawn: it chooses which of the left six are L or G.
    const PARITY: [&str; 10] = [
        "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL",
        "LGGLGL",
    ];
    let d: Vec<usize> = digits.bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = String::with_capacity(95);
    out.push_str("101");
    for (i, parity) in PARITY[d[0]].bytes().enumerate() {
        out.push_str(if parity == b'L' {
            L[d[i + 1]]
        } else {
            G[d[i + 1]]
        });
    }
    out.push_str("01010");
    for digit in &d[7..13] {
        out.push_str(R[*digit]);
    }
    out.push_str("101");
    out
}

/// Code 128's symbols 0 to 106 as bar and space widths (bar first); 106 is the stop.
const CODE128: [&str; 107] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];
const START_B: usize = 104;
const START_C: usize = 105;
/// In set B, the switch to set C; in set C, the switch to set B.
const TO_C: usize = 99;
const TO_B: usize = 100;
const STOP: usize = 106;

/// The modules of `text` in Code 128 with its check symbol: set B for printable ASCII, set C
/// (two digits a symbol) for runs of digits long enough to save room, as scanners expect.
/// `None` when a character is outside printable ASCII, or the text is empty or too long to
/// scan.
pub fn code128(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 48 || !bytes.iter().all(|b| (32..=126).contains(b)) {
        return None;
    }
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut symbols = Vec::with_capacity(bytes.len() + 4);
    let mut in_c =
        digits_from(0) >= 4 || (digits_from(0) == bytes.len() && bytes.len().is_multiple_of(2));
    symbols.push(if in_c { START_C } else { START_B });
    let mut i = 0;
    while i < bytes.len() {
        if in_c {
            if i + 1 < bytes.len() && bytes[i].is_ascii_digit() && bytes[i + 1].is_ascii_digit() {
                symbols.push(usize::from((bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0')));
                i += 2;
            } else {
                symbols.push(TO_B);
                in_c = false;
            }
            continue;
        }
        // A run of digits worth a switch: four at the end, six in the middle.
        let run = digits_from(i);
        if run >= 6 || (run >= 4 && i + run == bytes.len()) {
            if run % 2 == 1 {
                symbols.push(usize::from(bytes[i] - 32));
                i += 1;
            }
            symbols.push(TO_C);
            in_c = true;
            continue;
        }
        symbols.push(usize::from(bytes[i] - 32));
        i += 1;
    }
    let check = (symbols[0]
        + symbols[1..]
            .iter()
            .enumerate()
            .map(|(n, v)| (n + 1) * v)
            .sum::<usize>())
        % 103;
    symbols.push(check);
    symbols.push(STOP);
    let mut out = String::new();
    for symbol in symbols {
        for (n, width) in CODE128[symbol].bytes().enumerate() {
            let module = if n % 2 == 0 { '1' } else { '0' };
            out.extend(std::iter::repeat_n(module, usize::from(width - b'0')));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code128_symbol_is_eleven_modules_and_the_stop_thirteen() {
        for (i, widths) in CODE128.iter().enumerate() {
            let sum: u32 = widths.bytes().map(|b| u32::from(b - b'0')).sum();
            assert_eq!(sum, if i == STOP { 13 } else { 11 }, "symbol {i}");
        }
        let distinct: std::collections::HashSet<_> = CODE128.iter().collect();
        assert_eq!(distinct.len(), CODE128.len());
    }

    #[test]
    fn code128_has_start_data_check_and_stop() {
        let m = code128("AB-1").unwrap();
        // Start B, 4 characters, the check: 11 modules each; the stop: 13.
        assert_eq!(m.len(), 6 * 11 + 13);
        assert!(m.starts_with("11010010000"));
        assert!(m.ends_with("1100011101011"));
        // The check of "AB-1": (104 + 1*33 + 2*34 + 3*13 + 4*17) % 103 = 3, widths 121223.
        assert_eq!(&m[55..66], "10010011000");
    }

    /// The symbols of `modules`, by matching each 11 modules against the table.
    fn symbols(modules: &str) -> Vec<usize> {
        let table: Vec<String> = CODE128
            .iter()
            .map(|w| {
                w.bytes()
                    .enumerate()
                    .flat_map(|(n, c)| {
                        std::iter::repeat_n(
                            if n % 2 == 0 { '1' } else { '0' },
                            usize::from(c - b'0'),
                        )
                    })
                    .collect()
            })
            .collect();
        let body = &modules[..modules.len() - 13];
        (0..body.len() / 11)
            .map(|k| {
                table
                    .iter()
                    .position(|t| *t == body[k * 11..k * 11 + 11])
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn code128_packs_runs_of_digits_two_a_symbol() {
        // Thirteen digits: start C, six pairs, back to B for the last digit.
        assert_eq!(
            symbols(&code128("4006381333931").unwrap()),
            [START_C, 40, 6, 38, 13, 33, 93, TO_B, 17, 28]
        );
        // Letters, then a run of five at the end: B (its odd digit too), then C.
        assert_eq!(
            symbols(&code128("SKU-00042").unwrap()),
            [START_B, 51, 43, 53, 13, 16, TO_C, 0, 42, 20]
        );
        // A short run stays in B.
        assert_eq!(symbols(&code128("A12").unwrap()), [START_B, 33, 17, 18, 19]);
    }

    #[test]
    fn code128_refuses_what_set_b_cannot_say() {
        assert_eq!(code128(""), None);
        assert_eq!(code128("CAFÉ"), None);
        assert_eq!(code128("A\tB"), None);
    }

    #[test]
    fn ean13_digits_checks_the_check_digit_and_reads_upc_a() {
        assert_eq!(
            ean13_digits("4006381333931").as_deref(),
            Some("4006381333931")
        );
        assert_eq!(ean13_digits("4006381333932"), None);
        assert_eq!(
            ean13_digits("036000291452").as_deref(),
            Some("0036000291452")
        );
        assert_eq!(ean13_digits("40063813339a1"), None);
        assert_eq!(ean13_digits("12345"), None);
    }

    #[test]
    fn ean13_has_guards_and_the_parity_of_its_first_digit() {
        let m = ean13("4006381333931");
        assert_eq!(m.len(), 95);
        assert!(m.starts_with("101") && m.ends_with("101"));
        assert_eq!(&m[45..50], "01010");
        // First digit 4: L G L L G G. The second digit, 0, in L; the third, 0, in G.
        assert_eq!(&m[3..10], "0001101");
        assert_eq!(&m[10..17], "0100111");
        // The right half is R codes: the last digit, 1.
        assert_eq!(&m[85..92], "1100110");
    }
}
