//! The command-line parser fuzzed in process (issue #14): arbitrary arguments, and arguments
//! built from the real commands and flags with hostile values, never panic (clap's own
//! consistency checks included), and every usage mistake renders as the JSON error object.
//! `tests/fuzz-corpus/args.txt` is run first, every time: add what a failure finds there
//! (proptest also keeps failures in `proptest-regressions/`).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use clap::{CommandFactory, Parser};
use proptest::prelude::*;

use crate::usage::usage_json;
use crate::Cli;

/// Parses as `main` does, and renders a refusal as `--json` would print it.
fn check(args: &[OsString]) {
    let mut all = vec![OsString::from("stockflow-cli")];
    all.extend_from_slice(args);
    if let Err(e) = Cli::try_parse_from(&all) {
        let v = usage_json(&e);
        assert_eq!(v["error"]["code"], "usage", "{args:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty()
                || e.kind() == clap::error::ErrorKind::DisplayHelp
                || e.kind() == clap::error::ErrorKind::DisplayVersion
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            "{args:?}: {v}"
        );
        assert!(v["error"].get("field").is_some(), "{args:?}: {v}");
    }
}

/// `\xNN` escapes as raw bytes.
fn unescape(text: &str) -> OsString {
    let mut bytes = Vec::new();
    let raw = text.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && raw.get(i + 1) == Some(&b'x') && i + 4 <= raw.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 2..i + 4], 16) {
                bytes.push(b);
                i += 4;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    OsString::from_vec(bytes)
}

#[test]
fn the_command_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn the_kept_corpus_parses_or_is_a_usage_error() {
    let corpus = include_str!("../tests/fuzz-corpus/args.txt");
    let mut seen = 0;
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let args: Vec<OsString> = line.split('\t').map(unescape).collect();
        check(&args);
        seen += 1;
    }
    assert!(seen >= 20, "the corpus is there ({seen} lines)");
}

/// Every subcommand path and long flag of the real command line.
fn vocabulary() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                out.push(format!("--{long}"));
            }
        }
        for sub in cmd.get_subcommands() {
            out.push(sub.get_name().to_owned());
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

fn value() -> impl Strategy<Value = OsString> {
    prop_oneof![
        Just(OsString::from("")),
        Just(OsString::from("-")),
        Just(OsString::from("--")),
        Just(OsString::from("=")),
        Just(OsString::from("MUG=1")),
        Just(OsString::from("MUG=-1")),
        Just(OsString::from("MUG=+3")),
        Just(OsString::from("MUG=0")),
        Just(OsString::from("MUG=9223372036854775807")),
        Just(OsString::from("MUG=-9223372036854775808")),
        Just(OsString::from("MUG=99999999999999999999")),
        Just(OsString::from("MUG=1.5")),
        Just(OsString::from("=1")),
        Just(OsString::from("Acme")),
        Just(OsString::from("\u{202E}x")),
        Just(OsString::from_vec(vec![0xff, 0xfe])),
        Just(OsString::from("2024-13-45T99:00:00Z")),
        "[ -~]{0,10}".prop_map(OsString::from),
    ]
}

fn words() -> impl Strategy<Value = Vec<OsString>> {
    let vocabulary = vocabulary();
    let word = prop_oneof![
        3 => prop::sample::select(vocabulary).prop_map(OsString::from),
        2 => value(),
    ];
    prop::collection::vec(word, 0..10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arguments_from_the_real_commands_never_panic(args in words()) {
        check(&args);
    }

    #[test]
    fn arbitrary_arguments_never_panic(
        args in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12).prop_map(OsString::from_vec), 0..8),
    ) {
        check(&args);
    }
}
