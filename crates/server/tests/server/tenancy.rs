use stockflow_server::storage::{self, Granted};

use crate::util::{change, changes, Server};

#[test]
fn another_account_can_neither_read_nor_write_a_company() {
    let server = Server::start();
    let ann = server.signed_in("ann@shop.test");
    let bob = server.signed_in("bob@other.test");
    server.push_ok(&ann, &changes("co-a", "d1", 1, 3));

    for path in [
        "/v1/pull?company=co-a&after=0",
        "/v1/pull?company=co-a&after=2&limit=1",
        "/v1/status?company=co-a",
    ] {
        server
            .get(path, Some(&bob))
            .refused(403, "forbidden", "bob reads ann's company");
    }
    let known = server.get("/v1/pull?company=co-a", Some(&bob));
    let unknown = server.get("/v1/pull?company=no-such-company", Some(&bob));
    assert_eq!(unknown.status, 403, "{unknown:?}");
    assert_eq!(
        known.message().replace("co-a", "X"),
        unknown.message().replace("no-such-company", "X"),
        "the answer does not reveal whether a company exists"
    );

    // Writes: with bob's own device ids, or with ann's; alone, or mixed with a company of his.
    server
        .push(&bob, &[change("co-a", "bob-device", 1)])
        .refused(403, "forbidden", "bob pushes into ann's company");
    server.push(&bob, &[change("co-a", "d1", 4)]).refused(
        403,
        "forbidden",
        "bob pushes under ann's device id",
    );
    let mixed = vec![change("co-b", "bob-device", 1), change("co-a", "d1", 4)];
    server.push(&bob, &mixed).refused(
        403,
        "forbidden",
        "a push mixing an allowed and a forbidden company",
    );
    assert_eq!(
        server.query_i64("SELECT count(*) FROM companies WHERE company_id = 'co-b'"),
        0,
        "the refused push did not even create bob's new company"
    );
    assert_eq!(
        server.query_i64("SELECT count(*) FROM changes"),
        3,
        "nothing written"
    );
    assert!(
        server
            .pull_all(&ann, "co-a", 0, 100)
            .iter()
            .all(|c| c.change.device_id == "d1"),
        "ann's company holds only ann's changes"
    );
    let companies = server.get("/v1/companies", Some(&bob));
    assert_eq!(
        companies.body,
        serde_json::json!([]),
        "bob sees no company of ann's"
    );
}

#[test]
fn a_grant_gives_access_and_a_revoke_takes_it_back_at_once() {
    let server = Server::start();
    let ann = server.signed_in("ann@shop.test");
    let bob = server.signed_in("bob@shop.test");
    server.push_ok(&ann, &changes("co-a", "d1", 1, 2));
    server
        .get("/v1/pull?company=co-a", Some(&bob))
        .refused(403, "forbidden", "before the grant");

    let granted = server
        .rt
        .block_on(storage::grant(&server.pool, "bob@shop.test", "co-a"))
        .unwrap();
    assert_eq!(
        granted,
        Granted::Now {
            company_id: "co-a".into()
        }
    );
    // The same token: access is read from the database on each call.
    assert_eq!(
        server.pull_all(&bob, "co-a", 0, 10).len(),
        2,
        "bob reads after the grant"
    );
    server.push_ok(&bob, &[change("co-a", "bobs-till", 1)]);
    let companies = server.get("/v1/companies", Some(&bob));
    assert_eq!(
        companies.body,
        serde_json::json!([{"company_id": "co-a", "last_seq": 3}]),
        "a granted company is listed"
    );

    server
        .rt
        .block_on(storage::revoke(&server.pool, "bob@shop.test", "co-a"))
        .unwrap();
    server.get("/v1/pull?company=co-a", Some(&bob)).refused(
        403,
        "forbidden",
        "a revoked grant takes effect at once, same token",
    );
    server
        .push(&bob, &[change("co-a", "bobs-till", 2)])
        .refused(403, "forbidden", "no push after the revoke");
}
