//! Every way to authenticate and every ECR host form, against the real API
//! server, the test ECR (moto's STS behind it, and its own ECR Public) and the
//! test registry: the host table in step with the CRD's schema, ECR Public
//! tokens, dual-stack aliases, ServiceAccount web identity, and one token call
//! per (credentials, scope) however the credentials are mixed.

mod common;

use std::collections::BTreeSet;

use common::*;
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::Api;
use kube::api::PostParams;
use kubectl_ecrcreds::crd::{ECRPullSecret, ECRPullSecretSpec};
use serde_json::json;

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const USE1_B: &str = "777788889999.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";
const PUBLIC: &str = "public.ecr.aws";

/// tests/data/registry-hosts.txt: (good hosts with their region, bad hosts).
fn host_table() -> (Vec<(String, String)>, Vec<String>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/registry-hosts.txt"
    ))
    .unwrap();
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f[0] {
            "good" => good.push((f[1].to_string(), f[2].to_string())),
            _ => bad.push(f[1].to_string()),
        }
    }
    (good, bad)
}

#[tokio::test]
async fn every_registry_host_form_is_admitted_by_the_schema_exactly_when_the_plugin_parses_it() {
    install_crd();
    let api: Api<ECRPullSecret> = Api::all(client().await);
    let dry_run = PostParams {
        dry_run: true,
        ..Default::default()
    };
    let resource = |host: &str| {
        let spec: ECRPullSecretSpec = serde_json::from_value(
            json!({"secretName": "ecr", "namespaces": ["default"], "registries": [host]}),
        )
        .unwrap();
        ECRPullSecret::new(&unique("hosts"), spec)
    };
    let create = |host: &str| {
        run(bin("AKIAHOSTS").args([
            "create",
            &unique("hosts"),
            "--secret-name",
            "ecr",
            "--namespaces",
            "default",
            "--registries",
            host,
            "--dry-run=client",
            "-o",
            "json",
        ]))
    };
    let (good, bad) = host_table();
    assert!(good.len() >= 13 && bad.len() >= 10);
    // A field of the wrong type is named.
    let mut odd = resource(USE1);
    odd.spec.dual_stack_aliases = None;
    let mut value = serde_json::to_value(&odd).unwrap();
    value["spec"]["dualStackAliases"] = json!("yes");
    let dynamic: kube::api::DynamicObject = serde_json::from_value(value).unwrap();
    let ar = kube::api::ApiResource::erase::<ECRPullSecret>(&());
    let err = Api::<kube::api::DynamicObject>::all_with(client().await, &ar)
        .create(&dry_run, &dynamic)
        .await
        .expect_err("a string for a boolean")
        .to_string();
    assert!(err.contains("spec.dualStackAliases"), "{err}");
    for (host, _) in &good {
        if let Err(e) = api.create(&dry_run, &resource(host)).await {
            panic!("the API server refused {host}: {e}");
        }
        let r = create(host);
        assert_eq!(r.code, 0, "{host}: {}", r.stderr);
    }
    for host in &bad {
        let err = api
            .create(&dry_run, &resource(host))
            .await
            .expect_err(host)
            .to_string();
        assert!(err.contains("spec.registries[0]"), "{host}: {err}");
        let r = create(host);
        assert_ne!(r.code, 0, "{host} was accepted");
        assert!(
            r.stderr
                .contains(&format!("malformed registry host \"{host}\"")),
            "{host}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    }
}

/// `GetAuthorizationToken` calls (ECR and ECR Public) made with `key`, as
/// (service, region), sorted.
fn scopes_called(key: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = moto_calls(&moto_url())
        .into_iter()
        .filter(|c| c.action == "GetAuthorizationToken" && c.access_key_id == key)
        .map(|c| (c.service, c.region))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn ecr_public_and_dual_stack_hosts_are_written_with_the_right_tokens() {
    install_crd();
    let client = client().await;
    let ns = unique("public");
    namespaces(&client, &[&ns], &[]).await;
    let name = unique("public");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": [ns], "registries": [USE1, PUBLIC],
               "dualStackAliases": true}),
    )
    .await;
    let key = access_key("public");
    let r = run(bin(&key).args(["refresh", &name]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    let auths = auths(&secret(&client, &ns, "ecr-pull").await.unwrap());
    let alias = "111122223333.dkr-ecr.us-east-1.on.aws";
    let hosts: Vec<&str> = auths.keys().map(String::as_str).collect();
    assert_eq!(hosts, vec![alias, USE1, PUBLIC], "ECR Public has no alias");
    let (private, public) = (&auths[USE1].1, &auths[PUBLIC].1);
    assert_eq!(
        &auths[alias].1, private,
        "an alias carries its host's token"
    );
    assert_ne!(private, public);
    let p = issued_by(&moto_url(), public, "us-east-1", "ecr-public");
    assert!(p.live, "{p:?}");
    let as_private = issued(&moto_url(), public, "us-east-1");
    assert_eq!(as_private.reason, "service", "{as_private:?}");
    assert!(issued(&moto_url(), private, "us-east-1").live);
    // One call each: ECR in us-east-1, ECR Public (us-east-1 only).
    assert_eq!(
        scopes_called(&key),
        vec![
            ("ecr".to_string(), "us-east-1".to_string()),
            ("ecr-public".to_string(), "us-east-1".to_string()),
        ]
    );

    // The test registry, which takes for public.ecr.aws only tokens ECR
    // Public issued, accepts the Secret's entry.
    let port = var("ECRCREDS_TEST_REGISTRY_HOSTPORTS")
        .split_whitespace()
        .find_map(|hp| hp.strip_prefix("public.ecr.aws=").map(str::to_string))
        .expect("the test registry serves public.ecr.aws");
    let only_public = unique("public-only");
    create_resource(
        &client,
        &only_public,
        json!({"secretName": "ecr-public", "namespaces": [ns], "registries": [PUBLIC]}),
    )
    .await;
    let r = run(bin(&key).args(["refresh", &only_public]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(bin(&key)
        .env("SSL_CERT_FILE", var("ECRCREDS_TEST_CA"))
        .args(["verify", &only_public, "--connect-to"])
        .arg(format!("{PUBLIC}=127.0.0.1:{port}"))
        .args(["-o", "json"]));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["result"], "accepted", "{rows:?}");
}

/// Creates ServiceAccount `name` in `ns`, with the IRSA role annotation when given.
async fn service_account(client: &kube::Client, ns: &str, name: &str, role: Option<&str>) {
    let mut sa = ServiceAccount::default();
    sa.metadata.name = Some(name.to_string());
    if let Some(role) = role {
        sa.metadata.annotations =
            Some([("eks.amazonaws.com/role-arn".to_string(), role.to_string())].into());
    }
    Api::<ServiceAccount>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &sa)
        .await
        .unwrap();
}

/// STS AssumeRoleWithWebIdentity calls for `role`.
fn web_identity_calls(role: &str) -> Vec<Call> {
    moto_calls(&moto_url())
        .into_iter()
        .filter(|c| c.action == "AssumeRoleWithWebIdentity" && c.role_arn == role)
        .collect()
}

/// Token calls (ECR and ECR Public) signed with the keys `role`'s STS answers
/// handed out, as (service, region), sorted.
fn scopes_called_as(role: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = moto_calls(&moto_url())
        .into_iter()
        .filter(|c| c.action == "GetAuthorizationToken" && c.role == role)
        .map(|c| (c.service, c.region))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_service_accounts_token_is_exchanged_for_its_role_by_web_identity() {
    install_crd();
    let client = client().await;
    let ns = unique("webid");
    namespaces(&client, &[&ns], &[]).await;
    let role = format!("arn:aws:iam::111122223333:role/{}", unique("team-a"));
    service_account(&client, &ns, "ecr-team-a", Some(&role)).await;
    let name = unique("webid");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": [ns], "registries": [USE1, EUW1],
               "credentials": {"serviceAccountRef": {"name": "ecr-team-a", "namespace": ns}}}),
    )
    .await;
    let key = access_key("webid");
    // At the highest verbosity, too, neither the ServiceAccount's token (a
    // JWT: `eyJ…`) nor an ECR token is printed (`run` checks the latter).
    let r = run(bin(&key).args(["refresh", &name, "-vvv"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("AssumeRoleWithWebIdentity"),
        "logged nothing at -vvv?"
    );
    assert!(!r.stderr.contains("eyJ"), "a JWT in the log:\n{}", r.stderr);

    // The API server's token for that ServiceAccount, with the default
    // audience, went to STS for the annotation's role...
    let sts = web_identity_calls(&role);
    assert!(!sts.is_empty(), "no AssumeRoleWithWebIdentity for {role}");
    for c in &sts {
        assert_eq!(c.subject, format!("system:serviceaccount:{ns}:ecr-team-a"));
        assert_eq!(c.audience, "sts.amazonaws.com");
    }
    // ...and ECR was asked as that role, once per region, never with the
    // runner's own keys.
    assert_eq!(
        scopes_called_as(&role),
        vec![
            ("ecr".to_string(), "eu-west-1".to_string()),
            ("ecr".to_string(), "us-east-1".to_string()),
        ]
    );
    assert!(
        scopes_called(&key).is_empty(),
        "the runner's keys were used"
    );
    let auths = auths(&secret(&client, &ns, "ecr-pull").await.unwrap());
    assert!(issued(&moto_url(), &auths[USE1].1, "us-east-1").live);
    assert!(issued(&moto_url(), &auths[EUW1].1, "eu-west-1").live);

    // spec.credentials.roleArn wins over the annotation; the audience is the
    // resource's.
    let other_role = format!("arn:aws:iam::111122223333:role/{}", unique("team-b"));
    let named = unique("webid-role");
    create_resource(
        &client,
        &named,
        json!({"secretName": "ecr-b", "namespaces": [ns], "registries": [USE1],
               "credentials": {"roleArn": other_role,
                               "serviceAccountRef": {"name": "ecr-team-a", "namespace": ns, "audience": "api://ecr-pull"}}}),
    )
    .await;
    let r = run(bin(&key).args(["refresh", &named]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sts = web_identity_calls(&other_role);
    assert_eq!(sts.len(), 1, "{sts:?}");
    assert_eq!(sts[0].audience, "api://ecr-pull");

    // A ServiceAccount with no role, and none in the spec: one sentence with
    // the next step, and nothing written.
    service_account(&client, &ns, "bare", None).await;
    let bare = unique("webid-bare");
    create_resource(
        &client,
        &bare,
        json!({"secretName": "ecr-bare", "namespaces": [ns], "registries": [USE1],
               "credentials": {"serviceAccountRef": {"name": "bare", "namespace": ns}}}),
    )
    .await;
    let r = run(bin(&key).args(["refresh", &bare]));
    assert_ne!(r.code, 0);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains(&format!(
            "ServiceAccount {ns}/bare has no eks.amazonaws.com/role-arn annotation; annotate it with the role to assume, or set spec.credentials.roleArn"
        )),
        "{said}"
    );
    assert!(secret(&client, &ns, "ecr-bare").await.is_none());

    // Bad fields are refused by the schema, naming the field.
    for (credentials, says) in [
        (
            json!({"serviceAccountRef": {"name": "x", "namespace": ns},
                   "secretRef": {"name": "x", "namespace": ns}}),
            "set secretRef or serviceAccountRef, not both",
        ),
        (
            json!({"serviceAccountRef": {"name": "Not_A_Name", "namespace": ns}}),
            "spec.credentials.serviceAccountRef.name",
        ),
        (
            json!({"serviceAccountRef": {"name": "x", "namespace": ns, "audience": ""}}),
            "spec.credentials.serviceAccountRef.audience",
        ),
    ] {
        let spec: ECRPullSecretSpec = serde_json::from_value(json!({
            "secretName": "ecr", "namespaces": [ns], "registries": [USE1], "credentials": credentials,
        }))
        .unwrap();
        let err = Api::<ECRPullSecret>::all(client.clone())
            .create(
                &PostParams::default(),
                &ECRPullSecret::new(&unique("webid-bad"), spec),
            )
            .await
            .expect_err(says)
            .to_string();
        assert!(err.contains(says), "{says}: {err}");
    }
}

#[tokio::test]
async fn mixed_credentials_make_one_token_call_per_credentials_and_scope() {
    install_crd();
    let client = client().await;
    let ns = unique("mixed");
    namespaces(&client, &[&ns], &[]).await;
    let (key, key2) = (access_key("mixed"), access_key("mixed2"));
    string_secret(
        &client,
        &ns,
        "aws-keys",
        &[
            ("AWS_ACCESS_KEY_ID", &key2),
            ("AWS_SECRET_ACCESS_KEY", "ref-secret-key-do-not-print"),
        ],
    )
    .await;
    let assumed = format!("arn:aws:iam::111122223333:role/{}", unique("mixed-r"));
    let web = format!("arn:aws:iam::111122223333:role/{}", unique("mixed-w"));
    service_account(&client, &ns, "ecr-web", Some(&web)).await;
    let resources = [
        // The runner's keys: two regions and ECR Public (3 groups).
        json!({"registries": [USE1, EUW1, PUBLIC]}),
        // The same keys and region as the first: shares its token (0).
        json!({"registries": [USE1_B]}),
        // Keys from a Secret (1).
        json!({"registries": [USE1], "credentials": {"secretRef": {"name": "aws-keys", "namespace": ns}}}),
        // The runner's keys assuming a role (1).
        json!({"registries": [USE1], "credentials": {"roleArn": assumed}}),
        // A ServiceAccount's web identity in two regions (2).
        json!({"registries": [USE1, EUW1], "credentials": {"serviceAccountRef": {"name": "ecr-web", "namespace": ns}}}),
    ];
    let mut names = Vec::new();
    for (i, extra) in resources.iter().enumerate() {
        let name = unique("mixed");
        let mut spec = json!({"secretName": format!("ecr-{i}"), "namespaces": [ns]});
        spec.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        create_resource(&client, &name, spec).await;
        names.push(name);
    }
    let r = run(bin(&key).arg("refresh").args(&names));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let mut groups: Vec<(String, String, String)> = Vec::new();
    for c in moto_calls(&moto_url()) {
        if c.action != "GetAuthorizationToken" {
            continue;
        }
        let who = if c.access_key_id == key || c.access_key_id == key2 {
            c.access_key_id.clone()
        } else if c.role == assumed || c.role == web {
            c.role.clone()
        } else {
            continue;
        };
        groups.push((who, c.service, c.region));
    }
    let distinct: BTreeSet<_> = groups.iter().cloned().collect();
    eprintln!(
        "mixed credentials: {} token calls for {} distinct (credentials, scope) groups",
        groups.len(),
        distinct.len()
    );
    assert_eq!(distinct.len(), 7, "{groups:?}");
    assert_eq!(groups.len(), 7, "a group was asked twice: {groups:?}");
}
