//! The churn benchmark's driver: CYCLES times, edits the credentials Secret
//! (so its resourceVersion, part of the token cache's key, changes), creates
//! an ECRPullSecret that uses it, waits until the controller reports it
//! Ready, and deletes it (Retain: no finalizer). At cycles 0, every STEP and
//! the last it prints the controller's RSS (from /proc) and the entries it
//! keeps per kind (from its /metrics), so growth shows.
//!
//! Usage: churn CONTROLLER_PID METRICS_ADDR NAMESPACE CREDS_SECRET CYCLES STEP

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Secret;
use kube::Client;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kubectl_ecrcreds::crd::ECRPullSecret;

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn entries(addr: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("metrics");
    write!(s, "GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    let mut out: Vec<String> = body
        .lines()
        .filter(|l| l.starts_with("ecrcreds_memory_entries{"))
        .map(|l| {
            let kind = l.split('"').nth(1).unwrap_or("?");
            format!("{kind}={}", l.rsplit(' ').next().unwrap_or("?"))
        })
        .collect();
    out.sort();
    out.join(" ")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, pid, addr, ns, creds, cycles, step] = args.as_slice() else {
        eprintln!("usage: churn CONTROLLER_PID METRICS_ADDR NAMESPACE CREDS_SECRET CYCLES STEP");
        std::process::exit(2);
    };
    let (cycles, step): (usize, usize) = (cycles.parse()?, step.parse()?);
    let client = Client::try_default().await?;
    let resources: Api<ECRPullSecret> = Api::all(client.clone());
    let secrets: Api<Secret> = Api::namespaced(client.clone(), ns);
    let report = |i: usize| {
        println!(
            "cycle {i}: rss {:.1} MiB; {}",
            rss_kib(pid) as f64 / 1024.0,
            entries(addr)
        );
    };
    report(0);
    let start = Instant::now();
    for i in 1..=cycles {
        secrets
            .patch(
                creds,
                &PatchParams::default(),
                &Patch::Merge(
                    serde_json::json!({"metadata": {"annotations": {"churn": i.to_string()}}}),
                ),
            )
            .await?;
        let name = format!("churn-{i}");
        let resource: ECRPullSecret = serde_json::from_value(serde_json::json!({
            "apiVersion": "alchemy.com/v1alpha1",
            "kind": "ECRPullSecret",
            "metadata": {"name": name},
            "spec": {
                "secretName": "ecr-churn",
                "namespaces": [ns],
                "registries": ["111122223333.dkr.ecr.us-east-1.amazonaws.com"],
                "serviceAccounts": [],
                "credentials": {"secretRef": {"name": creds, "namespace": ns}},
            },
        }))?;
        resources.create(&PostParams::default(), &resource).await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = resources.get(&name).await?.status.is_some_and(|s| {
                s.conditions
                    .iter()
                    .any(|c| c.type_ == "Ready" && c.status == "True")
            });
            if ready {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("{name} not ready within 30s").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        resources.delete(&name, &DeleteParams::default()).await?;
        if i % step == 0 || i == cycles {
            // Let the deletion reach the controller before counting.
            tokio::time::sleep(Duration::from_millis(500)).await;
            report(i);
        }
    }
    println!("{cycles} cycles in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}
