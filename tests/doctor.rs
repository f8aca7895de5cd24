//! `kubectl ecrcreds doctor` on the test node: each cause of a failed ECR
//! pull produced for real (a Pod the kubelet could not pull for), and the
//! one line doctor says about it. No controller runs: the plugin's `refresh`
//! writes the Secrets, as a user without the controller would.

mod common;

use std::time::Duration;

use common::*;
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{DeleteParams, Patch, PatchParams};
use kube::{Api, Client};
use kubectl_ecrcreds::crd::ECRPullSecret;
use serde_json::{Value, json};

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";
const PULL_WAIT: Duration = Duration::from_secs(90);

/// `doctor -n NS -o json`: exit code and findings.
fn doctor(key: &str, ns: &str) -> (i32, Vec<Value>) {
    let r = run(bin(key).args(["doctor", "-n", ns, "-o", "json"]));
    assert!(r.stderr.is_empty(), "doctor -n {ns}: {}", r.stderr);
    let findings: Vec<Value> = serde_json::from_str(&r.stdout).expect("doctor -o json");
    (r.code, findings)
}

/// The one finding for namespace `ns`, its cause checked; returns its message.
fn one_finding(key: &str, ns: &str, cause: &str) -> String {
    let (code, findings) = doctor(key, ns);
    assert_eq!(code, 3, "a problem was found: exit 3\n{findings:?}");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["namespace"], ns);
    assert_eq!(f["container"], "app");
    assert_eq!(f["cause"], cause, "{f:#}");
    f["message"].as_str().unwrap().to_string()
}

fn refresh(key: &str, name: &str) -> Run {
    run(bin(key).args(["refresh", name]))
}

/// Creates a Pod pulling `image` and waits until the kubelet fails the pull.
async fn failing_pod(client: &Client, ns: &str, image: &str) {
    create_pod(client, ns, "app", image, true).await;
    match pod_outcome(client, ns, "app", PULL_WAIT).await {
        PodOutcome::PullFailed(..) => {}
        PodOutcome::Running => panic!("the Pod in {ns} pulled {image}: nothing to diagnose"),
    }
}

/// After the fix: the Pod, created again, runs, and doctor finds nothing.
async fn fixed(client: &Client, key: &str, ns: &str, image: &str) {
    delete_pod(client, ns, "app").await;
    let pods = Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), ns);
    eventually(Duration::from_secs(30), || async {
        pods.get_opt("app").await.ok().flatten().is_none()
    })
    .await;
    create_pod(client, ns, "app", image, true).await;
    assert_eq!(
        pod_outcome(client, ns, "app", PULL_WAIT).await,
        PodOutcome::Running,
        "after the fix doctor gave"
    );
    let r = run(bin(key).args(["doctor", "-n", ns]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr.trim(),
        format!("no Pod in namespace {ns} is failing to pull an image from an ECR registry")
    );
}

fn run_ok(r: &Run) {
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[tokio::test]
async fn a_namespace_left_out_is_named_with_the_label_that_brings_it_in() {
    require_node();
    install_crd();
    let client = client().await;
    let key = access_key("docnt");
    let ns = unique("doc-nt");
    let team = unique("team");
    namespaces(&client, &[&ns], &[]).await;
    let name = unique("doc-nt");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-pull", "registries": [USE1],
               "namespaceSelector": {"matchLabels": {"doctor-team": team}}}),
    )
    .await;
    failing_pod(&client, &ns, &ecr_image(USE1)).await;

    let message = one_finding(&key, &ns, "NotTargeted");
    let fix = format!("kubectl label namespace {ns} doctor-team={team}");
    assert!(
        message.contains(&format!(
            "ECRPullSecret {name} would target it after: {fix}"
        )),
        "{message}"
    );
    // The table: a header and one line, cause and fix.
    let r = run(bin(&key).args(["doctor", "-n", &ns]));
    assert_eq!(r.code, 3);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].starts_with("POD"), "{}", r.stdout);
    assert!(
        lines[1].starts_with("app") && lines[1].contains("NotTargeted") && lines[1].contains(&fix)
    );
    // -A finds it too, with the namespace.
    let r = run(bin(&key).args(["doctor", "-A", "-o", "json"]));
    assert_eq!(r.code, 3);
    let all: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(all.iter().any(|f| f["namespace"] == ns.as_str()));

    // Following the advice works.
    Api::<Namespace>::all(client.clone())
        .patch(
            &ns,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"doctor-team": team}}})),
        )
        .await
        .unwrap();
    run_ok(&refresh(&key, &name));
    fixed(&client, &key, &ns, &ecr_image(USE1)).await;
}

#[tokio::test]
async fn a_deleted_secret_and_failing_credentials_are_told_apart() {
    require_node();
    install_crd();
    let client = client().await;
    let key = access_key("docsm");
    let [deleted, failing] = [unique("doc-del"), unique("doc-cred")];
    namespaces(&client, &[&deleted, &failing], &[]).await;

    // Written, then deleted by someone: the resource still says Ready.
    let ok = unique("doc-del");
    create_resource(
        &client,
        &ok,
        json!({"secretName": "ecr-pull", "namespaces": [deleted], "registries": [USE1]}),
    )
    .await;
    run_ok(&refresh(&key, &ok));
    Api::<Secret>::namespaced(client.clone(), &deleted)
        .delete("ecr-pull", &DeleteParams::default())
        .await
        .unwrap();
    failing_pod(&client, &deleted, &ecr_image(USE1)).await;
    let message = one_finding(&key, &deleted, "SecretMissing");
    assert!(
        message.starts_with(&format!(
            "Secret ecr-pull is missing in {deleted}: it was deleted, or not written since the namespace came in; run kubectl ecrcreds refresh {ok}"
        )),
        "{message}"
    );

    // Never written: the credentials Secret it names does not exist.
    let bad = unique("doc-cred");
    create_resource(
        &client,
        &bad,
        json!({"secretName": "ecr-pull", "namespaces": [failing], "registries": [USE1],
               "credentials": {"secretRef": {"name": "no-such-keys", "namespace": "default"}}}),
    )
    .await;
    assert_ne!(refresh(&key, &bad).code, 0);
    let reason = get_resource(&client, &bad)
        .await
        .status
        .unwrap()
        .conditions
        .into_iter()
        .find(|c| c.type_ == "Ready")
        .unwrap()
        .reason;
    failing_pod(&client, &failing, &ecr_image(USE1)).await;
    let message = one_finding(&key, &failing, "SecretMissing");
    assert!(
        message.contains(&format!("ECRPullSecret {bad} reports {reason}: ")),
        "{message}"
    );
    assert!(message.contains("no-such-keys"), "{message}");

    run_ok(&refresh(&key, &ok));
    fixed(&client, &key, &deleted, &ecr_image(USE1)).await;
}

#[tokio::test]
async fn a_registry_missing_from_the_secret_and_an_expired_token() {
    require_node();
    install_crd();
    let client = client().await;
    let key = access_key("docrx");
    let [lacking, expired] = [unique("doc-host"), unique("doc-exp")];
    namespaces(&client, &[&lacking, &expired], &[]).await;

    // us-east-1 added to the spec, but nothing refreshed since.
    let grown = unique("doc-host");
    create_resource(
        &client,
        &grown,
        json!({"secretName": "ecr-pull", "namespaces": [lacking], "registries": [EUW1]}),
    )
    .await;
    run_ok(&refresh(&key, &grown));
    Api::<ECRPullSecret>::all(client.clone())
        .patch(
            &grown,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"registries": [EUW1, USE1]}})),
        )
        .await
        .unwrap();
    failing_pod(&client, &lacking, &ecr_image(USE1)).await;
    let message = one_finding(&key, &lacking, "RegistryNotInSecret");
    assert!(
        message.starts_with(&format!(
            "Secret ecr-pull in {lacking} has no entry for {USE1} (it has {EUW1}); ECRPullSecret {grown} lists it but has not written it here since"
        )),
        "{message}"
    );

    // A 20-second token, and no controller to refresh it.
    let short = unique("doc-exp");
    let key_short = access_key("docexp");
    set_token_lifetime(&moto_url(), &key_short, 20.0);
    create_resource(
        &client,
        &short,
        json!({"secretName": "ecr-pull", "namespaces": [expired], "registries": [USE1]}),
    )
    .await;
    run_ok(&refresh(&key_short, &short));
    tokio::time::sleep(Duration::from_secs(21)).await;
    failing_pod(&client, &expired, &ecr_image(USE1)).await;
    let message = one_finding(&key, &expired, "TokenExpired");
    assert!(
        message.starts_with(&format!(
            "the token in Secret ecr-pull in {expired} expired at "
        )),
        "{message}"
    );
    assert!(
        message.contains("nothing is refreshing it")
            && message.contains(&format!("so no controller handles {short}")),
        "{message}"
    );
    assert!(
        message.contains(&format!("kubectl ecrcreds refresh {short}")),
        "{message}"
    );

    run_ok(&refresh(&key, &grown));
    fixed(&client, &key, &lacking, &ecr_image(USE1)).await;
}

#[tokio::test]
async fn a_pod_older_than_its_service_accounts_entry_and_a_denied_repository() {
    require_node();
    install_crd();
    let client = client().await;
    let key = access_key("docpod");
    let [early, denied] = [unique("doc-early"), unique("doc-deny")];
    namespaces(&client, &[&early, &denied], &[]).await;

    // The Pod comes first; the Secret and the ServiceAccount entry after.
    let late = unique("doc-early");
    create_resource(
        &client,
        &late,
        json!({"secretName": "ecr-pull", "namespaces": [early], "registries": [USE1]}),
    )
    .await;
    failing_pod(&client, &early, &ecr_image(USE1)).await;
    run_ok(&refresh(&key, &late));
    let message = one_finding(&key, &early, "PodLacksReference");
    assert!(
        message.starts_with(
            "the Pod was created before ServiceAccount default got its entry for Secret ecr-pull"
        ),
        "{message}"
    );
    assert!(
        message.ends_with("delete the Pod and create it again"),
        "{message}"
    );

    // Everything in place, but the registry refuses that repository.
    let restricted = format!("{USE1}/team/restricted:1");
    let admin = var("ECRCREDS_TEST_REGISTRY_ADMIN");
    let (code, _) = http_post(
        &admin,
        "/deny",
        &json!({"host": USE1, "repository": "team/restricted"}),
    )
    .unwrap();
    assert_eq!(code, 200);
    let allowed = unique("doc-deny");
    create_resource(
        &client,
        &allowed,
        json!({"secretName": "ecr-pull", "namespaces": [denied], "registries": [USE1]}),
    )
    .await;
    run_ok(&refresh(&key, &allowed));
    failing_pod(&client, &denied, &restricted).await;
    let message = one_finding(&key, &denied, "RegistryRejected");
    assert!(
        message.starts_with(&format!(
            "{USE1} refused the live token in Secret ecr-pull for repository team/restricted: "
        )),
        "{message}"
    );
    assert!(message.contains("ecr:BatchGetImage"), "{message}");

    fixed(&client, &key, &early, &ecr_image(USE1)).await;
}

#[tokio::test]
async fn doctor_needs_a_pod_that_exists_and_says_when_all_is_well() {
    install_crd();
    let key = access_key("docbad");
    let ns = unique("doc-none");
    let client = client().await;
    namespaces(&client, &[&ns], &[]).await;
    let r = run(bin(&key).args(["doctor", "nope", "-n", &ns]));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "error: Pod nope not found in namespace {ns}; list them with kubectl get pods -n {ns}"
        )
    );
    let r = run(bin(&key).args(["doctor", "-n", &ns, "-o", "json"]));
    assert_eq!((r.code, r.stdout.trim()), (0, "[]"));
    let r = run(bin(&key).args(["doctor", "nope", "-A"]));
    assert_eq!(r.code, 2, "a Pod name with -A is a usage error");
}
