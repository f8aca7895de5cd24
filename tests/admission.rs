//! The chart's MutatingAdmissionPolicy on the real API server and node: a
//! Pod created in a target namespace as a ServiceAccount the resource
//! patches, pulling from the resource's registry, gets our Secret in its
//! imagePullSecrets though the ServiceAccount has no entry yet, and runs;
//! Pods elsewhere, pulling from other registries, running as other
//! ServiceAccounts or already listing the Secret are left as they were.

mod common;

use std::time::Duration;

use common::*;
use k8s_openapi::api::core::v1::{Pod, ServiceAccount};
use kube::api::{ObjectMeta, PostParams};
use kube::{Api, Client};
use serde_json::json;

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";

/// The chart's policy and binding, applied while it lives, deleted on drop
/// (other test binaries create Pods that must not be changed).
struct Policy(String);

impl Policy {
    fn install() -> Self {
        let (code, rendered, err) = tool(
            "helm",
            &[
                "template",
                "admission-test",
                "chart",
                "--kube-version",
                "1.37.2",
                "--set",
                "admissionPolicy.enabled=true",
                "-s",
                "templates/admission-policy.yaml",
            ],
            None,
        );
        assert_eq!(code, 0, "helm template: {err}");
        let (code, out, err) = tool(
            "kubectl",
            &["apply", "--server-side", "--validate=strict", "-f", "-"],
            Some(&rendered),
        );
        assert_eq!(
            code, 0,
            "the API server takes the chart's policy:\n{out}\n{err}"
        );
        Policy(rendered)
    }
}

impl Drop for Policy {
    fn drop(&mut self) {
        let _ = tool(
            "kubectl",
            &["delete", "--ignore-not-found", "-f", "-"],
            Some(&self.0),
        );
    }
}

/// A Pod running as the `builder` ServiceAccount.
fn pod(name: &str, image: &str, pull_secrets: &[&str]) -> Pod {
    as_account(name, image, pull_secrets, "builder")
}

fn as_account(name: &str, image: &str, pull_secrets: &[&str], account: &str) -> Pod {
    let refs: Vec<_> = pull_secrets.iter().map(|n| json!({"name": n})).collect();
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"hostNetwork": true, "terminationGracePeriodSeconds": 0,
                 "serviceAccountName": account, "imagePullSecrets": refs,
                 "containers": [{"name": "app", "image": image, "imagePullPolicy": "Always"}]},
    }))
    .unwrap()
}

/// The imagePullSecrets the API server gives `pod` at creation, by a dry run.
async fn admitted(client: &Client, ns: &str, pod: &Pod) -> Vec<String> {
    let created = Api::<Pod>::namespaced(client.clone(), ns)
        .create(
            &PostParams {
                dry_run: true,
                ..Default::default()
            },
            pod,
        )
        .await
        .expect("dry-run create");
    created
        .spec
        .and_then(|s| s.image_pull_secrets)
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[tokio::test]
async fn pods_in_target_namespaces_get_the_secret_at_creation_and_others_are_untouched() {
    require_node();
    install_crd();
    let client = client().await;
    let key = access_key("admission");
    let team = unique("team");
    let [named, selected, other] = [unique("adm-named"), unique("adm-sel"), unique("adm-out")];
    namespaces(&client, &[&named, &other], &[]).await;
    namespaces(&client, &[&selected], &[("adm-team", &team)]).await;
    let name = unique("adm");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-adm", "namespaces": [named], "registries": [USE1],
               "serviceAccounts": ["builder"],
               "namespaceSelector": {"matchExpressions": [
                   {"key": "adm-team", "operator": "In", "values": [team]}]}}),
    )
    .await;
    // The Secrets are written; the `builder` ServiceAccounts come after, so
    // they lack our entry, as in the seconds before a controller's pass.
    let r = run(bin(&key).args(["refresh", &name]));
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    for ns in [&named, &selected, &other] {
        assert_eq!(
            secret(&client, ns, "ecr-adm").await.is_some(),
            ns != &other,
            "{ns}"
        );
        Api::<ServiceAccount>::namespaced(client.clone(), ns)
            .create(
                &PostParams::default(),
                &ServiceAccount {
                    metadata: ObjectMeta {
                        name: Some("builder".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(pull_secret_entries(&client, ns, "builder").await.is_empty());
    }

    // A second resource writing the same Secret name there: the policy runs
    // once per resource, and the Pod still gets the entry once.
    create_resource(
        &client,
        &unique("adm-twin"),
        json!({"secretName": "ecr-adm", "namespaces": [named], "registries": [USE1],
               "serviceAccounts": ["builder"]}),
    )
    .await;

    let _policy = Policy::install();
    let app = ecr_image(USE1);
    // The API server picks the policy up within moments.
    eventually(Duration::from_secs(30), || async {
        admitted(&client, &named, &pod("probe", &app, &[])).await == ["ecr-adm"]
    })
    .await;

    // Named and selected namespaces: the entry is added, after any other.
    assert_eq!(
        admitted(&client, &selected, &pod("p", &app, &[])).await,
        ["ecr-adm"]
    );
    assert_eq!(
        admitted(&client, &named, &pod("p", &app, &["mine"])).await,
        ["mine", "ecr-adm"]
    );
    // Already there: not twice.
    assert_eq!(
        admitted(&client, &named, &pod("p", &app, &["ecr-adm"])).await,
        ["ecr-adm"]
    );
    // Elsewhere, or another registry: untouched.
    assert!(
        admitted(&client, &other, &pod("p", &app, &[]))
            .await
            .is_empty()
    );
    assert!(
        admitted(&client, &named, &pod("p", &ecr_image(EUW1), &[]))
            .await
            .is_empty()
    );
    assert_eq!(
        admitted(&client, &named, &pod("p", &ecr_image(EUW1), &["mine"])).await,
        ["mine"]
    );
    // A ServiceAccount the resource does not patch: untouched too.
    assert!(
        admitted(&client, &named, &as_account("p", &app, &[], "default"))
            .await
            .is_empty()
    );

    // For real: Pods as `builder`, whose ServiceAccount has no entry, pull and run.
    for ns in [&named, &selected] {
        Api::<Pod>::namespaced(client.clone(), ns)
            .create(&PostParams::default(), &pod("app", &app, &[]))
            .await
            .unwrap();
        assert_eq!(
            pod_outcome(&client, ns, "app", Duration::from_secs(90)).await,
            PodOutcome::Running,
            "{ns}"
        );
    }
    // And without the policy, the same Pod cannot.
    drop(_policy);
    eventually(Duration::from_secs(30), || async {
        admitted(&client, &named, &pod("probe", &app, &[]))
            .await
            .is_empty()
    })
    .await;
    Api::<Pod>::namespaced(client.clone(), &named)
        .create(&PostParams::default(), &pod("bare", &app, &[]))
        .await
        .unwrap();
    assert!(matches!(
        pod_outcome(&client, &named, "bare", Duration::from_secs(90)).await,
        PodOutcome::PullFailed(..)
    ));
}
