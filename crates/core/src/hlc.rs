//! Hybrid logical clock (DESIGN §2): orders changes across devices even when their wall clocks
//! disagree. A value is wall time in milliseconds, a counter for changes within the same
//! millisecond (or while the wall clock lags behind the last value seen), and the device id to
//! break ties. Its text form sorts the same way as the values, so SQLite can compare it.

use std::fmt;

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
        } else {
            (last_wall_ms, last_counter + 1)
        };
        Hlc {
            wall_ms,
            counter,
            device: device.to_owned(),
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
    fn text_form_round_trips_and_sorts_like_the_value() {
        let a = Hlc::tick(0, 0, 999, "dev-a");
        let b = Hlc::tick(0, 0, 1_000, "dev-a");
        assert_eq!(Hlc::parse(&a.to_string()), Some(a.clone()));
        assert!(a.to_string() < b.to_string(), "999 ms sorts before 1000 ms");
    }
}
