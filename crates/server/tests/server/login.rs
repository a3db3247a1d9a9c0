use serde_json::json;
use stockflow_server::auth::{unix_now, Claims, TokenKeys};

use crate::util::{change, Server, PASSWORD, SECRET};

#[test]
fn login_gives_a_token_and_the_companies_of_the_account() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &[change("co-a", "d1", 1), change("co-a", "d1", 2)]);

    // The email is matched case-insensitively, and the token works on the API.
    let reply = server.post(
        "/v1/login",
        None,
        &json!({"email": " Ann@Shop.TEST ", "password": PASSWORD}),
    );
    assert_eq!(reply.status, 200, "login should succeed: {reply:?}");
    assert_eq!(
        reply.body["expires_in"], 900,
        "tokens last 15 minutes by default"
    );
    assert_eq!(
        reply.body["companies"],
        json!([{"company_id": "co-a", "last_seq": 2}]),
        "login lists the companies the account owns, with their last seq"
    );
    let token = reply.body["token"].as_str().unwrap();
    let companies = server.get("/v1/companies", Some(token));
    assert_eq!(companies.status, 200);
    assert_eq!(
        companies.body, reply.body["companies"],
        "/v1/companies says the same"
    );
}

#[test]
fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let server = Server::start();
    server.account("ann@shop.test");
    let wrong = server.post(
        "/v1/login",
        None,
        &json!({"email": "ann@shop.test", "password": "not it"}),
    );
    let unknown = server.post(
        "/v1/login",
        None,
        &json!({"email": "nobody@shop.test", "password": "not it"}),
    );
    wrong.refused(401, "unauthenticated", "a wrong password is refused");
    assert_eq!(
        (wrong.status, &wrong.body),
        (unknown.status, &unknown.body),
        "an unknown email must not be told apart from a wrong password"
    );
}

#[test]
fn tokens_that_are_missing_expired_or_forged_are_refused() {
    let server = Server::start();
    let account = server.account("ann@shop.test");
    let path = "/v1/companies";

    server
        .get(path, None)
        .refused(401, "unauthenticated", "no token");
    server
        .get(path, Some("not.a.jwt"))
        .refused(401, "unauthenticated", "a malformed token");

    let ours = TokenKeys::new(SECRET.as_bytes());
    let expired = ours.sign(&Claims {
        sub: account.to_string(),
        iat: unix_now() - 7200,
        exp: unix_now() - 3600,
    });
    let reply = server.get(path, Some(&expired));
    reply.refused(
        401,
        "token_expired",
        "an expired token says so, to sign in again",
    );
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));

    let forged = TokenKeys::new(b"another secret")
        .sign(&Claims::new(account, std::time::Duration::from_secs(600)));
    server.get(path, Some(&forged)).refused(
        401,
        "unauthenticated",
        "a token signed with another secret",
    );

    let good = ours.sign(&Claims::new(account, std::time::Duration::from_secs(600)));
    assert_eq!(
        server.get(path, Some(&good)).status,
        200,
        "a token of ours works"
    );
}

#[test]
fn simultaneous_wrong_passwords_are_checked_five_times_only() {
    let server = Server::start();
    server.account("ann@shop.test");
    let replies: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    server.post(
                        "/v1/login",
                        None,
                        &json!({"email": "ann@shop.test", "password": "guess"}),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = replies.iter().filter(|r| r.status == 401).count();
    let throttled: Vec<_> = replies.iter().filter(|r| r.status == 429).collect();
    assert_eq!(
        (checked, throttled.len()),
        (5, 11),
        "of 16 simultaneous attempts exactly 5 may be checked against the password: {replies:?}"
    );
    for reply in throttled {
        reply.refused(429, "throttled", "attempts past the fifth failure wait");
        assert_eq!(
            reply.header("retry-after"),
            Some("1"),
            "the first wait is 1 s"
        );
        assert!(
            reply.message().contains("1 second"),
            "the message gives the wait: {reply:?}"
        );
    }
}

#[test]
fn the_wait_doubles_after_each_failure_and_a_success_clears_it() {
    let server = Server::start();
    server.account("ann@shop.test");
    let attempt = |password: &str| {
        server.post(
            "/v1/login",
            None,
            &json!({"email": "ann@shop.test", "password": password}),
        )
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess").status, 401, "the first five are checked");
    }
    attempt(PASSWORD).refused(429, "throttled", "even the right password waits its turn");
    // Instead of sleeping, move the last failure back in time.
    let rewind = |secs: f64| {
        server.sql(&format!(
            "UPDATE login_attempts SET last_failure_at = now() - interval '{secs} seconds'"
        ))
    };
    rewind(1.5);
    assert_eq!(
        attempt("guess").status,
        401,
        "after 1 s one more is checked"
    );
    let reply = attempt("guess");
    reply.refused(429, "throttled", "the sixth failure doubles the wait");
    assert_eq!(
        reply.header("retry-after"),
        Some("2"),
        "then 2 s: {reply:?}"
    );
    rewind(2.5);
    assert_eq!(
        attempt(PASSWORD).status,
        200,
        "the right password after the wait"
    );
    for _ in 0..5 {
        assert_eq!(
            attempt("guess").status,
            401,
            "a success cleared the count: five more are checked"
        );
    }
    server.sql("UPDATE login_attempts SET failures = 40, last_failure_at = now()");
    let reply = attempt("guess");
    assert_eq!(
        reply.header("retry-after"),
        Some("300"),
        "the wait is capped at 5 minutes"
    );
}
