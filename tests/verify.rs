//! `kubectl ecrcreds verify` against the test registry: the registry's own
//! answer to the token in our Secrets (it takes only live tokens the test ECR
//! issued for its region), asked once per distinct token and host, and only
//! at the loopback addresses given.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";

/// `--connect-to HOST=127.0.0.1:PORT` for each ECR host of the test registry.
fn connect_to() -> Vec<String> {
    var("ECRCREDS_TEST_REGISTRY_HOSTPORTS")
        .split_whitespace()
        .flat_map(|hp| {
            let (host, port) = hp.split_once('=').unwrap();
            [
                "--connect-to".to_string(),
                format!("{host}=127.0.0.1:{port}"),
            ]
        })
        .collect()
}

/// `verify` trusting the test CA, as SSL_CERT_FILE makes it.
fn verify(key: &str, args: &[&str]) -> (i32, Vec<Value>) {
    let r = run(bin(key)
        .env("SSL_CERT_FILE", var("ECRCREDS_TEST_CA"))
        .arg("verify")
        .args(args)
        .args(connect_to())
        .args(["-o", "json"]));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    (
        r.code,
        serde_json::from_str(&r.stdout).expect("verify -o json"),
    )
}

/// GET /v2/ requests the registry answered, per host.
fn probes() -> HashMap<String, usize> {
    let mut n = HashMap::new();
    for r in registry_requests() {
        if r.method == "GET" && r.path == "/v2/" {
            *n.entry(r.host).or_default() += 1;
        }
    }
    n
}

/// The detail of a `verify -o json` run whose one row is `unreachable`.
fn unreachable(r: &Run) -> String {
    assert_eq!(r.code, 3, "{}", r.stderr);
    let rows: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["result"], "unreachable", "{rows:#?}");
    rows[0]["detail"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_live_token_is_accepted_an_expired_one_rejected_once_per_host() {
    install_crd();
    let client = client().await;
    let key = access_key("verify");
    let nss = [unique("ver-a"), unique("ver-b"), unique("ver-c")];
    namespaces(
        &client,
        &nss.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    )
    .await;
    let name = unique("ver");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-verify", "namespaces": nss, "registries": [USE1, EUW1]}),
    )
    .await;
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let before = probes();
    let (code, rows) = verify(&key, &[&name]);
    let after = probes();
    assert_eq!(code, 0, "{rows:#?}");
    assert_eq!(rows.len(), 2, "one row per registry: {rows:#?}");
    for row in &rows {
        assert_eq!(row["result"], "accepted", "{row:#}");
        assert_eq!(row["namespaces"].as_array().unwrap().len(), 3);
    }
    // Three namespaces hold the same token: one probe per host, not three.
    for host in [USE1, EUW1] {
        let sent = after.get(host).unwrap_or(&0) - before.get(host).unwrap_or(&0);
        assert_eq!(sent, 1, "{host}");
    }

    // A 3-second token, left to expire.
    let short_key = access_key("verexp");
    set_token_lifetime(&moto_url(), &short_key, 3.0);
    let r = run(bin(&short_key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (code, rows) = verify(&key, &[&name]);
    assert_eq!(code, 3, "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| r["result"] == "rejected" && r["detail"] == "HTTP 401"),
        "{rows:#?}"
    );

    // The table says the same in words.
    let r = run(bin(&key)
        .env("SSL_CERT_FILE", var("ECRCREDS_TEST_CA"))
        .args(["verify", &name])
        .args(connect_to()));
    assert_eq!(r.code, 3);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[0].starts_with("NAME") && lines[0].contains("RESULT"));
    assert!(
        lines[1].contains(" 3 ") && lines[1].contains("rejected"),
        "{}",
        r.stdout
    );
}

#[tokio::test]
async fn an_unreachable_registry_and_an_untrusted_one_are_told_apart_from_a_rejection() {
    install_crd();
    let client = client().await;
    let key = access_key("verdown");
    let ns = unique("ver-down");
    namespaces(&client, &[&ns], &[]).await;
    let name = unique("ver-down");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-verify", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;
    assert_eq!(run(bin(&key).args(["refresh", &name])).code, 0);

    let dead = format!("{USE1}=127.0.0.1:{}", free_port());
    let r = run(bin(&key)
        .env("SSL_CERT_FILE", var("ECRCREDS_TEST_CA"))
        .args(["verify", &name, "--connect-to", &dead, "-o", "json"]));
    assert!(unreachable(&r).starts_with("cannot connect to 127.0.0.1:"));

    // The system's CAs alone do not vouch for the test registry: a TLS
    // failure, not a rejection; and with no CA at all, one sentence.
    let r = run(bin(&key)
        .env("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
        .args(["verify", &name, "-o", "json"])
        .args(connect_to()));
    let detail = unreachable(&r);
    assert!(
        detail.starts_with(&format!("TLS with {USE1} failed: invalid peer certificate")),
        "{detail}"
    );
    let r = run(bin(&key)
        .env("SSL_CERT_FILE", "/dev/null")
        .env_remove("SSL_CERT_DIR")
        .args(["verify", &name])
        .args(connect_to()));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "error: no trusted CA certificates could be loaded; install the system CA bundle or set SSL_CERT_FILE"
    );

    // Bad input: one sentence and the way out.
    for (arg, says) in [
        ("h=localhost:443", "is not an IP address and port"),
        ("justahost", "use HOST=ADDRESS:PORT"),
    ] {
        let r = run(bin(&key).args(["verify", &name, "--connect-to", arg]));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(says), "{}", r.stderr);
    }
    let r = run(bin(&key).args(["verify"]));
    assert_eq!(r.code, 2);
    let r = run(bin(&key).args(["verify", "no-such-resource"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("ECRPullSecret \"no-such-resource\" not found"),
        "{}",
        r.stderr
    );
}
