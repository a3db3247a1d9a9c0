//! The ledger's ids as bytes (migration 0021): a sale's, a sale line's and a movement's id is
//! stored as the 16 bytes of its UUID when it is written the usual way, lowercase
//! `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (every id this code makes), and as its text
//! otherwise. The views give the text back; lookups bind [`stored`] against the raw column
//! (`stored_id` in the views), which the unique indexes hold.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

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
    Value::Blob(new_v7().as_bytes().to_vec())
}

/// A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter (RFC 9562's
/// "fixed bit-length dedicated counter", started below 2048 at random in each millisecond) and
/// 62 random bits. The ids one thread makes sort in the order it made them, also when the
/// clock steps back or more than 2048 come in one millisecond (the time then runs ahead).
///
/// The random bits come from the OS, as `Uuid::now_v7`'s do, but 4 KiB at a time: one system
/// call per few hundred ids instead of one per id, which was 4.4% of an import of scale M
/// (three ids per sale). The buffer is the thread's own; nothing here forks.
pub(crate) fn new_v7() -> uuid::Uuid {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    GENERATOR.with(|g| g.borrow_mut().next(now))
}

thread_local! {
    static GENERATOR: RefCell<Generator> = const {
        RefCell::new(Generator {
            random: [0; RANDOM_BYTES],
            used: RANDOM_BYTES,
            millis: 0,
            counter: 0,
        })
    };
}

const RANDOM_BYTES: usize = 4096;

struct Generator {
    random: [u8; RANDOM_BYTES],
    /// How many bytes of `random` have been handed out.
    used: usize,
    millis: u64,
    counter: u16,
}

impl Generator {
    fn next(&mut self, now: u64) -> uuid::Uuid {
        if now > self.millis {
            self.millis = now;
            self.counter = self.seed();
        } else if self.counter < 0xfff {
            self.counter += 1;
        } else {
            self.millis += 1;
            self.counter = self.seed();
        }
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&self.millis.to_be_bytes()[2..]);
        b[6] = 0x70 | (self.counter >> 8) as u8;
        b[7] = self.counter as u8;
        b[8..].copy_from_slice(self.take::<8>());
        b[8] = 0x80 | (b[8] & 0x3f);
        uuid::Uuid::from_bytes(b)
    }

    /// A counter's first value in a new millisecond: below 2048, so that 2048 more fit.
    fn seed(&mut self) -> u16 {
        u16::from_be_bytes(*self.take::<2>()) & 0x7ff
    }

    fn take<const N: usize>(&mut self) -> &[u8; N] {
        if self.used + N > RANDOM_BYTES {
            getrandom::fill(&mut self.random).expect("the OS gives random bytes");
            self.used = 0;
        }
        let bytes = self.random[self.used..self.used + N]
            .try_into()
            .expect("N bytes");
        self.used += N;
        bytes
    }
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
    fn new_ids_are_v7_in_the_order_they_were_made_and_each_its_own() {
        let ids: Vec<uuid::Uuid> = (0..20_000).map(|_| new_v7()).collect();
        for id in &ids {
            assert_eq!(id.get_version_num(), 7);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        }
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "in order and no two alike"
        );
        let seconds = |id: &uuid::Uuid| id.get_timestamp().unwrap().to_unix().0;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(seconds(&ids[0]).abs_diff(now) < 60, "the time is now's");
    }

    #[test]
    fn a_clock_that_steps_back_or_a_full_millisecond_keeps_the_order() {
        let mut g = Generator {
            random: [0xff; RANDOM_BYTES],
            used: 0,
            millis: 0,
            counter: 0,
        };
        let first = g.next(1_000);
        // Every counter value of the millisecond used up, then the clock one second back.
        let mut rest: Vec<_> = (0..5_000).map(|_| g.next(1_000)).collect();
        rest.push(g.next(0));
        let mut last = first;
        for id in rest {
            assert!(id > last, "{id} after {last}");
            assert_eq!(id.get_version_num(), 7);
            last = id;
        }
        assert!(
            g.millis > 1_000,
            "the time ran ahead instead of repeating a counter"
        );
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
