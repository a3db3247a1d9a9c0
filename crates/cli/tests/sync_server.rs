//! Sync through the real server: `stockflow-cli sync` against `stockflow-server` on a
//! throw-away PostgreSQL (started by `scripts/with-postgres.sh`), with two laptops of one shop,
//! a third of another shop, and faults between them: a response lost after the server
//! committed, a request sent twice, a connection cut in the middle of a body, the server
//! killed with SIGKILL and started again.

mod sync_common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use sync_common::{shop, Laptop, Server};

#[test]
fn two_laptops_of_a_shop_converge_through_the_server_and_another_shop_sees_nothing() {
    let server = Server::new();
    let a = Laptop::new();
    shop(&a);
    a.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=2",
    ]);
    let first = a.sync_ok(&server.url);
    assert!(first["pushed"].as_u64().unwrap() > 10, "{first}");

    // A new laptop joins the shop: everything comes down.
    let b = Laptop::new();
    let joined = b.sync_ok(&server.url);
    assert_eq!(joined["pushed"], 0);
    assert!(joined["pulled"].as_u64().unwrap() >= first["pushed"].as_u64().unwrap());
    assert_eq!(b.state(), a.state(), "the new laptop has the shop as it is");

    // Both work offline: sales on both, a transfer, a count, the same new SKU on both.
    a.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=1",
        "CUP=2",
    ]);
    b.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=3",
    ]);
    b.ok(&[
        "transfer",
        "--company",
        "Harbour",
        "--from",
        "Main",
        "--to",
        "Back",
        "CUP=5",
    ]);
    a.ok(&[
        "adjust",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "--reason",
        "damaged",
        "JUG=-1",
    ]);
    a.ok(&[
        "product",
        "add",
        "--company",
        "Harbour",
        "--sku",
        "NEW",
        "--name",
        "From A",
        "--price",
        "1",
    ]);
    b.ok(&[
        "product",
        "add",
        "--company",
        "Harbour",
        "--sku",
        "NEW",
        "--name",
        "From B",
        "--price",
        "2",
    ]);
    b.ok(&[
        "product",
        "edit",
        "--company",
        "Harbour",
        "JUG",
        "--price",
        "4.25",
    ]);
    for _ in 0..2 {
        a.sync_ok(&server.url);
        b.sync_ok(&server.url);
    }
    let sa = a.state();
    assert_eq!(
        b.state(),
        sa,
        "both laptops show the same stock, catalog and ledger"
    );
    let mug = sa["stock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sku"] == "MUG" && r["warehouse"] == "Main")
        .unwrap();
    assert_eq!(mug["on_hand"], 20 - 2 - 1 - 3, "every sale counted once");
    let news: Vec<&Value> = sa["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["sku"].as_str().unwrap().starts_with("NEW"))
        .collect();
    assert_eq!(news.len(), 2, "both new products are kept");
    let last = b.sync_ok(&server.url);
    assert_eq!(
        last["conflicts"].as_array().unwrap().len(),
        1,
        "the shared SKU is listed: {last}"
    );

    // Another shop's laptop sees nothing of Harbour.
    let c = Laptop::new();
    let other = c.sync(&server.url, "shop@other.example");
    assert_eq!(other.status, 0, "{}", other.text);
    assert_eq!(other.json["pulled"], 0);
    assert_eq!(c.ok(&["company", "list"]), serde_json::json!([]));

    // A copy of Harbour's database synced with the other shop's account is refused, and the
    // server keeps nothing of it.
    let copy = Laptop::new();
    std::fs::copy(&a.path, &copy.path).unwrap();
    copy.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=1",
    ]);
    let refused = copy.sync(&server.url, "shop@other.example");
    assert_eq!(refused.status, 1, "{}", refused.text);
    assert_eq!(refused.json["error"]["code"], "forbidden");
    let after = b.sync_ok(&server.url);
    assert_eq!(
        after["pulled"], 0,
        "nothing of the refused push reached the shop"
    );
}

/// Which push requests the proxy spoils.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    /// Forward the request, let the server answer, and drop the answer.
    DropResponse,
    /// Send the request to the server twice.
    Duplicate,
    /// Forward half of the body, then cut both connections.
    CutBody,
}

/// A small HTTP proxy that forwards each request on its own upstream connection and spoils
/// the first `/v1/push` while `fault` is set.
struct Proxy {
    url: String,
    fault: Arc<Mutex<Option<Fault>>>,
}

impl Proxy {
    fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let fault = Arc::new(Mutex::new(None));
        let shared = fault.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let fault = shared.clone();
                std::thread::spawn(move || serve(client, &upstream, &fault));
            }
        });
        Proxy { url, fault }
    }

    fn spoil_next_push(&self, fault: Fault) {
        *self.fault.lock().unwrap() = Some(fault);
    }
}

fn read_request(client: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if client.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        if !line.to_ascii_lowercase().starts_with("connection:") {
            head.push_str(&line);
        }
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    client.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn forward(upstream: &str, head: &str, body: &[u8]) -> Vec<u8> {
    let mut up = TcpStream::connect(upstream).unwrap();
    let head = head.replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
    up.write_all(head.as_bytes()).unwrap();
    up.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = up.read_to_end(&mut answer);
    answer
}

fn serve(client: TcpStream, upstream: &str, fault: &Mutex<Option<Fault>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut client = client;
    // One request per connection: the answer closes it, and the client opens another.
    let Some((head, body)) = read_request(&mut reader) else {
        return;
    };
    let spoil = if head.starts_with("POST /v1/push") {
        fault.lock().unwrap().take()
    } else {
        None
    };
    match spoil {
        None => {
            let answer = forward(upstream, &head, &body);
            let _ = client.write_all(&answer);
        }
        Some(Fault::DropResponse) => {
            forward(upstream, &head, &body);
        }
        Some(Fault::Duplicate) => {
            forward(upstream, &head, &body);
            let answer = forward(upstream, &head, &body);
            let _ = client.write_all(&answer);
        }
        Some(Fault::CutBody) => {
            let mut up = TcpStream::connect(upstream).unwrap();
            up.write_all(head.as_bytes()).unwrap();
            up.write_all(&body[..body.len() / 2]).unwrap();
            let _ = up.shutdown(Shutdown::Both);
        }
    }
    let _ = client.shutdown(Shutdown::Both);
}

fn ledger_of(l: &Laptop) -> Vec<String> {
    let mut ids: Vec<String> = l.ok(&["history", "--company", "Harbour", "--limit", "1000"])
        ["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_sync_spoiled_anywhere_resumes_with_nothing_lost_or_doubled() {
    let mut server = Server::new();
    let a = Laptop::new();
    let b = Laptop::new();
    shop(&a);
    a.sync_ok(&server.url);
    b.sync_ok(&server.url);

    let mut sold = 0;
    for fault in [Fault::DropResponse, Fault::Duplicate, Fault::CutBody] {
        let proxy = Proxy::start(&server.url);
        a.ok(&[
            "sell",
            "--company",
            "Harbour",
            "--warehouse",
            "Main",
            "MUG=1",
        ]);
        sold += 1;
        proxy.spoil_next_push(fault);
        let spoiled = a.sync(&proxy.url, "shop@harbour.example");
        if fault != Fault::Duplicate {
            assert_eq!(spoiled.status, 1, "the client notices: {}", spoiled.text);
            assert_eq!(
                spoiled.json["error"]["code"], "server_unreachable",
                "{}",
                spoiled.text
            );
        }
        a.sync_ok(&proxy.url);
        b.sync_ok(&proxy.url);
        assert_eq!(ledger_of(&a), ledger_of(&b), "after {:?}", fault as u8);
        assert_eq!(b.state(), a.state());
    }

    // The server killed with SIGKILL between two syncs, and again while a laptop waits.
    a.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=1",
    ]);
    sold += 1;
    a.sync_ok(&server.url);
    server.restart();
    b.ok(&[
        "sell",
        "--company",
        "Harbour",
        "--warehouse",
        "Main",
        "MUG=1",
    ]);
    sold += 1;
    b.sync_ok(&server.url);
    a.sync_ok(&server.url);
    assert_eq!(
        b.state(),
        a.state(),
        "after the server was killed and restarted"
    );
    let mug = a.state()["stock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["sku"] == "MUG" && r["warehouse"] == "Main")
        .unwrap()
        .clone();
    assert_eq!(mug["on_hand"], 20 - sold, "every sale exactly once");
}
