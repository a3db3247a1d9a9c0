//! Hybrid logical clock (DESIGN §2): orders changes across devices even when their wall clocks
//! disagree. A value is wall time in milliseconds, a counter for changes within the same
//! millisecond (or while the wall clock lags behind the last value seen), and the device id to
//! break ties. Its text form sorts the same way as the values, so SQLite can compare it.

use std::fmt;

/// The largest counter the text form holds in its six digits.
const MAX_COUNTER: u32 = 999_999;

/// The largest wall time whose short form (wall ms * 1,000,000 + counter) fits an i64: the
/// year 2262, before the text form's thirteen digits run out (2286).
const MAX_SHORT_WALL_MS: i64 = (i64::MAX - MAX_COUNTER as i64) / 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: String,
}

impl Hlc {
    /// The value that follows `last` on this device when the wall clock reads `now_ms`:
    /// strictly greater than `last` even if the wall clock went backwards.
    pub fn tick(last_wall_ms: i64, last_counter: u32, now_ms: i64, device: &str) -> Hlc {
        let (wall_ms, counter) = if now_ms > last_wall_ms {
            (now_ms, 0)
        } else if last_counter >= MAX_COUNTER {
            // The text form has six digits for the counter: a seventh would sort it before
            // smaller counters. The clock moves on by a millisecond instead, as if it had passed.
            (last_wall_ms + 1, 0)
        } else {
            (last_wall_ms, last_counter + 1)
        };
        Hlc {
            wall_ms,
            counter,
            device: device.to_owned(),
        }
    }

    /// The value as one integer, wall ms * 1,000,000 + counter, when that gives the text back
    /// with the device's id: how the ledger's rows keep their clocks (migration 0019).
    pub fn short(&self) -> Option<i64> {
        ((0..=MAX_SHORT_WALL_MS).contains(&self.wall_ms) && self.counter <= MAX_COUNTER)
            .then(|| self.wall_ms * 1_000_000 + i64::from(self.counter))
    }

    /// A ledger row's `hlc` and `hlc_clock` for a value this device stamped (the row's own
    /// device, migration 0019): the short integer and no text, or the text when it has none.
    pub fn row_form(&self) -> (String, Option<i64>) {
        match self.short() {
            Some(clock) => (String::new(), Some(clock)),
            None => (self.to_string(), None),
        }
    }

    pub fn parse(text: &str) -> Option<Hlc> {
        let mut parts = text.splitn(3, '-');
        let wall_ms = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        let device = parts.next()?.to_owned();
        Some(Hlc {
            wall_ms,
            counter,
            device,
        })
    }
}

impl fmt::Display for Hlc {
    /// Fixed-width numbers so that text order is value order (until the year 2286).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:013}-{:06}-{}",
            self.wall_ms, self.counter, self.device
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_never_goes_backwards_when_the_wall_clock_does() {
        let first = Hlc::tick(0, 0, 1_000, "d");
        let second = Hlc::tick(first.wall_ms, first.counter, 900, "d");
        let third = Hlc::tick(second.wall_ms, second.counter, 1_000, "d");
        assert!(
            first < second && second < third,
            "{first} < {second} < {third}"
        );
        assert!(first.to_string() < second.to_string());
        assert!(second.to_string() < third.to_string());
    }

    #[test]
    fn a_clock_far_behind_never_writes_a_seventh_counter_digit() {
        // A device whose wall clock lags a peer's stamps on the peer's millisecond: a million
        // changes later its counter would have seven digits and sort before the six-digit ones.
        let last = Hlc::tick(5_000, 999_998, 1_000, "d");
        let next = Hlc::tick(last.wall_ms, last.counter, 1_000, "d");
        assert_eq!((last.wall_ms, last.counter), (5_000, 999_999));
        assert_eq!((next.wall_ms, next.counter), (5_001, 0));
        assert!(last.to_string() < next.to_string(), "{last} < {next}");
        assert_eq!(next.to_string().len(), last.to_string().len());
    }

    #[test]
    fn the_short_form_is_the_text_without_its_device() {
        let hlc = Hlc::tick(0, 0, 1_796_314_229_465, "01a23cabde1d75c2af15b6053a44a77a");
        let short = hlc.short().expect("an ordinary value has a short form");
        assert_eq!(short, 1_796_314_229_465_000_000);
        assert_eq!(
            format!(
                "{:013}-{:06}-{}",
                short / 1_000_000,
                short % 1_000_000,
                hlc.device
            ),
            hlc.to_string()
        );
        let odd = Hlc {
            wall_ms: 1,
            counter: 1_000_000,
            device: "d".into(),
        };
        assert_eq!(odd.short(), None, "a seventh digit is kept as text");
        let last = Hlc {
            wall_ms: MAX_SHORT_WALL_MS,
            counter: MAX_COUNTER,
            device: "d".into(),
        };
        assert_eq!(last.short(), Some(9_223_372_036_853_999_999));
        let later = Hlc {
            wall_ms: MAX_SHORT_WALL_MS + 1,
            counter: 0,
            device: "d".into(),
        };
        assert_eq!(later.short(), None, "past the year 2262 the text is kept");
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_value() {
        let a = Hlc::tick(0, 0, 999, "dev-a");
        let b = Hlc::tick(0, 0, 1_000, "dev-a");
        assert_eq!(Hlc::parse(&a.to_string()), Some(a.clone()));
        assert!(a.to_string() < b.to_string(), "999 ms sorts before 1000 ms");
    }
}
