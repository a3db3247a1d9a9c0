//! What the benches share: arguments, the generator's CSV files, and printing times.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

/// The value after `flag` on the command line.
pub fn arg(flag: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Rows of a CSV file written by `gen_dataset.py`, header skipped. The generator writes plain
/// CSV: no quoted fields, no commas inside values.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// CPU time this process has used so far (user + system), from `/proc/self/stat`: a figure
/// that other processes on a busy machine do not inflate. Zero where there is no `/proc`.
pub fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which is in parentheses): utime and stime are the 12th
    // and 13th, in clock ticks of 1/100 s.
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}
