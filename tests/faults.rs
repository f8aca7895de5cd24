//! Fault injection against the real components: the API server killed and
//! restarted mid-fan-out, ECR throttling, slow and reset connections, ECR down
//! for longer than a refresh interval, the leader killed mid-fan-out,
//! concurrent writers on a ServiceAccount, and a matrix of bad input.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures::{StreamExt, stream};
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::api::{DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use kubectl_ecrcreds::crd::ECRPullSecret;
use kubectl_ecrcreds::kube_api::service_accounts::{Entry, edit_pull_secret};
use serde_json::json;
use tokio::sync::RwLock;

const REG: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

/// Tests that stop the API server, or count its requests, run alone.
static EXCLUSIVE: RwLock<()> = RwLock::const_new(());

async fn ready(client: &Client, name: &str) -> Option<(String, String, String)> {
    let obj = Api::<ECRPullSecret>::all(client.clone())
        .get_opt(name)
        .await
        .ok()??;
    let c = obj
        .status?
        .conditions
        .into_iter()
        .find(|c| c.type_ == "Ready")?;
    Some((c.status, c.reason, c.message))
}

/// Creates `n` labelled namespaces, `concurrency` at a time.
async fn many_namespaces(
    client: &Client,
    prefix: &str,
    n: usize,
    label: (&str, &str),
) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}-{i}")).collect();
    let api: Api<Namespace> = Api::all(client.clone());
    stream::iter(names.clone())
        .map(|name| {
            let api = api.clone();
            async move {
                let ns = Namespace {
                    metadata: ObjectMeta {
                        name: Some(name),
                        labels: Some([(label.0.to_string(), label.1.to_string())].into()),
                        ..Default::default()
                    },
                    ..Default::default()
                };
                api.create(&PostParams::default(), &ns)
                    .await
                    .expect("create namespace");
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    names
}

async fn delete_namespaces(client: &Client, names: &[String]) {
    let api: Api<Namespace> = Api::all(client.clone());
    stream::iter(names.to_vec())
        .map(|n| {
            let api = api.clone();
            async move {
                let _ = api.delete(&n, &DeleteParams::default()).await;
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
}

/// Our Secrets for `resource`: how many, and how many are not a full payload.
async fn our_secrets(client: &Client, resource: &str) -> (usize, usize, Vec<Vec<u8>>) {
    let list = Api::<Secret>::all(client.clone())
        .list(&ListParams::default().labels(&format!("alchemy.com/ecrpullsecret={resource}")))
        .await
        .unwrap()
        .items;
    let payloads: Vec<Vec<u8>> = list
        .iter()
        .map(|s| {
            s.data
                .as_ref()
                .and_then(|d| d.get(".dockerconfigjson"))
                .map(|b| b.0.clone())
                .unwrap_or_default()
        })
        .collect();
    let blank = payloads
        .iter()
        .filter(|p| {
            serde_json::from_slice::<serde_json::Value>(p)
                .ok()
                .and_then(|v| v["auths"].as_object().map(|a| a.len()))
                != Some(1)
        })
        .count();
    (list.len(), blank, payloads)
}

async fn api_up(client: &Client) -> bool {
    client.apiserver_version().await.is_ok()
}

#[tokio::test]
async fn the_api_server_killed_mid_fanout_converges_with_no_secret_blank_or_lost() {
    let _only = EXCLUSIVE.write().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-api");
    let nss = many_namespaces(&client, &id, 1000, ("flt-api", &id)).await;
    let ctl = ControllerProc::start(&id, &access_key("fltapi"), &[], &[]);
    let name = unique("flt-api");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-api", "namespaceSelector": {"matchLabels": {"flt-api": id}},
               "registries": [REG], "serviceAccounts": []}),
    )
    .await;
    // Kill the API server once the fan-out is under way.
    eventually(Duration::from_secs(30), || async {
        our_secrets(&client, &name).await.0 >= 50
    })
    .await;
    service("stop", "kube-apiserver");
    let written_before = {
        tokio::time::sleep(Duration::from_secs(3)).await;
        service("start", "kube-apiserver");
        let start = Instant::now();
        while !api_up(&client).await {
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "API server did not come back"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        start
    };
    eventually(Duration::from_secs(120), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
            && our_secrets(&client, &name).await.0 == 1000
    })
    .await;
    eprintln!(
        "converged {:?} after the API server was back",
        written_before.elapsed()
    );
    let (count, blank, payloads) = our_secrets(&client, &name).await;
    assert_eq!((count, blank), (1000, 0), "every Secret whole");
    assert!(
        payloads.windows(2).all(|w| w[0] == w[1]),
        "every Secret holds the same payload"
    );
    ctl.assert_clean_logs();
    delete_namespaces(&client, &nss).await;
}

#[tokio::test]
async fn ecr_throttling_slow_and_reset_connections_back_off_keep_secrets_and_explain() {
    let _shared = EXCLUSIVE.read().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-ecr");
    let ns = unique("flt-ecr");
    namespaces(&client, &[&ns], &[]).await;
    let proxy = FaultProxy::start(&moto_url());
    let ctl = ControllerProc::start(
        &id,
        &access_key("fltecr"),
        &[],
        &[("AWS_ENDPOINT_URL", &proxy.url)],
    );
    let name = unique("flt-ecr");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-flt", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    eventually(Duration::from_secs(30), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
    })
    .await;
    let mut before = secret(&client, &ns, "ecr-flt").await.unwrap();

    for (mode, delay, reason, says) in [
        (
            "throttle",
            0.0,
            "Throttled",
            "ECR throttled the token request",
        ),
        ("reset", 0.0, "EcrUnreachable", "connection failed"),
        ("slow", 12.0, "EcrUnreachable", "timed out"),
    ] {
        proxy.set(mode, delay);
        let start = Instant::now();
        annotate_refresh(&client, &name, mode).await;
        eventually(Duration::from_secs(90), || async {
            ready(&client, &name)
                .await
                .is_some_and(|r| r.0 == "False" && r.1 == reason)
        })
        .await;
        let (_, _, message) = ready(&client, &name).await.unwrap();
        assert!(message.contains(says), "{mode}: {message}");
        assert!(
            proxy.hits() >= 2,
            "{mode}: the SDK retried ({} requests)",
            proxy.hits()
        );
        let during = secret(&client, &ns, "ecr-flt").await.unwrap();
        assert_eq!(during.data, before.data, "{mode}: Secret untouched");
        assert_eq!(during.resource_version(), before.resource_version());
        eprintln!(
            "{mode}: failed after {:?} and {} requests",
            start.elapsed(),
            proxy.hits()
        );

        proxy.set("pass", 0.0);
        let start = Instant::now();
        eventually(Duration::from_secs(90), || async {
            ready(&client, &name).await.is_some_and(|r| r.0 == "True")
        })
        .await;
        eprintln!(
            "{mode}: recovered {:?} after the fault cleared; writes lost: 0",
            start.elapsed()
        );
        // The refresh asked for went through once ECR answered again: a new
        // token, live, in the Secret.
        let after = secret(&client, &ns, "ecr-flt").await.unwrap();
        let password = &auths(&after)[REG].1;
        assert_ne!(
            password,
            &auths(&before)[REG].1,
            "{mode}: new token written"
        );
        assert!(issued(&moto_url(), password, "us-east-1").live, "{mode}");
        before = after;
    }
    assert!(ctl.metrics().contains("reason=\"Throttled\""));
    ctl.assert_clean_logs();
}

#[tokio::test]
async fn ecr_down_for_longer_than_the_refresh_interval_warns_and_recovers_without_restart() {
    let _shared = EXCLUSIVE.read().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-down");
    let ns = unique("flt-down");
    namespaces(&client, &[&ns], &[]).await;
    let port = free_port();
    let mut moto = PrivateMoto::start_on(port, &[]);
    let ctl = ControllerProc::start(
        &id,
        &access_key("fltdown"),
        &[],
        &[("AWS_ENDPOINT_URL", &moto.url)],
    );
    let name = unique("flt-down");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-down", "namespaces": [ns], "registries": [REG], "refreshInterval": "1m"}),
    )
    .await;
    eventually(Duration::from_secs(30), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
    })
    .await;
    let before = secret(&client, &ns, "ecr-down").await.unwrap();
    moto.stop();
    let down = Instant::now();
    // The scheduled refresh (about a minute in) fails and keeps failing.
    eventually(Duration::from_secs(90), || async {
        ready(&client, &name)
            .await
            .is_some_and(|r| r.0 == "False" && r.1 == "EcrUnreachable")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(75).saturating_sub(down.elapsed())).await;
    assert!(
        ctl.metrics()
            .contains("ecrcreds_reconcile_errors_total{reason=\"EcrUnreachable\"}")
    );
    let events = Api::<k8s_openapi::api::core::v1::Event>::all(client.clone())
        .list(&ListParams::default().fields(&format!("involvedObject.name={name}")))
        .await
        .unwrap()
        .items;
    assert!(
        events.iter().any(|e| e.type_.as_deref() == Some("Warning")),
        "a Warning Event"
    );
    let during = secret(&client, &ns, "ecr-down").await.unwrap();
    assert_eq!(
        (during.data.clone(), during.resource_version()),
        (before.data.clone(), before.resource_version())
    );

    let _moto = PrivateMoto::start_on(port, &[]);
    let back = Instant::now();
    eventually(Duration::from_secs(120), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
    })
    .await;
    eprintln!(
        "ECR down {:?}; recovered {:?} after it came back, no restart",
        back.duration_since(down),
        back.elapsed()
    );
    ctl.assert_clean_logs();
}

fn apply_requests(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("apiserver_request_total{")
                && l.contains("resource=\"secrets\"")
                && l.contains("verb=\"APPLY\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

async fn apiserver_metrics(client: &Client) -> String {
    let req = http::Request::get("/metrics").body(Vec::new()).unwrap();
    client.request_text(req).await.unwrap()
}

#[tokio::test]
async fn the_leader_killed_mid_fanout_leaves_the_rest_to_the_new_leader_and_never_two_writers() {
    let _only = EXCLUSIVE.write().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-lead");
    let nss = many_namespaces(&client, &id, 500, ("flt-lead", &id)).await;
    let lease = unique("flt-lease");
    let fa = lease_flags(&lease, "leader-a");
    let fb = lease_flags(&lease, "leader-b");
    let mut a = ControllerProc::start(
        &id,
        &access_key("fltlead"),
        &fa.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    eventually(Duration::from_secs(20), || async {
        a.metric("ecrcreds_leader") == 1.0
    })
    .await;
    let b = ControllerProc::start(
        &id,
        &access_key("fltlead"),
        &fb.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    let applies_before = apply_requests(&apiserver_metrics(&client).await);
    let name = unique("flt-lead");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-lead", "namespaceSelector": {"matchLabels": {"flt-lead": id}},
               "registries": [REG], "serviceAccounts": []}),
    )
    .await;
    eventually(Duration::from_secs(30), || async {
        our_secrets(&client, &name).await.0 >= 20
    })
    .await;
    a.kill();
    let killed_at = our_secrets(&client, &name).await.0;
    let start = Instant::now();
    eventually(Duration::from_secs(60), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
            && our_secrets(&client, &name).await.0 == 500
    })
    .await;
    eprintln!(
        "leader killed with {killed_at}/500 written; the new leader finished {:?} later",
        start.elapsed()
    );
    let (count, blank, _) = our_secrets(&client, &name).await;
    assert_eq!((count, blank), (500, 0));
    assert_eq!(b.metric("ecrcreds_leader"), 1.0);
    // The old leader applied what it wrote plus at most one batch in flight
    // when it died; the new leader, with a token of its own (the test ECR
    // issues a new one per call), applies each Secret once: never two leaders
    // writing the same Secrets side by side.
    let applies = apply_requests(&apiserver_metrics(&client).await) - applies_before;
    assert!(
        applies as usize <= killed_at + 32 + 500,
        "{applies} applies for 500 Secrets, {killed_at} written before the kill"
    );
    for s in Api::<Secret>::all(client.clone())
        .list(&ListParams::default().labels(&format!("alchemy.com/ecrpullsecret={name}")))
        .await
        .unwrap()
        .items
    {
        let managers: Vec<_> = s
            .managed_fields()
            .iter()
            .filter_map(|m| m.manager.clone())
            .collect();
        assert_eq!(managers, vec!["kubectl-ecrcreds"]);
    }
    b.assert_clean_logs();
    delete_namespaces(&client, &nss).await;
}

#[tokio::test]
async fn concurrent_writers_on_a_service_account_keep_every_entry() {
    let _shared = EXCLUSIVE.read().await;
    let client = client().await;
    let ns = unique("flt-sa");
    namespaces(&client, &[&ns], &[]).await;
    let api: Api<ServiceAccount> = Api::namespaced(client.clone(), &ns);
    let ours_done = std::sync::atomic::AtomicBool::new(false);
    // Two other well-behaved clients append their entries one by one, as fast
    // as they can, each reading and writing with the resourceVersion it read
    // and retrying on conflict, until ours are done (bounded: 90 s, 4000
    // writes each).
    let theirs = |who: &'static str| {
        let api = &api;
        let ours_done = &ours_done;
        async move {
            let deadline = Instant::now() + Duration::from_secs(90);
            let mut written = 0usize;
            while !ours_done.load(std::sync::atomic::Ordering::Relaxed)
                && written < 4000
                && Instant::now() < deadline
            {
                let sa = api.get("default").await.unwrap();
                let mut list = sa.image_pull_secrets.clone().unwrap_or_default();
                list.push(k8s_openapi::api::core::v1::LocalObjectReference {
                    name: format!("{who}-{written}"),
                });
                let patch = json!({"metadata": {"resourceVersion": sa.resource_version()}, "imagePullSecrets": list});
                match api
                    .patch("default", &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                {
                    Ok(_) => written += 1,
                    Err(kube::Error::Api(s)) if s.code == 409 => continue,
                    Err(e) => panic!("{e}"),
                }
            }
            written
        }
    };
    // Ours adds and removes its entry over and over at the same time.
    let ours = async {
        let mut writes = 0;
        for i in 0..26 {
            let sa = api.get("default").await.unwrap();
            let entry = if i % 2 == 0 {
                Entry::Add
            } else {
                Entry::Remove
            };
            let wrote = edit_pull_secret(&client, sa, "ecr-ours", entry)
                .await
                .unwrap();
            writes += usize::from(wrote);
        }
        let sa = api.get("default").await.unwrap();
        let wrote = edit_pull_secret(&client, sa, "ecr-ours", Entry::Add)
            .await
            .unwrap();
        ours_done.store(true, std::sync::atomic::Ordering::Relaxed);
        writes + usize::from(wrote)
    };
    let (a, b, ours) = tokio::join!(theirs("a"), theirs("b"), ours);
    eprintln!("contention: our writes {ours}, the co-writers' writes {a} + {b}");
    assert_eq!(ours, 27, "each of our 27 edits changed the list once");
    let names: Vec<String> = api
        .get("default")
        .await
        .unwrap()
        .image_pull_secrets
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    for (who, n) in [("a", a), ("b", b)] {
        for i in 0..n {
            assert!(
                names.contains(&format!("{who}-{i}")),
                "{who}-{i} lost: {names:?}"
            );
        }
    }
    assert_eq!(
        names.iter().filter(|n| *n == "ecr-ours").count(),
        1,
        "{names:?}"
    );
    assert_eq!(names.len(), a + b + 1, "{names:?}");
}

#[tokio::test]
async fn a_matrix_of_bad_input_gets_clear_errors_and_loses_nothing() {
    let _shared = EXCLUSIVE.read().await;
    install_crd();
    let client = client().await;
    let ns = unique("flt-bad");
    namespaces(&client, &[&ns], &[]).await;
    // A working resource whose Secret must survive every bad input below.
    let good = unique("flt-good");
    create_resource(
        &client,
        &good,
        json!({"secretName": "ecr-good", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    assert_eq!(
        run(bin(&access_key("fltbad")).args(["refresh", &good])).code,
        0
    );
    let keep = secret(&client, &ns, "ecr-good").await.unwrap();

    // Resources that pass the schema but cannot work.
    string_secret(
        &client,
        &ns,
        "half",
        &[
            ("AWS_ACCESS_KEY_ID", " "),
            ("AWS_SECRET_ACCESS_KEY", "bad-secret-key"),
        ],
    )
    .await;
    let r_missing = unique("flt-r1");
    create_resource(&client, &r_missing, json!({"secretName": "ecr-good", "namespaces": [ns], "registries": [REG], "credentials": {"secretRef": {"name": "nope", "namespace": ns}}})).await;
    let r_blank = unique("flt-r2");
    create_resource(&client, &r_blank, json!({"secretName": "ecr-good", "namespaces": [ns], "registries": [REG], "credentials": {"secretRef": {"name": "half", "namespace": ns}}})).await;
    let r_selector = unique("flt-r3");
    create_resource(&client, &r_selector, json!({"secretName": "ecr-good", "registries": [REG], "namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Near"}]}})).await;
    let r_noreg = unique("flt-r4");
    create_resource(
        &client,
        &r_noreg,
        json!({"secretName": "ecr-good", "namespaces": [ns]}),
    )
    .await;

    let kubeconfig_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir_arg = kubeconfig_dir.to_str().unwrap().to_string();
    let dead_endpoint = format!("http://127.0.0.1:{}", free_port());
    let cases: Vec<Case> = vec![
        (
            v(&[
                "create",
                "Bad_Name",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "-y",
            ]),
            vec![],
            1,
            "invalid name \"Bad_Name\"",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "UPPER",
                "--namespaces",
                "a",
                "-y",
            ]),
            vec![],
            1,
            "invalid --secret-name",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a b",
                "-y",
            ]),
            vec![],
            1,
            "invalid namespace name",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--registries",
                "docker.io",
                "-y",
            ]),
            vec![],
            1,
            "malformed registry host",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--registries",
                "1234.dkr.ecr.us-east-1.amazonaws.com",
                "-y",
            ]),
            vec![],
            1,
            "12-digit account",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--refresh-interval",
                "30s",
                "-y",
            ]),
            vec![],
            1,
            "between 1m and 11h",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--refresh-interval",
                "12h",
                "-y",
            ]),
            vec![],
            1,
            "between 1m and 11h",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--refresh-interval",
                "soon",
                "-y",
            ]),
            vec![],
            1,
            "invalid duration",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--secret-ref",
                "justname",
                "-y",
            ]),
            vec![],
            1,
            "use NAMESPACE/NAME",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespace-selector",
                ",",
                "-y",
            ]),
            vec![],
            1,
            "invalid --namespace-selector",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "-l",
                "nolabel",
                "-y",
            ]),
            vec![],
            1,
            "use key=value",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--deletion-policy",
                "Orphan",
            ]),
            vec![],
            2,
            "invalid value 'Orphan'",
        ),
        (
            v(&[
                "create",
                "x",
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "--external-id",
                "e",
            ]),
            vec![],
            2,
            "--role-arn",
        ),
        (
            v(&[
                "create",
                &good,
                "--secret-name",
                "s",
                "--namespaces",
                "a",
                "-y",
            ]),
            vec![],
            1,
            "already exists",
        ),
        (v(&["refresh", "does-not-exist"]), vec![], 1, "not found"),
        (v(&["refresh"]), vec![], 2, "required"),
        (v(&["list", "-o", "xml"]), vec![], 2, "invalid value 'xml'"),
        (
            v(&["--kubeconfig", "/nonexistent/kubeconfig", "list"]),
            vec![],
            1,
            "cannot read kubeconfig",
        ),
        (
            v(&["--kubeconfig", &dir_arg, "list"]),
            vec![],
            1,
            "cannot read kubeconfig",
        ),
        (v(&["--context", "nope", "list"]), vec![], 1, "get-contexts"),
        (
            v(&["--registry", "not-a-registry", "refresh", &good]),
            vec![],
            1,
            "malformed registry host",
        ),
        (
            v(&["--registry", "123456789012", "refresh", &good]),
            vec![("AWS_REGION", None)],
            1,
            "needs a region",
        ),
        (
            v(&["--region", "us east 1!", "refresh", &good]),
            vec![],
            1,
            "invalid --region \"us east 1!\"",
        ),
        (
            v(&["refresh", &good]),
            vec![("AWS_REGION", Some("Mars"))],
            1,
            "use an AWS region such as us-east-1",
        ),
        (
            v(&["controller", "--token-reuse", "2m"]),
            vec![],
            1,
            "shorter than 1m",
        ),
        (
            v(&["controller", "--lease-duration", "1s"]),
            vec![],
            1,
            "at least 2s",
        ),
        (
            v(&["controller", "--resync", "0s"]),
            vec![],
            1,
            "--resync must be at least 1s",
        ),
        (
            v(&["controller", "--secret-access", "none"]),
            vec![],
            2,
            "possible values: named, read",
        ),
        (
            v(&["controller", "--metrics-addr", "nonsense"]),
            vec![],
            2,
            "invalid value 'nonsense'",
        ),
        (
            v(&["refresh", &r_missing]),
            vec![],
            1,
            "not found; create it with keys",
        ),
        (
            v(&["refresh", &r_blank]),
            vec![],
            1,
            "has an empty AWS_ACCESS_KEY_ID; put the value in it",
        ),
        (
            v(&["refresh", &r_selector]),
            vec![],
            1,
            "unknown operator \"Near\"",
        ),
        (v(&["refresh", &r_noreg]), vec![], 1, "no registry to write"),
        (
            v(&["refresh", &good]),
            vec![("AWS_ACCESS_KEY_ID", None), ("AWS_SECRET_ACCESS_KEY", None)],
            1,
            "no AWS credentials found",
        ),
        (
            v(&["refresh", &good]),
            vec![("AWS_ENDPOINT_URL", Some(dead_endpoint.as_str()))],
            1,
            "could not reach ECR",
        ),
        (
            v(&["install", "--wait", "abc"]),
            vec![],
            2,
            "invalid value 'abc'",
        ),
    ];
    assert!(cases.len() >= 25);
    for (args, env, code, text) in &cases {
        let mut cmd = bin(&access_key("fltbad"));
        cmd.args(args);
        for (k, val) in env {
            match val {
                Some(val) => cmd.env(k, val),
                None => cmd.env_remove(k),
            };
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, *code, "{args:?}: stderr:\n{}", r.stderr);
        let first = r
            .stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or_default();
        assert!(
            r.stderr.contains(text),
            "{args:?}: expected {text:?} in:\n{}",
            r.stderr
        );
        if *code == 1 {
            assert_eq!(
                r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
                1,
                "{args:?}: one sentence: {first}"
            );
        }
        let now = secret(&client, &ns, "ecr-good").await.unwrap();
        assert_eq!(
            (now.data.clone(), now.resource_version()),
            (keep.data.clone(), keep.resource_version()),
            "{args:?} changed the Secret"
        );
    }
    eprintln!(
        "{} bad inputs, each refused in one sentence; nothing lost",
        cases.len()
    );
}

/// Arguments, environment changes (None removes), exit code, expected text.
type Case<'a> = (Vec<String>, Vec<(&'a str, Option<&'a str>)>, i32, &'a str);

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_leader_cut_off_from_the_api_server_stops_writing_before_its_lease_runs_out() {
    let _shared = EXCLUSIVE.read().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-brown");
    let nss = many_namespaces(&client, &id, 300, ("flt-brown", &id)).await;
    let lease = unique("flt-brown");
    let lease_secs = 6;
    let flags = |who: &str| -> Vec<String> {
        let mut f = lease_flags(&lease, who);
        let i = f.iter().position(|a| a == "--lease-duration").unwrap();
        f[i + 1] = format!("{lease_secs}s");
        f
    };
    // The leader reaches the API server through a proxy that can cut it off,
    // as the audited admin, so its writes can be told apart in the audit log.
    let proxy = TcpProxy::to_api_server();
    let kubeconfig = proxy.kubeconfig(&var("ECRCREDS_TEST_AUDITED_KUBECONFIG"));
    let fa = flags("brown-a");
    let a = ControllerProc::start(
        &id,
        &access_key("fltbrown"),
        &fa.iter().map(String::as_str).collect::<Vec<_>>(),
        &[("KUBECONFIG", kubeconfig.to_str().unwrap())],
    );
    eventually(Duration::from_secs(20), || async {
        a.metric("ecrcreds_leader") == 1.0
    })
    .await;
    let fb = flags("brown-b");
    let b = ControllerProc::start(
        &id,
        &access_key("fltbrown"),
        &fb.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    let name = unique("flt-brown");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-brown", "namespaceSelector": {"matchLabels": {"flt-brown": id}},
               "registries": [REG]}),
    )
    .await;
    // Cut the leader off in the middle of its fan-out, for longer than the
    // Lease, while the standby talks to the API server directly.
    eventually(Duration::from_secs(30), || async {
        our_secrets(&client, &name).await.0 >= 20
    })
    .await;
    proxy.set("stall");
    let cut = Instant::now();
    eventually(Duration::from_secs(30), || async {
        holder(&client, &lease).await.as_deref() == Some("brown-b")
    })
    .await;
    eprintln!(
        "brownout: the standby took over {:?} after the cut",
        cut.elapsed()
    );
    while cut.elapsed() < Duration::from_secs(2 * lease_secs + 2) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The partition heals; the old leader may write again if it still
    // believes it leads. Watch for 10 s.
    proxy.set("pass");
    eventually(Duration::from_secs(60), || async {
        ready(&client, &name).await.is_some_and(|r| r.0 == "True")
            && our_secrets(&client, &name).await.0 == nss.len()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        a.metric("ecrcreds_leader"),
        0.0,
        "the old leader still says it leads"
    );
    assert_eq!(b.metric("ecrcreds_leader"), 1.0);

    // When the old leader's Lease ran out: its last renewal, plus the Lease.
    let writes = audited_writes();
    let renewals: Vec<_> = writes
        .iter()
        .filter(|w| w.resource == "leases" && w.name == lease && w.code < 300)
        .collect();
    let last_renewal = renewals
        .iter()
        .map(|w| w.received)
        .max()
        .expect("the leader renewed");
    let ran_out = last_renewal + jiff::SignedDuration::from_secs(lease_secs as i64);
    let late: Vec<_> = writes
        .iter()
        .filter(|w| w.received > ran_out && w.resource != "leases")
        .collect();
    let last_write = writes
        .iter()
        .filter(|w| w.resource != "leases")
        .map(|w| w.received)
        .max();
    eprintln!(
        "brownout: old leader's last renewal {last_renewal}, lease ran out {ran_out}, its last write {last_write:?}; {} writes after",
        late.len()
    );
    assert!(
        late.is_empty(),
        "the old leader made {} writes after its Lease ran out, the first: {:?}",
        late.len(),
        late.iter().take(3).collect::<Vec<_>>()
    );
    let (count, blank, _) = our_secrets(&client, &name).await;
    assert_eq!((count, blank), (nss.len(), 0));
    a.assert_clean_logs();
    b.assert_clean_logs();
}

async fn holder(client: &Client, lease: &str) -> Option<String> {
    Api::<k8s_openapi::api::coordination::v1::Lease>::namespaced(client.clone(), "default")
        .get_opt(lease)
        .await
        .ok()
        .flatten()
        .and_then(|l| l.spec)
        .and_then(|s| s.holder_identity)
        .filter(|h| !h.is_empty())
}

#[tokio::test]
async fn one_malformed_resource_gets_its_own_error_and_the_others_carry_on() {
    // Loosens the CRD for a moment: nothing else may run meanwhile.
    let _only = EXCLUSIVE.write().await;
    install_crd();
    let client = client().await;
    let id = unique("flt-malformed");
    let ns = unique("flt-malformed");
    namespaces(&client, &[&ns], &[]).await;
    // A resource written under a looser schema (or with validation off):
    // `namespaces` is a string, not a list. The CRD is put back right after.
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    let crds = Api::<CustomResourceDefinition>::all(client.clone());
    let mut loose = crds.get("ecrpullsecrets.alchemy.com").await.unwrap();
    loose.metadata.managed_fields = None;
    let schema = loose.spec.versions[0].schema.as_mut().unwrap();
    let props = schema
        .open_api_v3_schema
        .as_mut()
        .unwrap()
        .properties
        .as_mut()
        .unwrap();
    props.insert(
        "spec".into(),
        serde_json::from_value(
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        )
        .unwrap(),
    );
    crds.replace("ecrpullsecrets.alchemy.com", &PostParams::default(), &loose)
        .await
        .unwrap();
    let bad = unique("flt-malformed-bad");
    let dynamic = kube::api::ApiResource::erase::<ECRPullSecret>(&());
    let raw: Api<kube::api::DynamicObject> = Api::all_with(client.clone(), &dynamic);
    let obj: kube::api::DynamicObject = serde_json::from_value(json!({
        "apiVersion": "alchemy.com/v1alpha1",
        "kind": "ECRPullSecret",
        "metadata": {"name": bad, "labels": {"ecrcreds-test": id}},
        "spec": {"secretName": "ecr-bad", "namespaces": ns},
    }))
    .unwrap();
    // The API server takes a moment to serve a changed CRD schema.
    let start = Instant::now();
    let created = loop {
        match raw.create(&PostParams::default(), &obj).await {
            Ok(o) => break Ok(o),
            Err(e) if start.elapsed() > Duration::from_secs(30) => break Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let restored = run(bin("AKIARESTORE").arg("install"));
    created.expect("the loose schema took the malformed resource");
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    // And the strict schema is back before anything else runs.
    let probe: kube::api::DynamicObject = serde_json::from_value(json!({
        "apiVersion": "alchemy.com/v1alpha1", "kind": "ECRPullSecret",
        "metadata": {"name": unique("flt-malformed-probe")},
        "spec": {"secretName": "x", "namespaces": "not-a-list"},
    }))
    .unwrap();
    eventually(Duration::from_secs(30), || async {
        raw.create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            &probe,
        )
        .await
        .is_err()
    })
    .await;

    let key = access_key("fltmalformed");
    let ctl = ControllerProc::start(&id, &key, &[], &[]);
    let good = unique("flt-malformed-good");
    create_for(
        &client,
        &id,
        &good,
        json!({"secretName": "ecr-good", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    eventually(Duration::from_secs(30), || async {
        ready(&client, &good).await.is_some_and(|r| r.0 == "True")
    })
    .await;
    assert!(secret(&client, &ns, "ecr-good").await.is_some());
    // The malformed one: its own warning, naming it, and an Event.
    eventually(Duration::from_secs(30), || async {
        ctl.logs().contains(&format!(
            "ECRPullSecret {bad} does not match the resource's schema"
        ))
    })
    .await;
    eventually(Duration::from_secs(30), || async {
        Api::<k8s_openapi::api::core::v1::Event>::all(client.clone())
            .list(&ListParams::default().fields(&format!("involvedObject.name={bad}")))
            .await
            .unwrap()
            .items
            .iter()
            .any(|e| e.reason.as_deref() == Some("InvalidResource"))
    })
    .await;
    assert!(secret(&client, &ns, "ecr-bad").await.is_none());
    raw.delete(&bad, &DeleteParams::default()).await.unwrap();
    ctl.assert_clean_logs();
}
