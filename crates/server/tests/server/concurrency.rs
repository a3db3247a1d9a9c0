use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use stockflow_server::{PushPause, SeqStrategy, ServerConfig};
use stockflow_sync_proto::PulledChange;

use crate::util::{change, changes, wait_until, Server};

/// What a reader paging by seq saw while push A held its numbers uncommitted and push B came
/// after it: the pages before A commits, then the pages from the cursor after.
struct Observed {
    seen: Vec<PulledChange>,
    a_ids: Vec<String>,
}

fn interleave_two_pushes(strategy: SeqStrategy) -> Observed {
    let pause = Arc::new(PushPause::default());
    let server = Server::start_with(ServerConfig {
        seq_strategy: strategy,
        push_pause: Some(pause.clone()),
        ..ServerConfig::default()
    });
    if strategy == SeqStrategy::NaiveSequence {
        server.sql("CREATE SEQUENCE naive_change_seq");
    }
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &[change("co", "d0", 1)]);

    let a_changes = changes("co", "dA", 1, 3);
    let a_ids = a_changes.iter().map(|c| c.change_id.clone()).collect();
    pause.arm();
    // Should an assertion fail while A waits, let it go rather than hang the test.
    struct ReleaseOnDrop<'a>(&'a PushPause);
    impl Drop for ReleaseOnDrop<'_> {
        fn drop(&mut self) {
            self.0.release();
        }
    }
    let _release = ReleaseOnDrop(&pause);
    let b_done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let a = scope.spawn(|| server.push_ok(&token, &a_changes));
        server
            .rt
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(30), pause.reached()).await
            })
            .expect("push A should reach the pause with its seqs taken");
        let b = scope.spawn(|| {
            let seqs = server.push_ok(&token, &changes("co", "dB", 1, 2));
            b_done.store(true, Ordering::SeqCst);
            seqs
        });
        // B either commits (nothing stops it) or waits for A's lock on the counter.
        wait_until(
            "push B to commit or to wait for a lock",
            Duration::from_secs(30),
            || {
                b_done.load(Ordering::SeqCst)
                    || server.query_i64(
                        "SELECT count(*) FROM pg_stat_activity
                      WHERE datname = current_database() AND wait_event_type = 'Lock'",
                    ) > 0
            },
        );
        let mut seen = server.pull_all(&token, "co", 0, 100);
        let cursor = seen.last().map(|c| c.seq).unwrap_or(0);
        pause.release();
        a.join().unwrap();
        b.join().unwrap();
        seen.extend(server.pull_all(&token, "co", cursor, 100));
        Observed { seen, a_ids }
    })
}

#[test]
fn a_reader_never_skips_a_push_that_commits_late() {
    let observed = interleave_two_pushes(SeqStrategy::CounterRow);
    let seqs: Vec<i64> = observed.seen.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        vec![1, 2, 3, 4, 5, 6],
        "the reader sees every change exactly once, A's before B's: seq order is commit order"
    );
    let ids: HashSet<&str> = observed
        .seen
        .iter()
        .map(|c| c.change.change_id.as_str())
        .collect();
    assert!(observed.a_ids.iter().all(|id| ids.contains(id.as_str())));
}

#[test]
fn the_commit_order_test_catches_numbers_taken_at_insert_time() {
    // The same scenario with a plain sequence: B takes higher numbers, commits first, the
    // reader's cursor passes A's lower numbers before they are visible, and A is lost to it.
    let observed = interleave_two_pushes(SeqStrategy::NaiveSequence);
    let ids: HashSet<&str> = observed
        .seen
        .iter()
        .map(|c| c.change.change_id.as_str())
        .collect();
    let skipped: Vec<&String> = observed
        .a_ids
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .collect();
    assert_eq!(
        skipped.len(),
        3,
        "with seqs taken at insert time the reader must skip all of A (this proves the test above \
         has teeth); it saw {:?}",
        observed
            .seen
            .iter()
            .map(|c| (c.seq, &c.change.change_id))
            .collect::<Vec<_>>()
    );
}

#[test]
fn two_instances_on_one_database_keep_seqs_dense() {
    let one = Server::start();
    let two = Server::on_database(&one.db_url, ServerConfig::default());
    let token = one.signed_in("ann@shop.test");
    let servers = [&one, &two];
    std::thread::scope(|scope| {
        for device in 0..4 {
            let token = &token;
            scope.spawn(move || {
                let device_id = format!("till-{device}");
                for push in 0..10i64 {
                    let server = servers[(push as usize + device) % 2];
                    server.push_ok(
                        token,
                        &changes("co", &device_id, push * 20 + 1, push * 20 + 20),
                    );
                }
            });
        }
    });
    let all = two.pull_all(&token, "co", 0, 1000);
    let seqs: Vec<i64> = all.iter().map(|c| c.seq).collect();
    assert_eq!(
        seqs,
        (1..=800).collect::<Vec<_>>(),
        "seqs dense from 1, each once"
    );
    let ids: HashSet<&str> = all.iter().map(|c| c.change.change_id.as_str()).collect();
    assert_eq!(ids.len(), 800, "no change twice");
    for device in 0..4 {
        let device_seqs: Vec<i64> = all
            .iter()
            .filter(|c| c.change.device_id == format!("till-{device}"))
            .map(|c| c.change.device_seq)
            .collect();
        assert_eq!(
            device_seqs,
            (1..=200).collect::<Vec<_>>(),
            "a device's changes in its order"
        );
    }
}

#[test]
fn the_same_push_sent_to_two_instances_at_once_is_stored_once() {
    let one = Server::start();
    let two = Server::on_database(&one.db_url, ServerConfig::default());
    let token = one.signed_in("ann@shop.test");
    for round in 0..10i64 {
        let batch = changes("co", "d1", round * 5 + 1, round * 5 + 5);
        let (a, b) = std::thread::scope(|scope| {
            let a = scope.spawn(|| one.push_ok(&token, &batch));
            let b = scope.spawn(|| two.push_ok(&token, &batch));
            (a.join().unwrap(), b.join().unwrap())
        });
        assert_eq!(
            a, b,
            "round {round}: a retry racing the original gets the same seqs"
        );
    }
    assert_eq!(one.query_i64("SELECT count(*) FROM changes"), 50);
    assert_eq!(
        one.query_i64("SELECT last_seq FROM companies"),
        50,
        "no seq lost"
    );
}
