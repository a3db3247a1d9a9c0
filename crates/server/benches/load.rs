//! Load on the sync server: 50 devices at once, each syncing rounds of 100 changes (a push,
//! then a pull of what the company's other devices pushed). Prints the changes pushed per second
//! and the p50/p99 latency of one sync. Not a timed test: a bounded run that stops by itself.
//!
//!   bash scripts/with-postgres.sh cargo bench -p stockflow-server --bench load
//!   ... --bench load -- --devices 50 --rounds 20 --batch 100 --devices-per-company 5 --interval-ms 1000
//!
//! Two runs: flat out (each device syncs again as soon as the last sync ends: the throughput,
//! and latencies that are mostly queueing), then paced (each device starts a sync every
//! `--interval-ms`: the latency at that offered load).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use stockflow_server::{auth, storage, ServerConfig};
use stockflow_sync_proto::{Change, PullResponse, PushResponse, PROTOCOL_HEADER, PROTOCOL_VERSION};

struct Args {
    devices: usize,
    rounds: usize,
    batch: usize,
    devices_per_company: usize,
    interval_ms: usize,
}

fn args() -> Args {
    let mut a = Args {
        devices: 50,
        rounds: 20,
        batch: 100,
        devices_per_company: 5,
        interval_ms: 1000,
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let value = || argv.get(i + 1).and_then(|v| v.parse().ok());
        match argv[i].as_str() {
            "--devices" => a.devices = value().expect("--devices N"),
            "--rounds" => a.rounds = value().expect("--rounds N"),
            "--batch" => a.batch = value().expect("--batch N"),
            "--devices-per-company" => {
                a.devices_per_company = value().expect("--devices-per-company N")
            }
            "--interval-ms" => a.interval_ms = value().expect("--interval-ms N"),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn main() {
    let args = args();
    let admin = std::env::var("STOCKFLOW_TEST_PG").unwrap_or_else(|_| {
        eprintln!(
            "STOCKFLOW_TEST_PG is not set: run the bench through the harness, \
             `bash scripts/with-postgres.sh cargo bench -p stockflow-server --bench load`"
        );
        std::process::exit(2);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let name = format!("sf_bench_{}", std::process::id());
    let db_url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let pool = rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("the cluster of STOCKFLOW_TEST_PG");
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let pool = storage::connect(&db_url, 32).unwrap();
        storage::migrate(&pool).await.unwrap();
        storage::add_account(
            &pool,
            "bench@shop.test",
            None,
            &auth::hash_password("bench-pass"),
        )
        .await
        .unwrap();
        pool
    });
    let base = rt.block_on(async {
        let router = stockflow_server::app(pool.clone(), ServerConfig::default())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(stockflow_server::serve(
            listener,
            router,
            std::future::pending(),
        ));
        format!("http://{addr}")
    });

    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .max_idle_connections_per_host(args.devices)
        .build();
    let login: serde_json::Value = agent
        .post(&format!("{base}/v1/login"))
        .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string())
        .send_json(json!({"email": "bench@shop.test", "password": "bench-pass"}))
        .unwrap()
        .into_json()
        .unwrap();
    let token = Arc::new(format!("Bearer {}", login["token"].as_str().unwrap()));

    for (label, interval) in [
        ("flat out", None),
        (
            "paced",
            Some(Duration::from_millis(args.interval_ms as u64)),
        ),
    ] {
        run(&agent, &base, &token, &args, label, interval);
    }
    let quiet: Vec<Duration> = {
        // The same sync with the server otherwise idle, for comparison.
        let plan = Plan {
            rounds: 20,
            batch: args.batch,
            pacing: None,
        };
        let mut l = device(&agent, &base, &token, "company-solo", "device-solo", &plan).0;
        l.sort();
        l
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "one device alone, 20 syncs of {}: p50 {:.1} ms, p99 {:.1} ms",
        args.batch,
        ms(quiet[quiet.len() / 2]),
        ms(quiet[((quiet.len() - 1) as f64 * 0.99).round() as usize])
    );
}

fn run(
    agent: &ureq::Agent,
    base: &str,
    token: &Arc<String>,
    args: &Args,
    label: &str,
    interval: Option<Duration>,
) {
    let pace = match interval {
        Some(i) => format!(
            ", one sync every {} ms per device (offered {:.0} changes/s)",
            i.as_millis(),
            args.devices as f64 * args.batch as f64 / i.as_secs_f64()
        ),
        None => String::new(),
    };
    println!(
        "{label}: {} devices ({} per company), {} rounds each of a push of {} changes and a pull{pace}",
        args.devices, args.devices_per_company, args.rounds, args.batch
    );
    let started = Instant::now();
    let threads: Vec<_> = (0..args.devices)
        .map(|d| {
            let agent = agent.clone();
            let base = base.to_string();
            let token = token.clone();
            let plan = Plan {
                rounds: args.rounds,
                batch: args.batch,
                pacing: interval.map(|i| (i * d as u32 / args.devices as u32, i)),
            };
            let company = format!("{label}-company-{:03}", d / args.devices_per_company.max(1));
            std::thread::spawn(move || {
                let device_id = format!("device-{d:03}");
                device(&agent, &base, &token, &company, &device_id, &plan)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut pulled = 0;
    for t in threads {
        let (l, p) = t.join().expect("a device thread");
        latencies.extend(l);
        pulled += p;
    }
    let elapsed = started.elapsed();
    let pushed = args.devices * args.rounds * args.batch;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  pushed {pushed} changes in {:.2} s: {:.0} changes/s pushed ({} pulled)",
        elapsed.as_secs_f64(),
        pushed as f64 / elapsed.as_secs_f64(),
        pulled
    );
    println!(
        "  sync of {} changes (push + pull), {} syncs: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        args.batch,
        latencies.len(),
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(*latencies.last().unwrap())
    );
}

/// What one device does.
struct Plan {
    rounds: usize,
    batch: usize,
    /// (first start, interval): a sync starts on that schedule (the first starts spread over
    /// one interval), else right after the last one.
    pacing: Option<(Duration, Duration)>,
}

/// One device's rounds: the latency of each sync, and how many changes it pulled.
fn device(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    company: &str,
    device_id: &str,
    plan: &Plan,
) -> (Vec<Duration>, usize) {
    let (rounds, batch) = (plan.rounds, plan.batch);
    let begun = Instant::now();
    let mut latencies = Vec::with_capacity(rounds);
    let mut cursor = 0i64;
    let mut pulled = 0;
    let mut next_seq = 1i64;
    for round in 0..rounds {
        if let Some((offset, interval)) = plan.pacing {
            let due = begun + offset + interval * round as u32;
            // Pacing the load generator, not waiting for the server.
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        let changes: Vec<Change> = (0..batch)
            .map(|_| {
                let seq = next_seq;
                next_seq += 1;
                Change {
                    change_id: format!("{company}/{device_id}/{seq}"),
                    company_id: company.to_string(),
                    device_id: device_id.to_string(),
                    device_seq: seq,
                    entity: "stock_movement".into(),
                    entity_id: format!("0192f0c1-{seq:04x}-7000-8000-{device_id}"),
                    hlc: format!("{:016}-000000-{device_id}", 1_733_140_000_000i64 + seq),
                    version: 1,
                    fields: vec![],
                    payload: json!({
                        "kind": "sale", "product_id": format!("p-{}", seq % 500),
                        "warehouse_id": "w-main", "quantity": -1,
                        "occurred_at": "2026-11-22T10:00:00Z", "user": "clerk",
                        "reference": format!("sale-{device_id}-{seq}")
                    }),
                }
            })
            .collect();
        let start = Instant::now();
        let pushed: PushResponse = agent
            .post(&format!("{base}/v1/push"))
            .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string())
            .set("Authorization", token)
            .send_json(json!({ "changes": changes }))
            .expect("push")
            .into_json()
            .unwrap();
        assert_eq!(pushed.accepted.len(), batch);
        loop {
            let page: PullResponse = agent
                .get(&format!("{base}/v1/pull"))
                .query("company", company)
                .query("after", &cursor.to_string())
                .query("limit", "1000")
                .set(PROTOCOL_HEADER, &PROTOCOL_VERSION.to_string())
                .set("Authorization", token)
                .call()
                .expect("pull")
                .into_json()
                .unwrap();
            pulled += page.changes.len();
            cursor = page.next_after;
            if !page.has_more {
                break;
            }
        }
        latencies.push(start.elapsed());
    }
    (latencies, pulled)
}
