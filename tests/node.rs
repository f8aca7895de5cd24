//! The product's purpose, on the test node: Pods pull their images from the
//! "ECR" test registry through the Secret we write, now and after the token
//! rotates, and fail to pull without it. The registry accepts only tokens the
//! test ECR issued for its region and that have not expired.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kube::Client;
use serde_json::json;

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";

async fn status(client: &Client, name: &str) -> kubectl_ecrcreds::crd::ECRPullSecretStatus {
    get_resource(client, name).await.status.unwrap_or_default()
}

async fn is_ready(client: &Client, name: &str) -> bool {
    status(client, name)
        .await
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

async fn password(client: &Client, ns: &str, secret_name: &str, host: &str) -> String {
    auths(&secret(client, ns, secret_name).await.expect("Secret"))[host]
        .1
        .clone()
}

/// Requests the registry accepted with the token `serial`.
fn pulls_with(serial: u64) -> usize {
    registry_requests()
        .iter()
        .filter(|r| r.status == 200 && r.serial == Some(serial))
        .count()
}

fn assert_auth_failure(outcome: &PodOutcome) {
    match outcome {
        PodOutcome::PullFailed(_, message) => assert!(
            message.contains("401")
                || message.contains("authorization failed")
                || message.contains("Unauthorized"),
            "the pull failed for another reason than authentication: {message}"
        ),
        PodOutcome::Running => panic!("the Pod pulled its image without our Secret"),
    }
}

#[tokio::test]
async fn pods_in_target_namespaces_pull_from_both_regions_and_others_get_401() {
    require_node();
    install_crd();
    let client = client().await;
    let id = unique("node-pull");
    let [target, other] = [unique("node-in"), unique("node-out")];
    namespaces(&client, &[&target, &other], &[]).await;
    let key = access_key("nodepull");
    let _ctl = ControllerProc::start(&id, &key, &[], &[]);
    let name = unique("node-pull");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": [target], "registries": [USE1, EUW1]}),
    )
    .await;
    eventually(Duration::from_secs(30), || is_ready(&client, &name)).await;

    for (pod, host) in [("east", USE1), ("west", EUW1)] {
        let start = Instant::now();
        create_pod(&client, &target, pod, &ecr_image(host), false).await;
        let outcome = pod_outcome(&client, &target, pod, Duration::from_secs(60)).await;
        assert_eq!(outcome, PodOutcome::Running, "{host}");
        eprintln!("{host}: Pod create to Running in {:?}", start.elapsed());
        // The registry took the token the Secret holds for that region.
        let token = issued(
            &moto_url(),
            &password(&client, &target, "ecr-pull", host).await,
            "",
        );
        assert_eq!(token.access_key_id, key);
        assert!(
            pulls_with(token.serial) > 0,
            "{host}: no pull with token {}",
            token.serial
        );
    }

    // The same Pod where the resource does not reach: no credentials, 401.
    create_pod(&client, &other, "east", &ecr_image(USE1), false).await;
    let outcome = pod_outcome(&client, &other, "east", Duration::from_secs(60)).await;
    assert_auth_failure(&outcome);
    for ns in [&target, &other] {
        for pod in ["east", "west"] {
            delete_pod(&client, ns, pod).await;
        }
    }
}

#[tokio::test]
async fn the_controller_rotates_before_expiry_and_pods_pull_after_the_first_token_expired() {
    require_node();
    install_crd();
    let client = client().await;
    let id = unique("node-rot");
    let ns = unique("node-rot");
    namespaces(&client, &[&ns], &[]).await;
    // Tokens for this test's key live 2 minutes; the interval is an hour, so
    // only the expiry can bring the next refresh forward.
    let key = access_key("noderot");
    set_token_lifetime(&moto_url(), &key, 120.0);
    let _ctl = ControllerProc::start(&id, &key, &[], &[]);
    let name = unique("node-rot");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-rot", "namespaces": [ns], "registries": [USE1], "refreshInterval": "1h"}),
    )
    .await;
    eventually(Duration::from_secs(30), || is_ready(&client, &name)).await;
    let first = status(&client, &name).await;
    let first_expiry = first.expires_at.clone().unwrap().0;
    let first_password = password(&client, &ns, "ecr-rot", USE1).await;
    let first_token = issued(&moto_url(), &first_password, "us-east-1");
    assert!(first_token.live, "{first_token:?}");

    // Scheduled from the expiry, before it, and not from the hour.
    let next = first.next_refresh_time.clone().unwrap().0;
    assert!(
        next < first_expiry,
        "next refresh {next} is not before the token expires at {first_expiry}"
    );

    // The controller refreshes on its own, before the first token expires.
    let start = Instant::now();
    eventually(Duration::from_secs(150), || async {
        password(&client, &ns, "ecr-rot", USE1).await != first_password
    })
    .await;
    let rotated_at = jiff::Timestamp::now();
    assert!(
        rotated_at < first_expiry,
        "rotated at {rotated_at}, after the token expired at {first_expiry}"
    );
    eprintln!("rotated {:?} after the first pass", start.elapsed());
    // The pass writes the Secrets first and its status after them, so the
    // new expiry shows up a moment after the new password does.
    eventually(Duration::from_secs(30), || async {
        status(&client, &name)
            .await
            .expires_at
            .is_some_and(|t| t.0 > first_expiry)
    })
    .await;
    let second_password = password(&client, &ns, "ecr-rot", USE1).await;
    let second_token = issued(&moto_url(), &second_password, "us-east-1");
    assert!(second_token.live, "{second_token:?}");

    // Once the first token has expired, a new Pod (always pulling) still pulls.
    while jiff::Timestamp::now() <= first_expiry + jiff::SignedDuration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(!issued(&moto_url(), &first_password, "us-east-1").live);
    // The controller may have rotated again meanwhile: any token but the
    // first one will do, as long as the registry took a live one.
    let current = issued(
        &moto_url(),
        &password(&client, &ns, "ecr-rot", USE1).await,
        "",
    );
    let before = pulls_with(current.serial);
    create_pod(&client, &ns, "late", &ecr_image(USE1), true).await;
    assert_eq!(
        pod_outcome(&client, &ns, "late", Duration::from_secs(60)).await,
        PodOutcome::Running
    );
    assert!(
        pulls_with(current.serial) > before,
        "the pull used token {}",
        current.serial
    );
    delete_pod(&client, &ns, "late").await;
}

#[tokio::test]
async fn without_a_controller_an_expired_token_fails_the_pull_and_refresh_fixes_it() {
    require_node();
    install_crd();
    let client = client().await;
    let ns = unique("node-exp");
    namespaces(&client, &[&ns], &[]).await;
    let key = access_key("nodeexp");
    set_token_lifetime(&moto_url(), &key, 40.0);
    let name = unique("node-exp");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-exp", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    create_pod(&client, &ns, "first", &ecr_image(USE1), true).await;
    assert_eq!(
        pod_outcome(&client, &ns, "first", Duration::from_secs(60)).await,
        PodOutcome::Running
    );

    // Nothing refreshes it: once the token expires, a new pull is refused.
    let expiry = status(&client, &name).await.expires_at.unwrap().0;
    while jiff::Timestamp::now() <= expiry + jiff::SignedDuration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    create_pod(&client, &ns, "second", &ecr_image(USE1), true).await;
    assert_auth_failure(&pod_outcome(&client, &ns, "second", Duration::from_secs(60)).await);

    // A one-shot refresh writes a live token; the Pod, recreated, runs.
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    delete_pod(&client, &ns, "second").await;
    let api = kube::Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), &ns);
    eventually(Duration::from_secs(30), || async {
        api.get_opt("second").await.ok().flatten().is_none()
    })
    .await;
    let start = Instant::now();
    create_pod(&client, &ns, "second", &ecr_image(USE1), true).await;
    assert_eq!(
        pod_outcome(&client, &ns, "second", Duration::from_secs(60)).await,
        PodOutcome::Running
    );
    eprintln!(
        "after refresh: Pod create to Running in {:?}",
        start.elapsed()
    );
    for pod in ["first", "second"] {
        delete_pod(&client, &ns, pod).await;
    }
}
