//! The leanest client for the fan-out benchmark: server-side applies one
//! dockerconfigjson Secret into each of N namespaces with the same client stack
//! and concurrency as the reconcile, and nothing else (no reads, no tokens, no
//! ServiceAccounts, no status). Its time is the physical limit the controller
//! is compared with.
//!
//! The Secret is the one the controller writes for the benchmark's resource,
//! built by the same code (`Payload::build`, `desired_secret`): two registries
//! in two regions, passwords as long as the test ECR's, the labels and the
//! expiry annotation (under a managed-by value of its own, so no controller
//! watch sees it). LEAN_PAYLOAD=tiny writes the small unlabelled Secret this
//! client wrote before 2026-12-01 instead (one registry, password `x`), for
//! comparison.
//!
//! With a SERVICE_ACCOUNT it also adds the Secret to that ServiceAccount's
//! imagePullSecrets in each namespace, with the one guarded JSON patch the
//! controller sends when the list is absent (test null, add): the limit for
//! the controller's default job, Secret and ServiceAccount entry. With
//! LEAN_SA=append it sends the patch the controller sends when the list is
//! there (add at its end), for a run after another writer made the lists.
//!
//! Usage: cargo run --release --example lean_apply -- PREFIX COUNT CONCURRENCY SECRET_NAME [SERVICE_ACCOUNT]

use std::collections::BTreeMap;
use std::time::Instant;

use futures::{StreamExt, stream};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use kube::api::{ObjectMeta, Patch, PatchParams};
use kube::{Api, Client};
use kubectl_ecrcreds::crd::MANAGED_BY_LABEL;
use kubectl_ecrcreds::ecr::{Registry, Scope, Token};
use kubectl_ecrcreds::reconcile::secret::{Payload, desired_secret};

#[tokio::main]
async fn main() -> anyhow_free::Result {
    let args: Vec<String> = std::env::args().collect();
    let (prefix, count, concurrency, name, account) = match args.as_slice() {
        [_, p, c, k, n] => (p, c, k, n, None),
        [_, p, c, k, n, a] => (p, c, k, n, Some(a.clone())),
        _ => {
            eprintln!("usage: lean_apply PREFIX COUNT CONCURRENCY SECRET_NAME [SERVICE_ACCOUNT]");
            std::process::exit(2);
        }
    };
    let count: usize = count.parse()?;
    let concurrency: usize = concurrency.parse()?;
    let client = Client::try_default().await?;
    let tiny = std::env::var("LEAN_PAYLOAD").is_ok_and(|v| v == "tiny");
    let append = std::env::var("LEAN_SA").is_ok_and(|v| v == "append");
    let like_ours = like_the_controllers(name);
    let start = Instant::now();
    let results: Vec<Result<(), kube::Error>> = stream::iter(1..=count)
        .map(|i| {
            let client = client.clone();
            let ns = format!("{prefix}{i}");
            let account = account.clone();
            let secret = if tiny {
                tiny_secret(name, &ns)
            } else {
                like_ours(&ns)
            };
            async move {
                Api::<Secret>::namespaced(client.clone(), &ns)
                    .patch(
                        name,
                        &PatchParams::apply("lean-apply").force(),
                        &Patch::Apply(&secret),
                    )
                    .await?;
                if let Some(account) = account {
                    let ops = if append {
                        serde_json::json!([
                            {"op": "add", "path": "/imagePullSecrets/-", "value": {"name": name}},
                        ])
                    } else {
                        serde_json::json!([
                            {"op": "test", "path": "/imagePullSecrets", "value": null},
                            {"op": "add", "path": "/imagePullSecrets", "value": [{"name": name}]},
                        ])
                    };
                    let patch: json_patch::Patch =
                        serde_json::from_value(ops).expect("valid JSON patch");
                    Api::<ServiceAccount>::namespaced(client, &ns)
                        .patch(&account, &PatchParams::default(), &Patch::<()>::Json(patch))
                        .await?;
                }
                Ok(())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    println!("{}", start.elapsed().as_millis());
    if failed > 0 {
        eprintln!("{failed} applies failed");
        std::process::exit(1);
    }
    Ok(())
}

/// The Secret the controller writes into `ns` for the benchmark's resource.
fn like_the_controllers(name: &str) -> impl Fn(&str) -> Secret + '_ {
    let registries = [
        "111122223333.dkr.ecr.us-east-1.amazonaws.com",
        "444455556666.dkr.ecr.eu-west-1.amazonaws.com",
    ]
    .map(|h| Registry::parse(h).expect("a registry host"));
    // The test ECR's passwords: a 9-character marker and 256 more.
    let token = |c: char| Token {
        password: format!("ECRTESTPW{}", c.to_string().repeat(256)),
        expires_at: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(12)),
    };
    let tokens = BTreeMap::from([
        (Scope::private("us-east-1"), token('a')),
        (Scope::private("eu-west-1"), token('b')),
    ]);
    let payload = Payload::build(&registries, &tokens);
    move |ns: &str| {
        let mut secret = desired_secret("bench-lean", name, ns, &payload);
        if let Some(labels) = secret.metadata.labels.as_mut() {
            // Same size, but not ours: no controller watch takes it for its own.
            labels.insert(MANAGED_BY_LABEL.into(), "lean-apply-bench".into());
        }
        secret
    }
}

/// The Secret this client wrote before it wrote the controller's.
fn tiny_secret(name: &str, ns: &str) -> Secret {
    let payload = br#"{"auths":{"111122223333.dkr.ecr.us-east-1.amazonaws.com":{"username":"AWS","password":"x","auth":"QVdTOng="}}}"#;
    Secret {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(ns.to_string()),
            ..Default::default()
        },
        type_: Some("kubernetes.io/dockerconfigjson".into()),
        data: Some(BTreeMap::from([(
            ".dockerconfigjson".to_string(),
            ByteString(payload.to_vec()),
        )])),
        ..Default::default()
    }
}

/// `?` on any error, without pulling in a crate for it.
mod anyhow_free {
    pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;
}
