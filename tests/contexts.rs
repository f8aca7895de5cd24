//! `list` and `refresh` on several clusters at once: the main test API server
//! and the second one beside it (testenv/up.sh), as contexts of one merged
//! KUBECONFIG, with the bare one (no CRD) as a cluster that fails.

mod common;

use common::*;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::PostParams;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client};
use kubectl_ecrcreds::crd::{ECRPullSecret, ECRPullSecretSpec};
use serde_json::{Value, json};

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

async fn client_of(path: &str) -> Client {
    let kc = Kubeconfig::read_from(path).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

/// A labelled resource on the cluster of `client`.
async fn labelled(client: &Client, name: &str, label: &str, spec: Value) {
    let spec: ECRPullSecretSpec = serde_json::from_value(spec).unwrap();
    let mut obj = ECRPullSecret::new(name, spec);
    obj.metadata.labels = Some([("ctx".to_string(), label.to_string())].into());
    Api::<ECRPullSecret>::all(client.clone())
        .create(&PostParams::default(), &obj)
        .await
        .unwrap();
}

#[tokio::test]
async fn list_and_refresh_work_on_several_contexts_at_once_with_one_exit_code() {
    install_crd();
    let main = client().await;
    let second_kc = var("ECRCREDS_TEST_SECOND_KUBECONFIG");
    let r = run(bin("AKIAINSTALL").args(["--kubeconfig", &second_kc, "install"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = client_of(&second_kc).await;

    // One resource on each cluster; the second has no controller manager, so
    // no default ServiceAccount to patch.
    let label = unique("ctx");
    let (ns_main, ns_second) = (unique("ctx-main"), unique("ctx-second"));
    namespaces(&main, &[&ns_main], &[]).await;
    let mut ns = Namespace::default();
    ns.metadata.name = Some(ns_second.clone());
    Api::<Namespace>::all(second.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let (on_main, on_second) = (unique("ctx-a"), unique("ctx-b"));
    labelled(
        &main,
        &on_main,
        &label,
        json!({"secretName": "ecr-ctx", "namespaces": [ns_main], "registries": [USE1]}),
    )
    .await;
    labelled(
        &second,
        &on_second,
        &label,
        json!({"secretName": "ecr-ctx", "namespaces": [ns_second], "registries": [USE1], "serviceAccounts": []}),
    )
    .await;

    let merged = format!("{}:{second_kc}", kubeconfig().display());
    let selector = format!("ctx={label}");
    let key = access_key("contexts");
    let plugin = |args: &[&str]| {
        run(bin(&key)
            .env("KUBECONFIG", &merged)
            .args(args)
            .args(["-l", &selector]))
    };

    let r = plugin(&["refresh", "--all", "--context", "testenv,testenv-second"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let lines: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(&lines[0][..3], ["CONTEXT", "RESOURCE", "NAMESPACE"]);
    assert_eq!(&lines[1][..4], ["testenv", &on_main, &ns_main, "ecr-ctx"]);
    assert_eq!(
        &lines[2][..4],
        ["testenv-second", &on_second, &ns_second, "ecr-ctx"]
    );
    assert!(secret(&main, &ns_main, "ecr-ctx").await.is_some());
    let on_the_second =
        Api::<k8s_openapi::api::core::v1::Secret>::namespaced(second.clone(), &ns_second)
            .get_opt("ecr-ctx")
            .await
            .unwrap()
            .expect("written on the second cluster");
    assert!(auths(&on_the_second).contains_key(USE1));

    // Every context of the kubeconfig, as a table and as JSON.
    let r = plugin(&["list", "--all-contexts"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(&rows[0][..2], ["testenv", &on_main], "{}", r.stdout);
    assert_eq!(
        &rows[1][..2],
        ["testenv-second", &on_second],
        "{}",
        r.stdout
    );
    let r = plugin(&["list", "--all-contexts", "-o", "json"]);
    let entries: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["context"].as_str().unwrap(),
                e["items"][0]["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("testenv", on_main.as_str()),
            ("testenv-second", on_second.as_str())
        ]
    );

    // A cluster that fails (no CRD) says so on its own line and fails the
    // exit code; the others are still done.
    let with_bare = format!("{merged}:{}", var("ECRCREDS_TEST_BARE_KUBECONFIG"));
    let r = run(bin(&key).env("KUBECONFIG", &with_bare).args([
        "refresh",
        "--all",
        "--all-contexts",
        "-l",
        &selector,
    ]));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr.trim(),
        "error: context testenv-bare: the ECRPullSecret CRD (ecrpullsecrets.alchemy.com) is not installed on this cluster; run `kubectl ecrcreds install`"
    );
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);

    // A namespace failing on one cluster makes the whole run partial.
    let partial = unique("ctx-partial");
    labelled(
        &second,
        &partial,
        &label,
        json!({"secretName": "ecr-ctx", "namespaces": [unique("ctx-missing")], "registries": [USE1], "serviceAccounts": []}),
    )
    .await;
    let r = plugin(&["refresh", "--all", "--context", "testenv,testenv-second"]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);

    // Other commands take one context.
    let r = run(bin(&key).env("KUBECONFIG", &merged).args([
        "describe",
        &on_main,
        "--context",
        "testenv,testenv-second",
    ]));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "error: several --context values are for list and refresh only; give this command one"
    );
}
