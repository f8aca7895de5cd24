//! The generated CRD on the real API server: accepted, and its schema rejects
//! bad resources with a message naming the field.

mod common;

use common::*;
use kube::Api;
use kube::api::{ApiResource, DynamicObject, PostParams};
use kubectl_ecrcreds::crd::ECRPullSecret;
use serde_json::json;

async fn try_create(client: &kube::Client, spec: serde_json::Value) -> Result<(), String> {
    let ar = ApiResource::erase::<ECRPullSecret>(&());
    let obj: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "alchemy.com/v1alpha1",
        "kind": "ECRPullSecret",
        "metadata": {"name": unique("invalid")},
        "spec": spec,
    }))
    .unwrap();
    match Api::<DynamicObject>::all_with(client.clone(), &ar)
        .create(&PostParams::default(), &obj)
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 422, "rejected as invalid: {s:?}");
            Err(s.message)
        }
        Err(e) => panic!("unexpected error: {e}"),
    }
}

#[tokio::test]
async fn the_api_server_rejects_invalid_resources_naming_the_field() {
    install_crd();
    let client = client().await;
    let reg = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
    let cases = [
        (json!({"namespaces": ["a"]}), "spec.secretName"),
        (
            json!({"secretName": "Bad_Name", "namespaces": ["a"]}),
            "spec.secretName",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["UPPER"]}),
            "spec.namespaces[0]",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a", "a"]}),
            "spec.namespaces",
        ),
        (json!({"secretName": "ok"}), "namespaceSelector"),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "refreshInterval": "30s"}),
            "spec.refreshInterval",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "refreshInterval": "12h"}),
            "spec.refreshInterval",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "refreshInterval": "soon"}),
            "spec.refreshInterval",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "deletionPolicy": "Orphan"}),
            "spec.deletionPolicy",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "registries": ["docker.io"]}),
            "spec.registries[0]",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "registries": ["1234.dkr.ecr.us-east-1.amazonaws.com"]}),
            "spec.registries[0]",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "serviceAccounts": ["*", "default"]}),
            "spec.serviceAccounts",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "serviceAccounts": ["Bad SA"]}),
            "spec.serviceAccounts[0]",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "credentials": {"externalId": "abc"}}),
            "spec.credentials",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "credentials": {"roleArn": "role/x"}}),
            "spec.credentials.roleArn",
        ),
        (
            json!({"secretName": "ok", "namespaces": ["a"], "credentials": {"secretRef": {"name": "x"}}}),
            "spec.credentials.secretRef.namespace",
        ),
    ];
    for (spec, field) in cases {
        let err = try_create(&client, spec.clone())
            .await
            .expect_err(&format!("{spec} must be rejected"));
        assert!(
            err.contains(field),
            "rejection of {spec} names {field}: {err}"
        );
    }
    // And a full, valid resource is accepted.
    try_create(
        &client,
        json!({"secretName": "ecr-pull", "namespaces": ["default"],
               "namespaceSelector": {"matchLabels": {"ecr-pull": "true"}},
               "registries": [reg], "serviceAccounts": ["*"], "refreshInterval": "1h30m",
               "deletionPolicy": "Delete", "suspend": false,
               "credentials": {"secretRef": {"name": "aws", "namespace": "ecr-system"},
                               "roleArn": "arn:aws:iam::111122223333:role/ecr-pull", "externalId": "xyz"}}),
    )
    .await
    .expect("a valid resource is accepted");
}

#[test]
fn crd_command_prints_the_generated_crd() {
    let r = run(bin("AKIACRD").arg("crd"));
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, kubectl_ecrcreds::crd::crd_yaml());
    assert!(r.stdout.contains("name: ecrpullsecrets.alchemy.com"));
    assert!(r.stdout.contains("shortNames:\n    - ecrps"));
}
