//! Packaging checked with the real tools: the Helm chart (lint, template
//! validated by the API server, install, RBAC proven by running the controller
//! as the chart's ServiceAccount), the krew manifest, and generated files.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::Api;
use kube::api::DeleteParams;
use kubectl_ecrcreds::crd::ECRPullSecret;
use serde_json::json;

const REG: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_chart_crd_is_the_binarys_crd() {
    let committed =
        std::fs::read_to_string(repo().join("chart/crds/ecrpullsecrets.alchemy.com.yaml")).unwrap();
    assert!(
        committed == kubectl_ecrcreds::crd::crd_yaml(),
        "chart/crds is stale: regenerate with `kubectl-ecrcreds crd > chart/crds/ecrpullsecrets.alchemy.com.yaml`"
    );
}

#[test]
fn helm_lint_is_clean_with_defaults_and_with_everything_on() {
    for extra in [vec![], vec!["-f", "tests/data/values-everything.yaml"]] {
        let mut args = vec!["lint", "--strict", "chart"];
        args.extend(extra.iter());
        let (code, out, err) = tool("helm", &args, None);
        assert_eq!(code, 0, "helm lint {extra:?}:\n{out}\n{err}");
        assert!(out.contains("0 chart(s) failed"), "{out}");
    }
}

#[test]
fn rendered_manifests_are_accepted_by_the_api_server_schemas() {
    let cronjob = vec![
        "--set",
        "mode=cronjob",
        "--set",
        "aws.webIdentity.roleArn=arn:aws:iam::111122223333:role/ecr-pull",
    ];
    for extra in [
        vec![],
        vec!["-f", "tests/data/values-everything.yaml"],
        cronjob.clone(),
    ] {
        let mut args = vec![
            "template",
            "rel",
            "chart",
            "--namespace",
            "ecr-system",
            "--include-crds",
            "--kube-version",
            "1.37.2",
        ];
        args.extend(extra.iter());
        let (code, rendered, err) = tool("helm", &args, None);
        assert_eq!(code, 0, "helm template: {err}");
        // The ServiceMonitor and PrometheusRule are the Prometheus Operator's:
        // its own CRDs (testenv/build.sh fetches them) make the API server
        // check them like the rest.
        install_monitoring_crds();
        let kube_docs: Vec<&str> = rendered.split("\n---\n").collect();
        let kinds: Vec<&str> = kube_docs
            .iter()
            .filter_map(|d| d.lines().find_map(|l| l.strip_prefix("kind: ")))
            .collect();
        if extra == cronjob {
            // Nothing long-running, and no watch in its RBAC.
            assert!(kinds.contains(&"CronJob"), "{kinds:?}");
            for absent in ["Deployment", "Service", "PodDisruptionBudget", "Lease"] {
                assert!(!kinds.contains(&absent), "{absent} in {kinds:?}");
            }
            assert!(!rendered.contains("\"watch\""), "{rendered}");
            assert!(rendered.contains("- --secret-access=named"));
            assert!(rendered.contains("audience: \"sts.amazonaws.com\""));
            assert!(
                rendered.contains("value: /var/run/secrets/kubectl-ecrcreds/web-identity/token")
            );
        } else {
            assert!(kinds.contains(&"Deployment"), "{kinds:?}");
            assert!(!kinds.contains(&"CronJob"), "{kinds:?}");
        }
        if extra.len() == 2 {
            for kind in [
                "ServiceMonitor",
                "PrometheusRule",
                "MutatingAdmissionPolicy",
            ] {
                assert!(
                    kube_docs
                        .iter()
                        .any(|d| d.contains(&format!("\nkind: {kind}\n"))),
                    "everything-on renders a {kind}"
                );
            }
            // The API server cannot tell that the monitor's port is the
            // Service's: checked here.
            let doc = |kind: &str| -> serde_yaml::Value {
                let text = kube_docs
                    .iter()
                    .find(|d| d.contains(&format!("\nkind: {kind}\n")))
                    .unwrap();
                serde_yaml::from_str(text).unwrap()
            };
            assert_eq!(
                doc("ServiceMonitor")["spec"]["endpoints"][0]["port"],
                "metrics"
            );
            assert_eq!(doc("Service")["spec"]["ports"][0]["name"], "metrics");
            // The controller's keyless credentials: a projected token the
            // AWS SDK reads, for the role.
            let pod = &doc("Deployment")["spec"]["template"]["spec"];
            let token = &pod["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"];
            assert_eq!(token["audience"], "sts.amazonaws.com");
            assert_eq!(token["expirationSeconds"], 7200);
            let env = serde_json::to_string(&pod["containers"][0]["env"]).unwrap();
            assert!(env.contains("AWS_ROLE_ARN"), "{env}");
            assert!(env.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{env}");
        }
        let (code, out, err) = tool(
            "kubectl",
            &["apply", "--dry-run=server", "--validate=strict", "-f", "-"],
            Some(&kube_docs.join("\n---\n")),
        );
        // The release namespace does not exist on the test server; a dry run
        // into it fails for that reason only, so render into an existing one.
        assert!(
            code == 0 || err.contains("namespaces \"ecr-system\" not found"),
            "{out}\n{err}"
        );
        if code != 0 {
            let fixed = kube_docs
                .join("\n---\n")
                .replace("namespace: ecr-system", "namespace: default");
            let (code, out, err) = tool(
                "kubectl",
                &["apply", "--dry-run=server", "--validate=strict", "-f", "-"],
                Some(&fixed),
            );
            assert_eq!(code, 0, "{out}\n{err}");
        }
    }
}

/// The Prometheus Operator's ServiceMonitor and PrometheusRule CRDs, on the
/// test API server.
fn install_monitoring_crds() {
    let dir = var("ECRCREDS_TEST_MONITORING_CRDS");
    let (code, out, err) = tool(
        "kubectl",
        &["apply", "--server-side", "--force-conflicts", "-f", &dir],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = tool(
        "kubectl",
        &[
            "wait",
            "--for=condition=Established",
            "crd/prometheusrules.monitoring.coreos.com",
            "crd/servicemonitors.monitoring.coreos.com",
            "--timeout=60s",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");
}

/// The metric names a PromQL text uses (ours all start with `ecrcreds_`).
fn metric_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("ecrcreds_") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        names.insert(tail[..end].to_string());
        rest = &tail[end..];
    }
    names
}

#[test]
fn alerts_pass_prometheus_rule_checks_and_alerts_and_dashboard_use_only_metrics_we_export() {
    let (code, rendered, err) = tool(
        "helm",
        &[
            "template",
            "rel",
            "chart",
            "--kube-version",
            "1.37.2",
            "-f",
            "tests/data/values-everything.yaml",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}.yaml", unique("rules")));
    std::fs::write(&path, &rendered).unwrap();
    // Prometheus' own rule parser: PromQL, durations, templates.
    let checked = command(var("ECRCREDS_TEST_RULECHECK"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&checked.stdout).trim(),
        "SUCCESS: 3 rules found"
    );
    // And it does fail on a broken rule (so the check above can fail).
    let broken = rendered.replacen("} - time() <", "} - time( <", 1);
    std::fs::write(&path, broken).unwrap();
    let checked = command(var("ECRCREDS_TEST_RULECHECK"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(!checked.status.success());

    // Every metric an alert or a panel asks for is one the controller exports.
    // Families show in the exposition once they hold a series: give each one.
    let metrics = kubectl_ecrcreds::metrics::Metrics::new();
    metrics.error("Any");
    metrics.expiry("any", Some(jiff::Timestamp::now()));
    metrics.refresh_outcome("any", false);
    metrics.memory_entries("payloads", 1);
    let exported: std::collections::BTreeSet<String> = metrics
        .render()
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .flat_map(|l| {
            let mut parts = l.split(' ');
            let (name, kind) = (parts.next().unwrap(), parts.next().unwrap());
            match kind {
                "counter" => vec![format!("{name}_total")],
                "histogram" => ["_bucket", "_sum", "_count"]
                    .iter()
                    .map(|s| format!("{name}{s}"))
                    .collect(),
                _ => vec![name.to_string()],
            }
        })
        .collect();
    let dashboard =
        std::fs::read_to_string(repo().join("chart/dashboards/kubectl-ecrcreds.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&dashboard).expect("the dashboard is JSON");
    let exprs: Vec<String> = json["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap().to_string())
        .collect();
    assert!(exprs.len() >= 10, "{exprs:?}");
    let rules: String = rendered
        .split("\n---\n")
        .filter(|d| d.contains("\nkind: PrometheusRule\n"))
        .collect();
    for (what, text) in [("the alerts", rules), ("the dashboard", exprs.join("\n"))] {
        let used = metric_names(&text);
        assert!(!used.is_empty(), "{what}");
        let unknown: Vec<_> = used.difference(&exported).collect();
        assert!(
            unknown.is_empty(),
            "{what} use metrics the controller does not export: {unknown:?} (it exports {exported:?})"
        );
    }
    // The chart ships that very file in its ConfigMap.
    let configmap = rendered
        .split("\n---\n")
        .find(|d| d.contains("name: rel-kubectl-ecrcreds-dashboard"))
        .expect("the dashboard ConfigMap");
    let cm: serde_yaml::Value = serde_yaml::from_str(configmap).unwrap();
    let shipped: serde_json::Value =
        serde_json::from_str(cm["data"]["kubectl-ecrcreds.json"].as_str().unwrap()).unwrap();
    assert_eq!(shipped, json);
    assert_eq!(cm["metadata"]["labels"]["grafana_dashboard"], "1");
}

#[test]
fn values_schema_rejects_a_wrong_type() {
    for (value, field) in [
        ("replicaCount=two", "replicaCount"),
        ("aws.registry=docker.io", "registry"),
        ("controller.secretAccess=readonly", "secretAccess"),
        ("rbac.credentialsSecrets[0].name=aws", "namespace"),
        ("rbac.tokenServiceAccounts[0].namespace=team-a", "name"),
        ("mode=daemonset", "mode"),
        ("aws.webIdentity.roleArn=ecr-pull", "roleArn"),
        ("aws.webIdentity.expirationSeconds=60", "expirationSeconds"),
        (
            "aws.registry=111122223333.dkr-ecr.us-east-1.amazonaws.com",
            "registry",
        ),
    ] {
        let (code, _, err) = tool(
            "helm",
            &[
                "template",
                "rel",
                "chart",
                "--kube-version",
                "1.37.2",
                "--set",
                value,
            ],
            None,
        );
        assert_ne!(code, 0, "{value} was accepted");
        assert!(err.contains(field), "{value}: {err}");
    }
}

#[test]
fn the_original_charts_values_become_the_controllers_defaults() {
    let (code, rendered, err) = tool(
        "helm",
        &[
            "template",
            "rel",
            "chart",
            "--kube-version",
            "1.37.2",
            "--set",
            "aws.region=eu-west-1,aws.registry=111122223333,aws.credentials.secretName=aws-creds",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    for needle in [
        "name: AWS_REGION\n              value: \"eu-west-1\"",
        "name: REGISTRY\n              value: \"111122223333\"",
        "name: AWS_CREDENTIALS_SECRET_NAME\n              value: \"aws-creds\"",
        "name: AWS_CREDENTIALS_SECRET_NAMESPACE\n              value: \"default\"",
    ] {
        assert!(
            rendered.contains(needle),
            "missing {needle:?} in:\n{rendered}"
        );
    }
    // Restricted pod security.
    for needle in [
        "runAsNonRoot: true",
        "readOnlyRootFilesystem: true",
        "allowPrivilegeEscalation: false",
        "- ALL",
        "type: RuntimeDefault",
    ] {
        assert!(rendered.contains(needle), "{needle}");
    }
}

#[test]
fn the_krew_manifest_passes_krews_validator_as_committed_and_as_released() {
    let (code, out, err) = tool(
        "validate-krew-manifest",
        &["-manifest", "krew/ecrcreds.yaml", "-skip-install"],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");

    // The release step fills in URIs and checksums from real archives: the
    // linux-amd64 one as release/archive.sh packs the release binary; the
    // other platforms cannot be built here, and any file stands in for them
    // (the checksum is what matters).
    let dist = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique("dist"));
    std::fs::create_dir_all(&dist).unwrap();
    let (code, archive, err) = tool(
        "release/archive.sh",
        &[
            release_binary().to_str().unwrap(),
            "9.8.7",
            "linux-amd64",
            dist.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let linux = PathBuf::from(archive.trim());
    assert_eq!(
        linux,
        dist.join("kubectl-ecrcreds-v9.8.7-linux-amd64.tar.gz")
    );
    let (_, listing, _) = tool("tar", &["-tzf", linux.to_str().unwrap()], None);
    let mut files: Vec<&str> = listing.lines().collect();
    files.sort();
    assert_eq!(files, ["LICENSE", "README.md", "kubectl-ecrcreds"]);
    for platform in ["linux-arm64", "darwin-amd64", "darwin-arm64"] {
        std::fs::write(
            dist.join(format!("kubectl-ecrcreds-v9.8.7-{platform}.tar.gz")),
            platform,
        )
        .unwrap();
    }
    for platform in ["windows-amd64", "windows-arm64"] {
        std::fs::write(
            dist.join(format!("kubectl-ecrcreds-v9.8.7-{platform}.zip")),
            platform,
        )
        .unwrap();
    }
    let (code, manifest, err) = tool(
        "release/krew-manifest.sh",
        &["9.8.7", dist.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(manifest.contains("version: v9.8.7"));
    assert!(!manifest.contains("v0.1.0"), "{manifest}");
    let summed = command("sha256sum").arg(&linux).output().unwrap();
    let sum = String::from_utf8_lossy(&summed.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        manifest.contains(&format!("sha256: \"{sum}\"")),
        "{manifest}"
    );
    let released = dist.join("ecrcreds.yaml");
    std::fs::write(&released, &manifest).unwrap();
    let (code, out, err) = tool(
        "validate-krew-manifest",
        &["-manifest", released.to_str().unwrap(), "-skip-install"],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");

    // krew installs that archive with that manifest, and the plugin runs from
    // krew's bin directory, as kubectl-ecrcreds and as `kubectl ecrcreds`.
    let root = dist.join("krew-root");
    let krew = |args: &[&str]| {
        let out = command(var("ECRCREDS_TEST_KREW"))
            .args(args)
            .env("KREW_ROOT", &root)
            .env("HOME", &dist)
            // Nothing may leave loopback: were krew to fetch anything (its
            // index, an update check), it would meet a closed local port.
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok, out) = krew(&[
        "install",
        &format!("--manifest={}", released.display()),
        &format!("--archive={}", linux.display()),
    ]);
    assert!(ok, "krew install failed: {out}");
    let installed = root.join("bin/kubectl-ecrcreds");
    let version = command(&installed).arg("version").output().unwrap();
    assert!(version.status.success());
    assert!(
        String::from_utf8_lossy(&version.stdout).starts_with("kubectl-ecrcreds "),
        "{version:?}"
    );
    let path = format!(
        "{}:{}",
        root.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let via_kubectl = command("kubectl")
        .args(["ecrcreds", "version"])
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        via_kubectl.status.success()
            && String::from_utf8_lossy(&via_kubectl.stdout).starts_with("kubectl-ecrcreds "),
        "{via_kubectl:?}"
    );
    // Other commands want a local plugin index; an empty local repository
    // stands in for the one `krew update` would clone from GitHub.
    let index = root.join("index/default");
    std::fs::create_dir_all(&index).unwrap();
    let st = command("git")
        .args(["init", "-q"])
        .arg(&index)
        .status()
        .unwrap();
    assert!(st.success());
    let (ok, out) = krew(&["uninstall", "ecrcreds"]);
    assert!(ok, "krew uninstall failed: {out}");
    assert!(!installed.exists(), "krew uninstall left {installed:?}");
    let _ = std::fs::remove_dir_all(&dist);
}

fn can_i(as_user: &str, verb: &str, resource: &str, ns: Option<&str>) -> bool {
    let mut args = vec!["auth", "can-i", verb, resource, "--as", as_user];
    // No namespace: across all of them.
    match ns {
        Some(ns) => args.extend(["-n", ns]),
        None => args.push("-A"),
    }
    let (_, out, _) = tool("kubectl", &args, None);
    out.trim() == "yes"
}

/// Installs the chart with `extra` values and proves its RBAC on the real API
/// server: the objects exist, the ServiceAccount cannot do what the
/// controller never needs, and the controller binary, run here as that
/// ServiceAccount with the Deployment's own flags, does the whole job (write,
/// repair, cleanup) over 3 namespaces, sparing a foreign Secret of the same
/// name in a 4th. `check` gets the release namespace and the
/// ServiceAccount's user name for the checks of one mode.
async fn install_and_run_as_the_charts_service_account(
    extra: &[&str],
    expect_secret_access: &str,
    check: impl AsyncFnOnce(&str, &str),
) {
    install_crd();
    let client = client().await;
    let release_ns = unique("ecr-system");
    namespaces(&client, &[&release_ns], &[]).await;
    let release = unique("rel");
    let mut args = vec![
        "install",
        &release,
        "chart",
        "-n",
        &release_ns,
        "--set",
        "replicaCount=1",
        "--set",
        "podDisruptionBudget.enabled=false",
        "--set",
        "aws.credentials.secretName=aws-creds",
    ];
    args.extend(extra);
    let (code, out, err) = tool("helm", &args, None);
    assert_eq!(code, 0, "helm install:\n{out}\n{err}");
    let sa_name = format!("{release}-kubectl-ecrcreds");
    let sa_user = format!("system:serviceaccount:{release_ns}:{sa_name}");
    let (code, out, _) = tool(
        "kubectl",
        &[
            "get",
            "deployment,serviceaccount,service",
            "-n",
            &release_ns,
            "-o",
            "name",
        ],
        None,
    );
    assert_eq!(code, 0);
    for obj in [
        format!("deployment.apps/{sa_name}"),
        format!("serviceaccount/{sa_name}"),
        format!("service/{sa_name}-metrics"),
    ] {
        assert!(out.contains(&obj), "{obj} in:\n{out}");
    }
    // The flags the Deployment runs the controller with, reused below.
    let (_, deploy_args, _) = tool(
        "kubectl",
        &[
            "get",
            "deployment",
            &sa_name,
            "-n",
            &release_ns,
            "-o",
            "jsonpath={.spec.template.spec.containers[0].args}",
        ],
        None,
    );
    let deploy_args: Vec<String> = serde_json::from_str(&deploy_args).unwrap();
    assert!(
        deploy_args.contains(&format!("--secret-access={expect_secret_access}")),
        "{deploy_args:?}"
    );

    // Minimal: none of what it does not need.
    for (verb, resource, ns) in [
        ("delete", "namespaces", None),
        ("create", "namespaces", None),
        ("update", "secrets", Some("default")),
        ("get", "configmaps", Some("default")),
        ("list", "pods", None),
        ("create", "deployments", Some(release_ns.as_str())),
        ("create", "clusterrolebindings", None),
        ("delete", "ecrpullsecrets.alchemy.com", None),
        ("create", "ecrpullsecrets.alchemy.com", None),
        ("update", "serviceaccounts", Some("default")),
        ("create", "serviceaccounts", Some("default")),
        ("create", "leases.coordination.k8s.io", Some("default")),
        ("impersonate", "users", None),
    ] {
        assert!(
            !can_i(&sa_user, verb, resource, ns),
            "{sa_user} must not {verb} {resource} in {ns:?}"
        );
    }
    assert!(can_i(
        &sa_user,
        "patch",
        "leases.coordination.k8s.io",
        Some(&release_ns)
    ));
    check(&release_ns, &sa_user).await;

    // Enough: the controller, run here as that ServiceAccount, does the whole
    // job. Through the audited admin, so the API server's audit log shows
    // every write it makes.
    let kc = std::fs::read_to_string(var("ECRCREDS_TEST_AUDITED_KUBECONFIG")).unwrap();
    let as_sa =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}.yaml", unique("as-sa")));
    std::fs::write(
        &as_sa,
        kc.replace("    token: ", &format!("    as: {sa_user}\n    token: ")),
    )
    .unwrap();
    let nss = [unique("rbac-a"), unique("rbac-b"), unique("rbac-c")];
    let foreign_ns = unique("rbac-foreign");
    let mut all: Vec<&str> = nss.iter().map(String::as_str).collect();
    all.push(&foreign_ns);
    namespaces(&client, &all, &[]).await;
    string_secret(
        &client,
        &release_ns,
        "aws-creds",
        &[
            ("AWS_ACCESS_KEY_ID", &access_key("rbac")),
            ("AWS_SECRET_ACCESS_KEY", "ref-secret-key-do-not-print"),
        ],
    )
    .await;
    string_secret(&client, &foreign_ns, "ecr-rbac", &[("app", "theirs")]).await;
    let id = unique("rbac");
    let mut ctl_args: Vec<&str> = vec![
        "--kubeconfig",
        as_sa.to_str().unwrap(),
        "--leader-elect=true",
        "--lease-namespace",
        &release_ns,
        "--lease-name",
        &release,
        // Short, so the repair below does not wait the chart's default.
        "--resync=2s",
    ];
    ctl_args.extend(
        deploy_args
            .iter()
            .filter(|a| a.starts_with("--secret-access="))
            .map(String::as_str),
    );
    let ctl = ControllerProc::start(&id, "unused", &ctl_args, &[]);
    let name = unique("rbac");
    create_for(&client, &id, &name, json!({
        "secretName": "ecr-rbac", "namespaces": all, "registries": [REG], "deletionPolicy": "Delete",
        "credentials": {"secretRef": {"name": "aws-creds", "namespace": release_ns}},
    })).await;
    let api: Api<ECRPullSecret> = Api::all(client.clone());
    eventually(Duration::from_secs(30), || async {
        api.get(&name)
            .await
            .ok()
            .and_then(|o| o.status)
            .and_then(|s| s.namespaces)
            .is_some_and(|n| n.ready == 3 && n.failed.len() == 1)
    })
    .await;
    let status = api.get(&name).await.unwrap().status.unwrap();
    let failed = &status.namespaces.unwrap().failed[0];
    assert_eq!(failed.namespace, foreign_ns);
    assert!(
        failed.reason.contains(&format!(
            "Conflict: Secret {foreign_ns}/ecr-rbac exists with another type"
        )),
        "{failed:?}"
    );
    for ns in &nss {
        assert!(secret(&client, ns, "ecr-rbac").await.is_some());
        let sa = Api::<ServiceAccount>::namespaced(client.clone(), ns)
            .get("default")
            .await
            .unwrap();
        assert!(
            sa.image_pull_secrets
                .unwrap_or_default()
                .iter()
                .any(|r| r.name == "ecr-rbac")
        );
    }
    // Passes with nothing to change (two resyncs at least) write nothing.
    let versions = async || {
        let mut v = Vec::new();
        for ns in &nss {
            let s = secret(&client, ns, "ecr-rbac").await.unwrap();
            v.push(s.metadata.resource_version.unwrap());
        }
        v
    };
    let before = versions().await;
    // Idle: counted, not timed, at least two more passes (resyncs every 2s),
    // and not one write to a Secret or a ServiceAccount, by the API server's
    // audit log. (The Lease renewals are writes of leader election.)
    let idle_from = jiff::Timestamp::now();
    let passes = ctl.metric("ecrcreds_reconciles_total");
    eventually(Duration::from_secs(60), || async {
        ctl.metric("ecrcreds_reconciles_total") >= passes + 2.0
    })
    .await;
    assert_eq!(
        versions().await,
        before,
        "an unchanged pass rewrote a Secret"
    );
    let idle_writes: Vec<_> = audited_writes()
        .into_iter()
        .filter(|w| w.impersonated == sa_user && w.received > idle_from && w.resource != "leases")
        .collect();
    assert!(idle_writes.is_empty(), "writes while idle: {idle_writes:?}");
    // A deleted Secret and an edited one come back within seconds, by watch.
    let secrets_in =
        |ns: &str| Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client.clone(), ns);
    secrets_in(&nss[1])
        .delete("ecr-rbac", &DeleteParams::default())
        .await
        .unwrap();
    secrets_in(&nss[2])
        .patch(
            "ecr-rbac",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(json!({"data": {".dockerconfigjson": "e30="}})),
        )
        .await
        .unwrap();
    let start = std::time::Instant::now();
    eventually(Duration::from_secs(2), || async {
        secret(&client, &nss[1], "ecr-rbac").await.is_some()
            && secret(&client, &nss[2], "ecr-rbac")
                .await
                .is_some_and(|s| auths(&s).contains_key(REG))
    })
    .await;
    eprintln!(
        "{expect_secret_access}: deleted and edited Secrets back in {:?}",
        start.elapsed()
    );
    // Deletion with cleanup, still as the ServiceAccount.
    api.delete(&name, &DeleteParams::default()).await.unwrap();
    eventually(Duration::from_secs(30), || async {
        api.get_opt(&name).await.unwrap().is_none()
    })
    .await;
    for ns in &nss {
        assert!(secret(&client, ns, "ecr-rbac").await.is_none());
        assert!(
            !pull_secret_entries(&client, ns, "default")
                .await
                .iter()
                .any(|n| n == "ecr-rbac"),
            "our entry is left in {ns}"
        );
    }
    let theirs = secret(&client, &foreign_ns, "ecr-rbac").await.unwrap();
    assert_eq!(theirs.type_.as_deref(), Some("Opaque"));
    assert_eq!(
        theirs.data.unwrap().get("app").map(|b| b.0.as_slice()),
        Some(&b"theirs"[..])
    );
    let logs = ctl.logs();
    assert!(
        !logs.contains("forbidden"),
        "a permission was missing:\n{logs}"
    );
    ctl.assert_clean_logs();

    // A credentials Secret, and a pull Secret name, the chart was not told
    // about: refused by RBAC in named mode, and the status says where to
    // grant them; the other resources carry on.
    if expect_secret_access == "named" {
        string_secret(
            &client,
            &release_ns,
            "not-granted",
            &[
                ("AWS_ACCESS_KEY_ID", &access_key("rbac")),
                ("AWS_SECRET_ACCESS_KEY", "ref-secret-key-do-not-print"),
            ],
        )
        .await;
        let name = unique("rbac-forbidden");
        create_for(
            &client,
            &id,
            &name,
            json!({
                "secretName": "ecr-rbac", "namespaces": [nss[0]], "registries": [REG],
                "credentials": {"secretRef": {"name": "not-granted", "namespace": release_ns}},
            }),
        )
        .await;
        refused(
            &client,
            &name,
            None,
            &["not-granted", "rbac.credentialsSecrets"],
        )
        .await;
        api.delete(&name, &DeleteParams::default()).await.unwrap();

        let name = unique("rbac-other-name");
        create_for(
            &client,
            &id,
            &name,
            json!({
                "secretName": "ecr-other", "namespaces": [nss[0]], "registries": [REG],
                "credentials": {"secretRef": {"name": "aws-creds", "namespace": release_ns}},
            }),
        )
        .await;
        refused(
            &client,
            &name,
            Some("SecretNotGranted"),
            &["add ecr-other to the Helm chart's rbac.pullSecretNames"],
        )
        .await;
        assert!(secret(&client, &nss[0], "ecr-other").await.is_none());
        api.delete(&name, &DeleteParams::default()).await.unwrap();

        // Keyless: the ServiceAccount the chart grants tokens of
        // (rbac.tokenServiceAccounts) gets the resource its tokens, by web
        // identity; one it does not grant is reported, with the value.
        let role = format!("arn:aws:iam::111122223333:role/{}", unique("chart-web"));
        let sa_api = Api::<ServiceAccount>::namespaced(client.clone(), &release_ns);
        for sa in ["ecr-web", "ecr-not-granted"] {
            let mut obj = ServiceAccount::default();
            obj.metadata.name = Some(sa.to_string());
            obj.metadata.annotations =
                Some([("eks.amazonaws.com/role-arn".to_string(), role.clone())].into());
            sa_api
                .create(&kube::api::PostParams::default(), &obj)
                .await
                .unwrap();
        }
        let name = unique("rbac-web");
        create_for(
            &client,
            &id,
            &name,
            json!({
                "secretName": "ecr-rbac", "namespaces": [nss[0]], "registries": [REG],
                "credentials": {"serviceAccountRef": {"name": "ecr-web", "namespace": release_ns}},
            }),
        )
        .await;
        eventually(Duration::from_secs(30), || async {
            api.get(&name)
                .await
                .ok()
                .and_then(|o| o.status)
                .and_then(|s| s.namespaces)
                .is_some_and(|n| n.ready == 1)
        })
        .await;
        let as_role: Vec<_> = moto_calls(&moto_url())
            .into_iter()
            .filter(|c| c.action == "GetAuthorizationToken" && c.role == role)
            .collect();
        assert_eq!(as_role.len(), 1, "{as_role:?}");
        api.delete(&name, &DeleteParams::default()).await.unwrap();
        let name = unique("rbac-web-denied");
        create_for(
            &client,
            &id,
            &name,
            json!({
                "secretName": "ecr-rbac", "namespaces": [nss[0]], "registries": [REG],
                "credentials": {"serviceAccountRef": {"name": "ecr-not-granted", "namespace": release_ns}},
            }),
        )
        .await;
        refused(
            &client,
            &name,
            Some("ServiceAccountTokenFailed"),
            &[
                &format!("no web identity token for ServiceAccount {release_ns}/ecr-not-granted"),
                "rbac.tokenServiceAccounts",
            ],
        )
        .await;
        api.delete(&name, &DeleteParams::default()).await.unwrap();
    }
    let _ = tool("helm", &["uninstall", &release, "-n", &release_ns], None);
}

/// Whether `as_user` may ask for tokens of ServiceAccount `sa` in `ns`.
fn can_request_token(as_user: &str, sa: &str, ns: &str) -> bool {
    let resource = format!("serviceaccounts/{sa}");
    let (_, out, _) = tool(
        "kubectl",
        &[
            "auth",
            "can-i",
            "create",
            &resource,
            "--subresource=token",
            "--as",
            as_user,
            "-n",
            ns,
        ],
        None,
    );
    out.trim() == "yes"
}

/// Waits until the resource reads Ready=False (with `reason`, when given)
/// with every part of `says` in its message, and a Warning Event of that
/// reason has been recorded (the Event follows the status write).
async fn refused(client: &kube::Client, name: &str, reason: Option<&str>, says: &[&str]) {
    let api = Api::<ECRPullSecret>::all(client.clone());
    let ready = || async {
        api.get(name)
            .await
            .ok()
            .and_then(|o| o.status)
            .and_then(|s| s.conditions.into_iter().find(|c| c.type_ == "Ready"))
    };
    eventually(Duration::from_secs(30), || async {
        ready().await.is_some_and(|c| {
            c.status == "False"
                && reason.is_none_or(|r| c.reason == r)
                && says.iter().all(|part| c.message.contains(part))
        })
    })
    .await;
    let seen = ready().await.unwrap().reason;
    let events = Api::<k8s_openapi::api::core::v1::Event>::all(client.clone());
    let lp = kube::api::ListParams::default().fields(&format!("involvedObject.name={name}"));
    eventually(Duration::from_secs(10), || async {
        events.list(&lp).await.is_ok_and(|l| {
            l.items
                .iter()
                .any(|e| e.reason.as_deref() == Some(seen.as_str()))
        })
    })
    .await;
}

#[tokio::test]
async fn helm_install_by_default_reads_only_secrets_of_its_names_and_repairs_within_seconds() {
    install_and_run_as_the_charts_service_account(
        &[
            "--set",
            "rbac.pullSecretNames={ecr-rbac,ecr-pull}",
            "--set",
            "rbac.tokenServiceAccounts[0].name=ecr-web",
        ],
        "named",
        async |ns, sa_user| {
            // Tokens of the one ServiceAccount it is given, and no other.
            assert!(can_request_token(sa_user, "ecr-web", ns));
            assert!(!can_request_token(sa_user, "ecr-not-granted", ns));
            assert!(!can_request_token(sa_user, "ecr-web", "default"));
            assert!(!can_request_token(sa_user, "default", "kube-system"));
            for verb in ["get", "list", "watch"] {
                for where_ in [Some("kube-system"), Some(ns), None] {
                    assert!(
                        !can_i(sa_user, verb, "secrets", where_),
                        "{sa_user} must not {verb} secrets in {where_:?}"
                    );
                    assert!(
                        !can_i(sa_user, verb, "secret/other", where_),
                        "{sa_user} must not {verb} secret/other in {where_:?}"
                    );
                    // The granted names, in any namespace and across all.
                    assert!(
                        can_i(sa_user, verb, "secret/ecr-rbac", where_),
                        "{sa_user} may {verb} secret/ecr-rbac in {where_:?}"
                    );
                }
            }
            assert!(!can_i(sa_user, "delete", "secrets", Some("kube-system")));
            assert!(!can_i(
                sa_user,
                "patch",
                "secret/other",
                Some("kube-system")
            ));
            assert!(can_i(
                sa_user,
                "patch",
                "secret/ecr-pull",
                Some("kube-system")
            ));
            // Only the credentials Secret it is given, by name.
            assert!(can_i(sa_user, "get", "secret/aws-creds", Some(ns)));
            assert!(!can_i(sa_user, "get", "secret/other", Some(ns)));
        },
    )
    .await;
}

#[tokio::test]
async fn helm_install_with_secret_reads_on_watches_cluster_wide_and_does_the_whole_job() {
    install_and_run_as_the_charts_service_account(
        &["--set", "controller.secretAccess=read"],
        "read",
        async |_, sa_user| {
            // What this mode trades for no list of names.
            assert!(can_i(sa_user, "watch", "secrets", None));
            assert!(!can_i(sa_user, "update", "secrets", Some("kube-system")));
        },
    )
    .await;
}

#[test]
fn the_release_workflow_publishes_the_image_the_chart_deploys() {
    let workflow = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let values: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(repo().join("chart/values.yaml")).unwrap())
            .unwrap();
    let repository = values["image"]["repository"].as_str().unwrap();
    assert!(
        workflow.contains(&format!("  IMAGE: {repository}\n")),
        "the release workflow's IMAGE is not the chart's image.repository {repository}"
    );
    // The chart's default tag is its appVersion, which the release sets to
    // the tag without its "v"; the image index is pushed under that.
    assert_eq!(values["image"]["tag"].as_str(), Some(""));
    assert!(workflow.contains("--app-version \"${GITHUB_REF_NAME#v}\""));
    assert!(workflow.contains("-t \"$IMAGE:$tag\""));
    assert!(workflow.contains("tag=\"${GITHUB_REF_NAME#v}\""));
    // Built with the script the tests run.
    assert!(workflow.contains("release/image.sh target/release/kubectl-ecrcreds"));
    assert!(workflow.contains("release/archive.sh"));
}
