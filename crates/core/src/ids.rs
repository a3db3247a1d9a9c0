//! The ledger's ids as bytes (migration 0021): a sale's, a sale line's and a movement's id is
//! stored as the 16 bytes of its UUID when it is written the usual way, lowercase
//! `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (every id this code makes), and as its text
//! otherwise. The views give the text back; lookups bind [`stored`] against the raw column
//! (`stored_id` in the views), which the unique indexes hold.

use rusqlite::types::Value;

/// What a ledger row keeps of an id, as the views' triggers keep it.
pub(crate) fn stored(id: &str) -> Value {
    match bytes(id) {
        Some(b) => Value::Blob(b.to_vec()),
        None => Value::Text(id.to_owned()),
    }
}

/// A new id as a ledger row stores it: what `db::new_id` makes, without its text (an import
/// writes three per sale and never reads them back).
pub(crate) fn fresh() -> Value {
    Value::Blob(uuid::Uuid::now_v7().as_bytes().to_vec())
}

/// How a row of `table` is found by its id: the column to compare and the value to bind. The
/// ledger's views find their rows by the stored id (a filter on their rebuilt text would read
/// every row); every other table by the id's text.
pub(crate) fn lookup(table: &str, id: &str) -> (&'static str, Value) {
    match column(table) {
        "stored_id" => ("stored_id", stored(id)),
        other => (other, Value::Text(id.to_owned())),
    }
}

/// The column [`lookup`] compares for `table`.
pub(crate) fn column(table: &str) -> &'static str {
    match table {
        "sales" | "sale_lines" | "stock_movements" => "stored_id",
        _ => "id",
    }
}

/// The 16 bytes of an id in the usual form, `None` for any other text.
fn bytes(id: &str) -> Option<[u8; 16]> {
    let s = id.as_bytes();
    if s.len() != 36 || [8, 13, 18, 23].iter().any(|&i| s[i] != b'-') {
        return None;
    }
    let mut digits = s.iter().filter(|&&c| c != b'-');
    let mut out = [0u8; 16];
    for byte in &mut out {
        let hi = nibble(*digits.next()?)?;
        let lo = nibble(*digits.next()?)?;
        *byte = hi << 4 | lo;
    }
    // Four dashes where they belong and 32 digits: nothing may be left.
    digits.next().is_none().then_some(out)
}

/// A lowercase hexadecimal digit (the views write lowercase, so only that reads back).
fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_id_is_the_bytes_of_a_new_uuid_v7() {
        let Value::Blob(b) = fresh() else {
            panic!("stored as bytes")
        };
        assert_eq!((b.len(), b[6] >> 4), (16, 7));
        assert_ne!(fresh(), fresh());
    }

    #[test]
    fn an_id_in_the_usual_form_is_its_bytes_and_anything_else_its_text() {
        let id = "01900000-0000-7000-8000-0000000000a1";
        let Value::Blob(b) = stored(id) else {
            panic!("a usual id is stored as bytes")
        };
        assert_eq!(b.len(), 16);
        assert_eq!((b[0], b[6], b[15]), (0x01, 0x70, 0xa1));
        for odd in [
            "01900000-0000-7000-8000-0000000000A1", // capitals
            "0190000000007000800000000000000a1",    // no dashes
            "01900000-0000-7000-8000-0000000000a",  // too short
            "01900000-0000-7000-8000-0000000000a1a",
            "0190000-00000-7000-8000-0000000000a1", // a dash out of place
            "01900000-0000-7000-8000-0000000000g1",
            "{01900000-0000-7000-8000-0000000000a1}",
            "sale-1",
            "",
        ] {
            assert_eq!(stored(odd), Value::Text(odd.to_owned()), "{odd}");
        }
    }
}
