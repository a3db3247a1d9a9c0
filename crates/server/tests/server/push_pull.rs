use serde_json::json;
use stockflow_server::storage;
use stockflow_sync_proto::{PushResponse, StatusResponse, MAX_BATCH};

use crate::util::{change, changes, Server};

#[test]
fn paging_returns_every_change_once_in_order_at_any_page_size() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    // Two devices, interleaved: 12 changes in all.
    let mut pushed = Vec::new();
    for round in 0..3 {
        for device in ["d1", "d2"] {
            let batch = changes("co", device, round * 2 + 1, round * 2 + 2);
            server.push_ok(&token, &batch);
            pushed.extend(batch);
        }
    }
    let n = pushed.len();
    for limit in [1, n - 1, n, n + 1] {
        let mut after = 0;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = server.pull(&token, "co", after, limit);
            pages += 1;
            let expected_len = limit.min(n - seen.len());
            assert_eq!(
                page.changes.len(),
                expected_len,
                "limit {limit}, page {pages}: a full page unless it is the end"
            );
            seen.extend(page.changes.iter().cloned());
            assert_eq!(
                page.next_after,
                seen.last().map(|c| c.seq).unwrap_or(after),
                "limit {limit}: next_after is the last seq returned"
            );
            assert_eq!(
                page.has_more,
                seen.len() < n,
                "limit {limit}, page {pages}: has_more says whether changes remain"
            );
            after = page.next_after;
            if !page.has_more {
                break;
            }
        }
        assert_eq!(
            pages,
            n.div_ceil(limit),
            "limit {limit}: no empty trailing page"
        );
        let seqs: Vec<i64> = seen.iter().map(|c| c.seq).collect();
        assert_eq!(
            seqs,
            (1..=n as i64).collect::<Vec<_>>(),
            "limit {limit}: seqs dense, in order"
        );
        let got: Vec<_> = seen.into_iter().map(|c| c.change).collect();
        assert_eq!(
            got, pushed,
            "limit {limit}: each change exactly as pushed, in push order"
        );
    }
    let end = server.pull(&token, "co", n as i64, 10);
    assert!(
        end.changes.is_empty() && !end.has_more,
        "nothing after the end"
    );
    assert_eq!(
        end.next_after, n as i64,
        "next_after stays at `after` when nothing comes"
    );
    let default = server.get("/v1/pull?company=co", Some(&token));
    assert_eq!(
        default.body["changes"].as_array().unwrap().len(),
        n,
        "default limit, after 0"
    );
}

#[test]
fn a_duplicate_push_gets_its_original_seqs() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    let first = server.push_ok(&token, &changes("co", "d1", 1, 3));
    server.push_ok(&token, &changes("co", "d2", 1, 2));
    // A retry after a lost response, with one new change after it.
    let reply = server.push(&token, &changes("co", "d1", 1, 4));
    assert_eq!(reply.status, 200, "{reply:?}");
    let response: PushResponse = serde_json::from_value(reply.body).unwrap();
    let got: Vec<(i64, bool)> = response
        .accepted
        .iter()
        .map(|a| (a.seq, a.duplicate))
        .collect();
    assert_eq!(
        got,
        vec![
            (first[0], true),
            (first[1], true),
            (first[2], true),
            (6, false)
        ],
        "held changes keep their seq, the new one follows the company's last"
    );
    // The same change twice in one push: held once.
    let twice = vec![change("co", "d1", 5), change("co", "d1", 5)];
    let reply = server.push(&token, &twice);
    let response: PushResponse = serde_json::from_value(reply.body).unwrap();
    let got: Vec<(i64, bool)> = response
        .accepted
        .iter()
        .map(|a| (a.seq, a.duplicate))
        .collect();
    assert_eq!(
        got,
        vec![(7, false), (7, true)],
        "a change repeated in one push is one change"
    );
    assert_eq!(
        server.query_i64("SELECT count(*) FROM changes"),
        7,
        "no row twice"
    );
}

fn assert_nothing_written(server: &Server, token: &str, rows: i64, meaning: &str) {
    assert_eq!(
        server.query_i64("SELECT count(*) FROM changes"),
        rows,
        "{meaning}: no row written"
    );
    assert_eq!(
        server.query_i64("SELECT coalesce(sum(last_seq), 0)::bigint FROM companies"),
        rows,
        "{meaning}: no seq taken"
    );
    let status: StatusResponse =
        serde_json::from_value(server.get("/v1/status?company=co", Some(token)).body).unwrap();
    assert_eq!(status.last_seq, rows, "{meaning}");
}

#[test]
fn a_change_id_reused_with_other_content_refuses_the_whole_push() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &changes("co", "d1", 1, 2));
    let mut altered = change("co", "d1", 2);
    altered.payload = json!({"kind": "sale", "quantity": -99});
    let reply = server.push(&token, &[change("co", "d2", 1), altered]);
    reply.refused(409, "change_id_reused", "the same id with another payload");
    assert!(
        reply.message().contains("co/d1/2"),
        "the message names the change: {reply:?}"
    );
    assert_nothing_written(&server, &token, 2, "a refused push");

    let mut other_hlc = change("co", "d1", 1);
    other_hlc.hlc.push('x');
    server.push(&token, &[other_hlc]).refused(
        409,
        "change_id_reused",
        "the same id with another hlc",
    );
    let mut twice = change("co", "d1", 3);
    let first = twice.clone();
    twice.entity_id = "another".into();
    server.push(&token, &[first, twice]).refused(
        409,
        "change_id_reused",
        "one id with two contents in one push",
    );
    assert_nothing_written(&server, &token, 2, "refused pushes");
}

#[test]
fn a_gap_or_a_taken_device_seq_is_refused() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    let reply = server.push(&token, &[change("co", "d1", 2)]);
    reply.refused(409, "sequence_gap", "a device starts at 1");
    server.push_ok(&token, &changes("co", "d1", 1, 2));
    let reply = server.push(&token, &[change("co", "d1", 3), change("co", "d1", 5)]);
    reply.refused(409, "sequence_gap", "4 is missing");
    assert!(
        reply.message().contains("number 4"),
        "the message says what is expected: {reply:?}"
    );
    let mut copy = change("co", "d1", 2);
    copy.change_id = "from-a-copied-database".into();
    server.push(&token, &[copy]).refused(
        409,
        "device_seq_taken",
        "another change under a held device seq",
    );
    assert_nothing_written(&server, &token, 2, "refused pushes");
    // Another company has its own device sequences.
    server.push_ok(&token, &[change("co2", "d1", 1)]);
}

#[test]
fn bad_batches_are_refused_and_write_nothing() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &[change("co", "d1", 1)]);
    let big = changes("co", "d1", 2, 2 + MAX_BATCH as i64);
    server
        .push(&token, &big)
        .refused(413, "payload_too_large", "more than MAX_BATCH changes");
    let mut bad = change("co", "d1", 3);
    bad.entity_id = String::new();
    let reply = server.push(&token, &[change("co", "d1", 2), bad]);
    reply.refused(400, "validation", "an empty entity id");
    assert!(
        reply.message().contains("changes[1].entity_id"),
        "{reply:?}"
    );
    let mut zero = change("co", "d1", 2);
    zero.device_seq = 0;
    server
        .push(&token, &[zero])
        .refused(400, "validation", "device_seq 0");
    assert_nothing_written(&server, &token, 1, "refused pushes");
    let empty = server.push_ok(&token, &[]);
    assert!(empty.is_empty(), "an empty push is a no-op");
}

#[test]
fn status_gives_each_device_its_highest_seq_and_the_epoch() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &changes("co", "d1", 1, 3));
    server.push_ok(&token, &changes("co", "d2", 1, 1));
    server.push_ok(&token, &changes("co", "d1", 4, 5));
    let reply = server.get("/v1/status?company=co", Some(&token));
    assert_eq!(reply.status, 200, "{reply:?}");
    let status: StatusResponse = serde_json::from_value(reply.body).unwrap();
    assert_eq!(status.last_seq, 6);
    let devices: Vec<_> = status
        .devices
        .iter()
        .map(|d| (d.device_id.as_str(), d.max_device_seq))
        .collect();
    assert_eq!(
        devices,
        vec![("d1", 5), ("d2", 1)],
        "a device resends from there"
    );
    let page = server.pull(&token, "co", 0, 1);
    assert_eq!(page.epoch, status.epoch, "one epoch for pull and status");

    // After a restore, `new-epoch`: clients see it change.
    let new = server
        .rt
        .block_on(storage::new_epoch(&server.pool))
        .unwrap();
    assert_ne!(new, status.epoch);
    assert_eq!(
        server.pull(&token, "co", 0, 1).epoch,
        new,
        "pull carries the new epoch"
    );
}

#[test]
fn the_company_name_follows_the_latest_company_change() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    let named = |seq: i64, hlc: &str, name: &str| {
        let mut c = change("co", "d1", seq);
        c.entity = "company".into();
        c.entity_id = "co".into();
        c.hlc = hlc.into();
        c.payload = json!({ "name": name });
        c
    };
    server.push_ok(&token, &[named(1, "0002", "Corner Shop")]);
    server.push_ok(&token, &[named(2, "0001", "Older name")]);
    let name = |server: &Server| {
        let client = server.rt.block_on(server.pool.get()).unwrap();
        let row = server
            .rt
            .block_on(client.query_one("SELECT name FROM companies WHERE company_id = 'co'", &[]))
            .unwrap();
        row.get::<_, Option<String>>(0)
    };
    assert_eq!(
        name(&server).as_deref(),
        Some("Corner Shop"),
        "an older hlc does not rename"
    );
    server.push_ok(&token, &[named(3, "0003", "Corner Shop & Co")]);
    assert_eq!(
        name(&server).as_deref(),
        Some("Corner Shop & Co"),
        "a newer one does"
    );
}
