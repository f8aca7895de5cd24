//! `kubectl ecrcreds refresh` against the real API server and moto.

mod common;

use common::*;
use k8s_openapi::api::core::v1::{LocalObjectReference, Secret, ServiceAccount};
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, ResourceExt};
use serde_json::json;

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const USE1_B: &str = "777788889999.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";

fn resource_versions(secrets: &[Option<Secret>]) -> Vec<String> {
    secrets
        .iter()
        .map(|s| s.as_ref().unwrap().resource_version().unwrap())
        .collect()
}

#[tokio::test]
async fn refresh_writes_one_secret_per_namespace_with_one_token_call_per_region() {
    install_crd();
    let client = client().await;
    let name = unique("fanout");
    let nss = [unique("fan-a"), unique("fan-b"), unique("fan-c")];
    let ns_refs: Vec<&str> = nss.iter().map(String::as_str).collect();
    namespaces(&client, &ns_refs, &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": nss, "registries": [USE1, USE1_B, EUW1]}),
    )
    .await;

    let key = access_key("fanout");
    let r = run(bin(&key).args(["refresh", &name, "-o", "json"]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report[0]["namespaces"].as_array().unwrap().len(), 3);

    for ns in &nss {
        let s = secret(&client, ns, "ecr-pull")
            .await
            .expect("secret written");
        assert_eq!(s.type_.as_deref(), Some("kubernetes.io/dockerconfigjson"));
        let labels = s.labels();
        assert_eq!(labels["app.kubernetes.io/managed-by"], "kubectl-ecrcreds");
        assert_eq!(labels["alchemy.com/ecrpullsecret"], name);
        let auths = auths(&s);
        assert_eq!(auths.len(), 3);
        for (host, region) in [
            (USE1, "us-east-1"),
            (USE1_B, "us-east-1"),
            (EUW1, "eu-west-1"),
        ] {
            let (user, password, decoded) = &auths[host];
            assert_eq!(user, "AWS");
            let token = issued(&moto_url(), password, region);
            assert!(token.live, "{host}: {token:?}");
            assert_eq!(token.access_key_id, key);
            assert_eq!(decoded, &format!("AWS:{password}"));
        }
        // One token per region, shared by every namespace.
        assert_eq!(auths[USE1].1, auths[USE1_B].1);
        assert_ne!(auths[USE1].1, auths[EUW1].1);
        assert!(s.annotations().contains_key("alchemy.com/token-expires-at"));
    }
    // Three registries in two regions: two token calls, as moto saw them.
    let calls = token_calls(&moto_url(), &key);
    let mut regions: Vec<_> = calls.iter().map(|c| c.region.as_str()).collect();
    regions.sort();
    assert_eq!(regions, vec!["eu-west-1", "us-east-1"], "calls: {calls:?}");

    // Status tells the same story.
    let obj = get_resource(&client, &name).await;
    let status = obj.status.expect("status written");
    let ready = &status.conditions[0];
    assert_eq!(
        (ready.type_.as_str(), ready.status.as_str()),
        ("Ready", "True")
    );
    assert_eq!(status.namespaces.as_ref().unwrap().ready, 3);
    assert!(status.last_refresh_time.is_some() && status.next_refresh_time.is_some());
    // A real expiry, 12 hours ahead as ECR gives it, trusted for the schedule.
    let expires = status.expires_at.unwrap().0;
    let left = expires.duration_since(jiff::Timestamp::now()).as_secs();
    assert!(
        (11 * 3600..=12 * 3600).contains(&left),
        "expires in {left}s"
    );
    assert!(!ready.message.contains("clock skew"), "{}", ready.message);
}

#[tokio::test]
async fn a_token_expiry_already_past_falls_back_to_the_interval_and_says_so() {
    install_crd();
    let client = client().await;
    let name = unique("skew");
    let ns = unique("skew-ns");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": [ns], "registries": [USE1], "refreshInterval": "2h"}),
    )
    .await;
    // As a laptop whose clock runs a day fast would see it.
    let key = access_key("skew");
    set_token_lifetime(&moto_url(), &key, -86400.0);
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let status = get_resource(&client, &name).await.status.unwrap();
    let ready = &status.conditions[0];
    assert_eq!(ready.status, "True");
    assert!(ready.message.contains("clock skew"), "{}", ready.message);
    let wait = status
        .next_refresh_time
        .unwrap()
        .0
        .duration_since(status.last_refresh_time.unwrap().0);
    assert!(
        (7200..=7200 + 400).contains(&wait.as_secs()),
        "the 2h interval (plus jitter) sets the next refresh: {wait:?}"
    );
}

#[tokio::test]
async fn service_account_keeps_foreign_pull_secrets_and_a_second_refresh_rewrites_only_the_token() {
    install_crd();
    let client = client().await;
    let name = unique("sa");
    let ns = unique("sa-ns");
    namespaces(&client, &[&ns], &[]).await;
    let sa_api: Api<ServiceAccount> = Api::namespaced(client.clone(), &ns);
    sa_api
        .patch(
            "default",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"imagePullSecrets": [{"name": "theirs-1"}, {"name": "theirs-2"}]}),
            ),
        )
        .await
        .unwrap();
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-sa", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;

    let key = access_key("sa");
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.contains("created"), "{}", r.stdout);

    let sa = sa_api.get("default").await.unwrap();
    let names: Vec<_> = sa
        .image_pull_secrets
        .clone()
        .unwrap()
        .into_iter()
        .map(|r: LocalObjectReference| r.name)
        .collect();
    assert_eq!(names, vec!["theirs-1", "theirs-2", "ecr-sa"]);
    let sa_rv = sa.resource_version();
    let secret_rv = resource_versions(&[secret(&client, &ns, "ecr-sa").await]);

    // A second refresh gets a new token from ECR: the Secret is updated with
    // it, and the ServiceAccount, which has our entry already, is not written.
    let before = secret(&client, &ns, "ecr-sa").await.unwrap();
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(r.stdout.contains("updated"), "{}", r.stdout);
    assert_eq!(
        sa_api.get("default").await.unwrap().resource_version(),
        sa_rv
    );
    let after = secret(&client, &ns, "ecr-sa").await;
    assert_ne!(resource_versions(std::slice::from_ref(&after)), secret_rv);
    let after = after.unwrap();
    assert_ne!(auths(&after)[USE1].1, auths(&before)[USE1].1);
    assert!(issued(&moto_url(), &auths(&after)[USE1].1, "us-east-1").live);
    assert_eq!(after.labels(), before.labels());
}

#[tokio::test]
async fn credentials_from_a_secret_ref_reach_ecr() {
    install_crd();
    let client = client().await;
    let name = unique("ref");
    let ns = unique("ref-ns");
    let creds_ns = unique("ref-creds");
    namespaces(&client, &[&ns, &creds_ns], &[]).await;
    let ref_key = access_key("secretref");
    string_secret(
        &client,
        &creds_ns,
        "aws-creds",
        &[
            ("AWS_ACCESS_KEY_ID", &ref_key),
            ("AWS_SECRET_ACCESS_KEY", "ref-secret-key-do-not-print"),
        ],
    )
    .await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-ref", "namespaces": [ns], "registries": [USE1],
               "credentials": {"secretRef": {"name": "aws-creds", "namespace": creds_ns}}}),
    )
    .await;

    let runner_key = access_key("runner");
    let r = run(bin(&runner_key).args(["refresh", &name, "-v"]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert_eq!(
        token_calls(&moto_url(), &ref_key).len(),
        1,
        "the Secret's key was used"
    );
    assert_eq!(
        token_calls(&moto_url(), &runner_key).len(),
        0,
        "the runner's key was not"
    );
    assert!(secret(&client, &ns, "ecr-ref").await.is_some());
}

#[tokio::test]
async fn role_arn_is_assumed_through_sts_before_asking_ecr() {
    install_crd();
    let client = client().await;
    let name = unique("role");
    let ns = unique("role-ns");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-role", "namespaces": [ns], "registries": [USE1],
               "credentials": {"roleArn": "arn:aws:iam::111122223333:role/ecr-pull", "externalId": "ext-42"}}),
    )
    .await;

    let key = access_key("role");
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let calls = moto_calls(&moto_url());
    assert!(
        calls
            .iter()
            .any(|c| c.action == "AssumeRole" && c.access_key_id == key),
        "AssumeRole made with the base key"
    );
    // ECR was asked with the assumed role's key, not the base key.
    assert_eq!(token_calls(&moto_url(), &key).len(), 0);
    // The token in the Secret was issued to the role's temporary key.
    let s = secret(&client, &ns, "ecr-role").await.unwrap();
    let token = issued(&moto_url(), &auths(&s)[USE1].1, "us-east-1");
    assert!(token.live, "{token:?}");
    assert!(
        token.access_key_id.starts_with("ASIA") && token.access_key_id != key,
        "{token:?}"
    );
}

#[tokio::test]
async fn ecr_going_away_leaves_secrets_byte_for_byte_and_says_why() {
    install_crd();
    let client = client().await;
    let name = unique("down");
    let nss = [unique("down-a"), unique("down-b")];
    let ns_refs: Vec<&str> = nss.iter().map(String::as_str).collect();
    namespaces(&client, &ns_refs, &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-down", "namespaces": nss, "registries": [USE1]}),
    )
    .await;
    let mut moto = PrivateMoto::start(&[]);
    let key = access_key("down");
    let r = run(bin(&key)
        .env("AWS_ENDPOINT_URL", &moto.url)
        .args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let before: Vec<Secret> =
        futures::future::join_all(nss.iter().map(|n| secret(&client, n, "ecr-down")))
            .await
            .into_iter()
            .map(Option::unwrap)
            .collect();

    moto.stop();
    let r = run(bin(&key)
        .env("AWS_ENDPOINT_URL", &moto.url)
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "one sentence: {}", r.stderr);
    assert!(
        errors[0].contains("could not reach ECR in us-east-1"),
        "{}",
        errors[0]
    );
    assert!(!r.stderr.contains("DispatchFailure"), "{}", r.stderr);

    for (ns, old) in nss.iter().zip(&before) {
        let now = secret(&client, ns, "ecr-down").await.unwrap();
        assert_eq!(now.data, old.data, "data unchanged in {ns}");
        assert_eq!(
            now.resource_version(),
            old.resource_version(),
            "not rewritten in {ns}"
        );
    }
    let status = get_resource(&client, &name).await.status.unwrap();
    let ready = &status.conditions[0];
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "EcrUnreachable")
    );
    assert!(ready.message.contains("could not reach ECR"));
    assert!(
        status.last_refresh_time.is_some(),
        "the last good refresh is kept"
    );
}

#[tokio::test]
async fn ecr_rejecting_the_keys_reads_as_rejected_credentials_and_writes_nothing() {
    install_crd();
    let client = client().await;
    let name = unique("reject");
    let ns = unique("reject-ns");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-reject", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;
    // moto with its IAM checks on knows no keys: every call is refused with 403.
    let moto = PrivateMoto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let r = run(bin("AKIABADKEY0000000000")
        .env("AWS_SECRET_ACCESS_KEY", "bad-secret-key")
        .env("AWS_ENDPOINT_URL", &moto.url)
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("AWS rejected the credentials"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("403"), "{}", r.stderr);
    assert!(
        secret(&client, &ns, "ecr-reject").await.is_none(),
        "nothing written"
    );
    let ready = get_resource(&client, &name)
        .await
        .status
        .unwrap()
        .conditions[0]
        .clone();
    assert_eq!(ready.reason, "CredentialsRejected");
}

#[tokio::test]
async fn ecr_public_rejecting_the_keys_names_ecr_public_and_its_iam_actions() {
    install_crd();
    let client = client().await;
    let name = unique("reject-pub");
    let ns = unique("reject-pub-ns");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-reject", "namespaces": [ns], "registries": ["public.ecr.aws"]}),
    )
    .await;
    let moto = PrivateMoto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let r = run(bin("AKIABADKEY0000000001")
        .env("AWS_SECRET_ACCESS_KEY", "bad-secret-key")
        .env("AWS_ENDPOINT_URL", &moto.url)
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "error: ECRPullSecret {name}: AWS rejected the credentials (UnrecognizedClientException, HTTP 403) while fetching an ECR token in us-east-1 (ECR Public) with the AWS default credential chain; check the keys and that they allow ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken"
        )
    );
    assert!(secret(&client, &ns, "ecr-reject").await.is_none());
}

#[tokio::test]
async fn no_credentials_anywhere_names_the_sources_tried() {
    install_crd();
    let client = client().await;
    let name = unique("nocreds");
    let ns = unique("nocreds-ns");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-none", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;
    let r = run(bin("unused")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("no AWS credentials found"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("instance metadata"), "{}", errors[0]);
    assert!(secret(&client, &ns, "ecr-none").await.is_none());
}

#[tokio::test]
async fn missing_namespace_is_reported_and_the_others_are_still_done() {
    install_crd();
    let client = client().await;
    let name = unique("partial");
    let ns = unique("partial-ok");
    let missing = unique("partial-missing");
    namespaces(&client, &[&ns], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-partial", "namespaces": [ns, missing], "registries": [USE1]}),
    )
    .await;
    let r = run(bin(&access_key("partial")).args(["refresh", &name]));
    assert_eq!(r.code, 3, "partial exit code; stderr: {}", r.stderr);
    assert!(r.stdout.contains("namespace not found"), "{}", r.stdout);
    assert!(secret(&client, &ns, "ecr-partial").await.is_some());
    let status = get_resource(&client, &name).await.status.unwrap();
    let counts = status.namespaces.unwrap();
    assert_eq!((counts.desired, counts.ready), (2, 1));
    assert_eq!(counts.failed[0].namespace, missing);
    assert_eq!(status.conditions[0].reason, "PartialFailure");

    // Once the namespace exists, the next refresh completes it.
    namespaces(&client, &[&missing], &[]).await;
    let r = run(bin(&access_key("partial")).args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(secret(&client, &missing, "ecr-partial").await.is_some());
}

#[tokio::test]
async fn original_operator_resource_works_unchanged_with_registry_from_environment() {
    install_crd();
    let client = client().await;
    let name = unique("legacy");
    let nss = [unique("legacy-a"), unique("legacy-b")];
    let ns_refs: Vec<&str> = nss.iter().map(String::as_str).collect();
    namespaces(&client, &ns_refs, &[]).await;
    // Exactly what the original operator's users have: two fields, raw YAML.
    let manifest = format!(
        "apiVersion: alchemy.com/v1alpha1\nkind: ECRPullSecret\nmetadata:\n  name: {name}\nspec:\n  secretName: ecr-legacy\n  namespaces:\n  - {}\n  - {}\n",
        nss[0], nss[1]
    );
    let obj: kube::api::DynamicObject = serde_yaml::from_str(&manifest).unwrap();
    let ar = kube::api::ApiResource::erase::<kubectl_ecrcreds::crd::ECRPullSecret>(&());
    Api::<kube::api::DynamicObject>::all_with(client.clone(), &ar)
        .create(&PostParams::default(), &obj)
        .await
        .expect("the original shape is accepted");

    let key = access_key("legacy");
    let r = run(bin(&key)
        .env("REGISTRY", "210987654321")
        .env("AWS_REGION", "eu-central-1")
        .args(["refresh", &name]));
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    for ns in &nss {
        let s = secret(&client, ns, "ecr-legacy").await.unwrap();
        let auths = auths(&s);
        assert_eq!(
            auths.keys().collect::<Vec<_>>(),
            vec!["210987654321.dkr.ecr.eu-central-1.amazonaws.com"]
        );
        // The original operator's behaviour: the default ServiceAccount gets it.
        let sa = Api::<ServiceAccount>::namespaced(client.clone(), ns)
            .get("default")
            .await
            .unwrap();
        assert_eq!(sa.image_pull_secrets.unwrap()[0].name, "ecr-legacy");
    }
    assert_eq!(token_calls(&moto_url(), &key)[0].region, "eu-central-1");
}

#[tokio::test]
async fn foreign_secret_of_another_type_is_never_overwritten() {
    install_crd();
    let client = client().await;
    let name = unique("foreign");
    let ns = unique("foreign-ns");
    namespaces(&client, &[&ns], &[]).await;
    string_secret(&client, &ns, "ecr-foreign", &[("password", "keep-me")]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-foreign", "namespaces": [ns], "registries": [USE1]}),
    )
    .await;
    let r = run(bin(&access_key("foreign")).args(["refresh", &name]));
    assert_eq!(r.code, 3, "stderr: {}", r.stderr);
    assert!(
        r.stdout.contains("exists with another type"),
        "{}",
        r.stdout
    );
    let s = secret(&client, &ns, "ecr-foreign").await.unwrap();
    assert_eq!(s.data.unwrap()["password"].0, b"keep-me");
}

#[tokio::test]
async fn a_users_docker_hub_regcred_of_the_same_name_is_left_byte_for_byte() {
    install_crd();
    let client = client().await;
    let name = unique("regcred");
    let [theirs, migrated] = [unique("regcred-hub"), unique("regcred-old")];
    namespaces(&client, &[&theirs, &migrated], &[]).await;
    // A user's Docker Hub credentials, and the original operator's Secret for
    // ECR, both named like ours and without our labels.
    let dockerconfig = |auths: serde_json::Value| {
        let secret: Secret = serde_json::from_value(json!({
            "metadata": {"name": "regcred", "labels": {"team": "web"}},
            "type": "kubernetes.io/dockerconfigjson",
            "stringData": {".dockerconfigjson": json!({"auths": auths}).to_string()},
        }))
        .unwrap();
        secret
    };
    let hub = dockerconfig(json!({"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"}}));
    let old = dockerconfig(json!({USE1: {"auth": "QVdTOm9sZA=="}}));
    for (ns, s) in [(&theirs, &hub), (&migrated, &old)] {
        Api::<Secret>::namespaced(client.clone(), ns)
            .create(&PostParams::default(), s)
            .await
            .unwrap();
    }
    let before = secret(&client, &theirs, "regcred").await.unwrap();
    create_resource(
        &client,
        &name,
        json!({"secretName": "regcred", "namespaces": [theirs, migrated], "registries": [USE1]}),
    )
    .await;
    let r = run(bin(&access_key("regcred")).args(["refresh", &name]));
    assert_eq!(r.code, 3, "partial: {}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "Conflict: Secret {theirs}/regcred holds credentials for registries other than ECR"
        )),
        "{}",
        r.stdout
    );
    // Theirs: byte for byte, metadata and all.
    let after = secret(&client, &theirs, "regcred").await.unwrap();
    assert_eq!(after.data, before.data);
    assert_eq!(after.metadata.labels, before.metadata.labels);
    assert_eq!(after.metadata.annotations, before.metadata.annotations);
    assert_eq!(after.resource_version(), before.resource_version());
    // The ECR-only Secret is adopted, as a migration needs.
    let adopted = secret(&client, &migrated, "regcred").await.unwrap();
    assert_eq!(adopted.labels()["alchemy.com/ecrpullsecret"], name);
    assert!(issued(&moto_url(), &auths(&adopted)[USE1].1, "us-east-1").live);
    // The status and an Event name the Secret left alone.
    let status = get_resource(&client, &name).await.status.unwrap();
    let failed = &status.namespaces.unwrap().failed;
    assert_eq!(failed.len(), 1);
    assert!(failed[0].reason.contains("Conflict"), "{failed:?}");
    let events = Api::<k8s_openapi::api::core::v1::Event>::all(client.clone())
        .list(&kube::api::ListParams::default().fields(&format!(
            "involvedObject.kind=ECRPullSecret,involvedObject.name={name}"
        )))
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.message.as_deref().is_some_and(
                |m| m.contains(&format!("{theirs} (Conflict: Secret {theirs}/regcred"))
            )),
        "{:?}",
        events
            .items
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn refresh_with_finalizers_keeps_deletion_policy_delete_without_a_controller() {
    install_crd();
    let client = client().await;
    let ns = unique("fin");
    namespaces(&client, &[&ns], &[]).await;
    let name = unique("fin");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-fin", "namespaces": [ns], "registries": [USE1], "deletionPolicy": "Delete"}),
    )
    .await;
    let key = access_key("fin");
    let r = run(bin(&key).args(["refresh", &name, "--finalizers"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let obj = get_resource(&client, &name).await;
    assert_eq!(obj.finalizers(), ["alchemy.com/cleanup"]);
    assert!(secret(&client, &ns, "ecr-fin").await.is_some());

    // Deleted: held by the finalizer; a refresh without --finalizers leaves
    // it (and its Secret) alone and says whose it is.
    let api = Api::<kubectl_ecrcreds::crd::ECRPullSecret>::all(client.clone());
    api.delete(&name, &Default::default()).await.unwrap();
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("ECRPullSecret {name} is being deleted; skipped")),
        "{}",
        r.stderr
    );
    assert!(secret(&client, &ns, "ecr-fin").await.is_some());
    assert!(api.get_opt(&name).await.unwrap().is_some());

    // With --finalizers the deletion finishes: Secret and our ServiceAccount
    // entry removed, then the resource is gone.
    let r = run(bin(&key).args(["refresh", &name, "--finalizers"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "ECRPullSecret {name} is being deleted: 2 of its objects removed, then its finalizer"
        )),
        "{}",
        r.stderr
    );
    assert!(secret(&client, &ns, "ecr-fin").await.is_none());
    assert!(
        !pull_secret_entries(&client, &ns, "default")
            .await
            .iter()
            .any(|n| n == "ecr-fin")
    );
    eventually(std::time::Duration::from_secs(10), || async {
        api.get_opt(&name).await.unwrap().is_none()
    })
    .await;
}
