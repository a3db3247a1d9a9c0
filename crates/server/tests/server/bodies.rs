use std::io::{Read, Write};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::json;
use stockflow_server::ServerConfig;
use stockflow_sync_proto::{PullResponse, PROTOCOL_HEADER, PROTOCOL_VERSION};

use crate::util::{changes, reply, Server};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn a_gzip_request_body_is_accepted() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    let body = serde_json::to_vec(&json!({ "changes": changes("co", "d1", 1, 50) })).unwrap();
    let compressed = gzip(&body);
    assert!(
        compressed.len() < body.len() / 3,
        "the test body compresses well"
    );
    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .set("Content-Type", "application/json")
            .set("Content-Encoding", "gzip")
            .send_bytes(&compressed),
    );
    assert_eq!(
        r.status, 200,
        "a gzip push is decompressed and stored: {r:?}"
    );
    assert_eq!(server.pull_all(&token, "co", 0, 100).len(), 50);

    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .set("Content-Type", "application/json")
            .set("Content-Encoding", "br")
            .send_bytes(&compressed),
    );
    r.refused(415, "validation", "an encoding the server does not speak");
}

/// A raw HTTP/1.1 GET, to see the response's own headers and bytes (ureq decompresses).
fn raw_get(base: &str, path: &str, headers: &[(&str, &str)]) -> (String, Vec<u8>) {
    raw_request(base, "GET", path, headers)
}

fn raw_request(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (head, body)
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&bytes[..line_end]).unwrap().trim(), 16)
                .unwrap();
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

#[test]
fn responses_are_gzipped_when_the_client_accepts_it() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    server.push_ok(&token, &changes("co", "d1", 1, 200));
    let auth = format!("Bearer {token}");
    let version = PROTOCOL_VERSION.to_string();
    let path = "/v1/pull?company=co&after=0&limit=200";
    let base_headers = [
        ("Authorization", auth.as_str()),
        (PROTOCOL_HEADER, version.as_str()),
    ];

    let (head, plain) = raw_get(&server.base, path, &base_headers);
    assert!(
        !head.contains("content-encoding"),
        "no gzip unless asked: {head}"
    );

    let mut headers = base_headers.to_vec();
    headers.push(("Accept-Encoding", "gzip"));
    let (head, compressed) = raw_get(&server.base, path, &headers);
    assert!(
        head.contains("content-encoding: gzip"),
        "gzip when accepted: {head}"
    );
    assert!(compressed.len() < plain.len() / 3, "and it is much smaller");
    let mut json = Vec::new();
    GzDecoder::new(&compressed[..])
        .read_to_end(&mut json)
        .unwrap();
    let page: PullResponse = serde_json::from_slice(&json).expect("a PullResponse once gunzipped");
    assert_eq!(page.changes.len(), 200);
    assert_eq!(json, plain, "the same bytes either way");
}

#[test]
fn a_body_over_the_limit_is_refused_even_when_it_arrives_compressed() {
    let server = Server::start();
    let token = server.signed_in("ann@shop.test");
    // 33 MiB of JSON whitespace: a few dozen KiB once gzipped.
    let mut body = br#"{"changes": []}"#.to_vec();
    body.resize(33 * 1024 * 1024, b' ');
    let compressed = gzip(&body);
    assert!(compressed.len() < 1024 * 1024);
    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .set("Content-Type", "application/json")
            .set("Content-Encoding", "gzip")
            .send_bytes(&compressed),
    );
    r.refused(
        413,
        "payload_too_large",
        "32 MiB is the limit, decompressed",
    );
    let small = br#"{"changes": []}   "#;
    let r = reply(
        server
            .request("POST", "/v1/push", Some(&token))
            .set("Content-Type", "application/json")
            .set("Content-Encoding", "gzip")
            .send_bytes(&gzip(small)),
    );
    assert_eq!(r.status, 200, "a small gzip body still passes: {r:?}");
}

#[test]
fn a_plain_body_over_the_limit_is_refused_as_json() {
    let server = Server::start_with(ServerConfig {
        body_limit: 64 * 1024,
        ..ServerConfig::default()
    });
    let token = server.signed_in("ann@shop.test");
    // Announce 100 KiB and send none of it: the server refuses on the length alone, and a
    // client still writing would only see its connection reset.
    let auth = format!("Bearer {token}");
    let version = PROTOCOL_VERSION.to_string();
    let length = (100 * 1024).to_string();
    let (head, body) = raw_request(
        &server.base,
        "POST",
        "/v1/push",
        &[
            ("Authorization", auth.as_str()),
            (PROTOCOL_HEADER, version.as_str()),
            ("Content-Type", "application/json"),
            ("Content-Length", length.as_str()),
        ],
    );
    assert!(
        head.starts_with("http/1.1 413"),
        "over the configured limit: {head}"
    );
    let error: serde_json::Value = serde_json::from_slice(&body).expect("a JSON error");
    assert_eq!(error["error"]["code"], "payload_too_large", "{error}");
    assert_eq!(server.query_i64("SELECT count(*) FROM changes"), 0);
}
