//! The NDJSON stream through the CLI: `hookmap map --ndjson` over N Spacelift requests (each
//! with its own stack id), median of 5 runs, in events/s.

#[path = "../../mapper-core/benches/common.rs"]
mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("HOOKMAP_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = common::spacelift_dir();
    let (_, request) = common::spacelift();
    let mut v: serde_json::Value = serde_json::from_slice(&request).unwrap();
    let tmp = std::env::temp_dir().join(format!("hookmap-ndjson-{}.ndjson", std::process::id()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap());
        for i in 0..n {
            v["body"]["stack"]["id"] = serde_json::Value::from(format!("stack-{}", i % 1000));
            serde_json::to_writer(&mut f, &v).unwrap();
            f.write_all(b"\n").unwrap();
        }
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_hookmap"))
            .args(["map", "--ndjson", "--config"])
            .arg(dir.join("config.json"))
            .arg(&tmp)
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert!(out.status.success());
        assert_eq!(
            out.stdout.iter().filter(|&&b| b == b'\n').count(),
            n,
            "one result line per request"
        );
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    let median = times[2];
    let _ = std::fs::remove_file(&tmp);
    println!(
        "ndjson: hookmap map --ndjson, {n} Spacelift requests: median {median:.3} s of 5 runs = {:.0} events/s",
        n as f64 / median
    );
}
