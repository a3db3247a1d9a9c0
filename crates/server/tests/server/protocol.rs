use serde_json::json;
use stockflow_sync_proto::{MIN_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION};

use crate::util::{agent, reply, Server};

#[test]
fn healthz_needs_neither_token_nor_protocol() {
    let server = Server::start();
    let r = reply(agent().get(&format!("{}/healthz", server.base)).call());
    assert_eq!(r.status, 200, "the load balancer's health check: {r:?}");
}

#[test]
fn a_missing_old_or_new_protocol_is_told_what_to_do() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    let url = format!("{}/v1/companies", server.base);
    let call = |version: Option<String>| {
        let mut request = agent()
            .get(&url)
            .set("Authorization", &format!("Bearer {token}"));
        if let Some(v) = version {
            request = request.set(PROTOCOL_HEADER, &v);
        }
        reply(request.call())
    };
    let window = json!([MIN_PROTOCOL_VERSION, PROTOCOL_VERSION]);

    for (version, meaning) in [
        (None, "no header"),
        (
            Some((MIN_PROTOCOL_VERSION - 1).to_string()),
            "older than the window",
        ),
        (Some("x".to_string()), "not a number"),
    ] {
        let r = call(version);
        r.refused(426, "protocol_too_old", meaning);
        assert!(
            r.message()
                .contains("this app is too old for the server: update StockFlow"),
            "{meaning}: the message tells the user to update: {r:?}"
        );
        assert_eq!(r.body["error"]["accepted_protocols"], window, "{meaning}");
    }
    let r = call(Some((PROTOCOL_VERSION + 1).to_string()));
    r.refused(426, "protocol_too_new", "newer than the window");
    assert!(r.message().contains("too new"), "{r:?}");
    assert_eq!(r.body["error"]["accepted_protocols"], window);

    assert_eq!(call(Some(PROTOCOL_VERSION.to_string())).status, 200);
    // The login needs the header too, before anything is checked.
    let r = reply(
        agent()
            .post(&format!("{}/v1/login", server.base))
            .send_json(json!({"email": "ann@shop.test", "password": "x"})),
    );
    r.refused(426, "protocol_too_old", "login without the header");
}

#[test]
fn every_refusal_has_the_json_error_shape() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server
        .get("/v1/nothing-here", Some(&token))
        .refused(404, "not_found", "an unknown endpoint");
    server.get("/v1/push", Some(&token)).refused(
        405,
        "not_found",
        "a known endpoint with the wrong method",
    );
    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .set("Content-Type", "application/json")
            .send_string("{not json"),
    );
    r.refused(400, "validation", "a body that is not JSON");
    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .send_string(r#"{"changes": []}"#),
    );
    r.refused(400, "validation", "a body without the JSON content type");
    server
        .post(
            "/v1/push",
            Some(&token),
            &json!({"changes": [{"change_id": "x"}]}),
        )
        .refused(400, "validation", "a change missing its fields");
    server.get("/v1/pull?after=0", Some(&token)).refused(
        400,
        "validation",
        "a pull without its company",
    );
    server
        .get("/v1/pull?company=c&after=-1", Some(&token))
        .refused(400, "validation", "a negative cursor");
    server
        .get("/v1/pull?company=c&limit=0", Some(&token))
        .refused(400, "validation", "a zero limit");
}
