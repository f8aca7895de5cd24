//! What users install, on the test node: the controller image that
//! release/image.sh builds (the release workflow's script), pushed to the
//! test registry under an ECR host, run by the Helm chart with its own
//! securityContext; the controller, from inside its Pod, resolves the test
//! ECR by a host name, writes the Secrets, keeps them fresh across a
//! rotation, hands over when its Pod is deleted, and leaves nothing behind
//! after `helm uninstall` and `cleanup --all`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, ListParams, LogParams, PostParams};
use kube::{Api, Client};
use serde_json::json;

const USE1: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
/// A name only the Pod's /etc/hosts knows (`hostAliases`); `.invalid` can
/// never be a real one.
const ECR_NAME: &str = "test-ecr.ecrcreds.invalid";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a program from the repository root: (success, stdout, stderr).
fn tool(
    program: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let out = command(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn crane(args: &[&str]) -> String {
    let mut all = vec!["--insecure"];
    all.extend_from_slice(args);
    let (ok, out, err) = tool(var("ECRCREDS_TEST_CRANE"), &all, &[]);
    assert!(ok, "crane {args:?}: {err}");
    out
}

/// The image, built once per test binary (both tests here run it).
fn image_tag() -> String {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(build_image).clone()
}

/// Builds the image with the release script and pushes it to the test
/// registry; returns the tag.
fn build_image() -> String {
    let tag = unique("img");
    let target = format!(
        "{}/kubectl-ecrcreds:{tag}",
        var("ECRCREDS_TEST_REGISTRY_BACKEND")
    );
    let start = Instant::now();
    let (ok, digest, err) = tool(
        "release/image.sh",
        &[
            release_binary().to_str().unwrap(),
            "amd64",
            &target,
            &var("ECRCREDS_TEST_DEB_CACHE"),
        ],
        &[
            ("CRANE", &var("ECRCREDS_TEST_CRANE")),
            ("CRANE_FLAGS", "--insecure"),
        ],
    );
    assert!(ok, "release/image.sh failed: {err}");
    assert!(digest.trim().starts_with("sha256:"), "{digest}");
    eprintln!("image built and pushed in {:?}", start.elapsed());

    // Its config: non-root, the binary as entrypoint, the controller by default.
    let config: serde_json::Value = serde_json::from_str(&crane(&["config", &target])).unwrap();
    assert_eq!(config["architecture"], "amd64");
    assert_eq!(config["os"], "linux");
    assert_eq!(config["config"]["User"], "65532:65532");
    assert_eq!(config["config"]["Entrypoint"], json!(["/kubectl-ecrcreds"]));
    assert_eq!(config["config"]["Cmd"], json!(["controller"]));
    let manifest: serde_json::Value = serde_json::from_str(&crane(&["manifest", &target])).unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1, "{manifest}");
    let compressed = layers[0]["size"].as_u64().unwrap();

    // Its files: the binary, the C runtime, CA certificates, the users and
    // the resolver's configuration, licenses; no shell, nothing else.
    let export = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{tag}.tar"));
    let (ok, _, err) = tool(
        var("ECRCREDS_TEST_CRANE"),
        &["--insecure", "export", &target, export.to_str().unwrap()],
        &[],
    );
    assert!(ok, "crane export: {err}");
    let (ok, listing, err) = tool("tar", &["-tvf", export.to_str().unwrap()], &[]);
    assert!(ok, "{err}");
    let _ = std::fs::remove_file(&export);
    let mut unpacked = 0u64;
    let mut files = Vec::new();
    for line in listing.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        unpacked += cols[2].parse::<u64>().unwrap_or(0);
        files.push(cols[5].trim_start_matches("./").to_string());
    }
    for want in [
        "kubectl-ecrcreds",
        "etc/ssl/certs/ca-certificates.crt",
        "etc/passwd",
        "etc/group",
        "etc/nsswitch.conf",
        "lib/x86_64-linux-gnu/libc.so.6",
        "lib/x86_64-linux-gnu/libgcc_s.so.1",
        "lib64/ld-linux-x86-64.so.2",
        "usr/share/doc/libc6/copyright",
    ] {
        assert!(files.iter().any(|f| f == want), "{want} missing: {files:?}");
    }
    for shell in ["bin/sh", "bin/bash", "usr/bin/sh", "bin/busybox"] {
        assert!(!files.iter().any(|f| f == shell), "the image has {shell}");
    }
    eprintln!(
        "image: {:.1} MiB compressed, {:.1} MiB unpacked, {} entries",
        compressed as f64 / 1048576.0,
        unpacked as f64 / 1048576.0,
        files.len()
    );
    tag
}

fn image(tag: &str) -> String {
    format!("{USE1}/kubectl-ecrcreds:{tag}")
}

async fn pods(client: &Client, ns: &str) -> Vec<Pod> {
    Api::<Pod>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn name_of(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

async fn lease_holder(client: &Client, ns: &str) -> Option<String> {
    let leases = Api::<Lease>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items;
    assert!(leases.len() <= 1, "more than one Lease: {leases:?}");
    leases
        .into_iter()
        .next()
        .and_then(|l| l.spec)
        .and_then(|s| s.holder_identity)
        .filter(|h| !h.is_empty())
}

async fn resource_ready(client: &Client, name: &str) -> bool {
    get_resource(client, name)
        .await
        .status
        .unwrap_or_default()
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The memory of the process running `/kubectl-ecrcreds controller` in the
/// Pod with `uid`, in MiB: its container's memory cgroup `total_rss` (anonymous
/// memory) and the process's own VmRSS (which adds the mapped binary).
fn controller_rss_mib(uid: &str) -> Option<(f64, f64)> {
    let cgroup_uid = uid.replace('-', "_");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let dir = entry.path();
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        if !cmdline.starts_with(b"/kubectl-ecrcreds\0controller") {
            continue;
        }
        let cgroups = std::fs::read_to_string(dir.join("cgroup")).unwrap_or_default();
        let Some(path) = cgroups.lines().find_map(|l| {
            let (_, rest) = l.split_once(':')?;
            let (controllers, path) = rest.split_once(':')?;
            controllers
                .split(',')
                .any(|c| c == "memory")
                .then_some(path)
        }) else {
            continue;
        };
        if !path.contains(uid) && !path.contains(&cgroup_uid) {
            continue;
        }
        let stat = std::fs::read_to_string(
            Path::new("/sys/fs/cgroup/memory")
                .join(path.trim_start_matches('/'))
                .join("memory.stat"),
        )
        .ok()?;
        let rss = stat.lines().find_map(|l| l.strip_prefix("total_rss "))?;
        let status = std::fs::read_to_string(dir.join("status")).ok()?;
        let vm_rss = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
        let vm_rss_kib: f64 = vm_rss.trim().trim_end_matches("kB").trim().parse().ok()?;
        return Some((
            rss.trim().parse::<f64>().ok()? / 1048576.0,
            vm_rss_kib / 1024.0,
        ));
    }
    None
}

#[tokio::test]
async fn the_release_image_runs_from_the_chart_on_the_node_and_does_the_whole_job() {
    require_node();
    install_crd();
    let client = client().await;
    let tag = image_tag();
    let id = unique("img");
    let rel = unique("img-sys");
    let app = unique("img-app");
    namespaces(&client, &[&rel, &app], &[]).await;

    // The controller's image needs a pull Secret of its own: the plugin makes
    // it (with a 12-hour token), as a user without a running controller would.
    let boot = unique("img-boot");
    create_for(
        &client,
        &id,
        &boot,
        json!({"secretName": "ecr-pull", "namespaces": [rel], "registries": [USE1], "serviceAccounts": []}),
    )
    .await;
    let r = run(bin(&access_key("imgboot")).args(["refresh", &boot]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // The binary inside answers `version`, as the image's user, with no shell.
    let version_pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "version", "namespace": rel},
        "spec": {
            "hostNetwork": true, "restartPolicy": "Never",
            "imagePullSecrets": [{"name": "ecr-pull"}],
            "containers": [{"name": "version", "image": image(&tag), "args": ["version"]}],
        },
    }))
    .unwrap();
    let pod_api = Api::<Pod>::namespaced(client.clone(), &rel);
    pod_api
        .create(&PostParams::default(), &version_pod)
        .await
        .unwrap();
    eventually(Duration::from_secs(60), || async {
        pod_api
            .get("version")
            .await
            .ok()
            .and_then(|p| p.status)
            .and_then(|s| s.phase)
            .is_some_and(|p| p == "Succeeded")
    })
    .await;
    let printed = pod_api
        .logs("version", &LogParams::default())
        .await
        .unwrap();
    assert!(printed.starts_with("kubectl-ecrcreds "), "{printed}");
    pod_api
        .delete("version", &DeleteParams::default())
        .await
        .unwrap();

    // The chart, with the controller's own key whose tokens live 2 minutes.
    let key = access_key("imgctl");
    set_token_lifetime(&moto_url(), &key, 120.0);
    string_secret(
        &client,
        &rel,
        "aws-creds",
        &[
            ("AWS_ACCESS_KEY_ID", &key),
            ("AWS_SECRET_ACCESS_KEY", "testenv-secret-key"),
        ],
    )
    .await;
    let moto_port = moto_url().rsplit(':').next().unwrap().to_string();
    let metrics_port = free_port().to_string();
    let values =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{id}-values.json"));
    std::fs::write(
        &values,
        json!({
            "image": {"repository": format!("{USE1}/kubectl-ecrcreds"), "tag": tag},
            "imagePullSecrets": [{"name": "ecr-pull"}],
            "hostNetwork": true,
            "hostAliases": [{"ip": "127.0.0.1", "hostnames": [ECR_NAME]}],
            "metrics": {"bindAddress": "127.0.0.1", "port": metrics_port.parse::<u16>().unwrap()},
            "leaderElection": {"leaseDuration": "6s"},
            "aws": {"region": "us-east-1", "credentials": {"secretName": "aws-creds"}},
            "controller": {
                "logFormat": "text",
                // Only this test's resources: the CronJob test beside it has
                // resources of its own (and one no runner may touch).
                "selector": format!("ecrcreds-test={id}"),
                "extraEnv": [
                    {"name": "AWS_ENDPOINT_URL", "value": format!("http://{ECR_NAME}:{moto_port}")},
                    {"name": "AWS_EC2_METADATA_DISABLED", "value": "true"},
                    {"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"},
                    {"name": "KUBERNETES_SERVICE_PORT", "value": var("ECRCREDS_TEST_API_PORT")},
                ],
            },
        })
        .to_string(),
    )
    .unwrap();
    let release = unique("img");
    let installed = Instant::now();
    let (ok, _, err) = tool(
        "helm",
        &[
            "install",
            &release,
            "chart",
            "-n",
            &rel,
            "-f",
            values.to_str().unwrap(),
            "--set",
            "rbac.pullSecretNames={ecr-pull}",
        ],
        &[],
    );
    let _ = std::fs::remove_file(&values);
    assert!(ok, "helm install: {err}");

    // One Pod Ready and holding the Lease; the second replica cannot share
    // the node's network ports and waits, Pending.
    eventually(Duration::from_secs(90), || async {
        pods(&client, &rel).await.iter().any(is_ready)
    })
    .await;
    eprintln!(
        "helm install to a Ready controller Pod: {:?}",
        installed.elapsed()
    );
    let leader = pods(&client, &rel)
        .await
        .into_iter()
        .find(is_ready)
        .unwrap();
    eventually(Duration::from_secs(30), || async {
        lease_holder(&client, &rel).await == Some(name_of(&leader))
    })
    .await;
    let all = pods(&client, &rel).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let standby = all.iter().find(|p| name_of(p) != name_of(&leader)).unwrap();
    assert_eq!(
        standby.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Pending")
    );
    let spec = leader.spec.as_ref().unwrap();
    let sc = spec.containers[0].security_context.as_ref().unwrap();
    assert_eq!(sc.read_only_root_filesystem, Some(true));
    assert_eq!(sc.allow_privilege_escalation, Some(false));
    assert_eq!(
        sc.capabilities.as_ref().and_then(|c| c.drop.clone()),
        Some(vec!["ALL".to_string()])
    );

    // The whole job, from inside the Pod: the Secret in the app namespace and
    // its ServiceAccount entry, with tokens from the test ECR by its name.
    let name = unique("img-app");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-pull", "namespaces": [app], "registries": [USE1], "refreshInterval": "1h"}),
    )
    .await;
    eventually(Duration::from_secs(60), || resource_ready(&client, &name)).await;
    assert!(
        !token_calls(&moto_url(), &key).is_empty(),
        "the in-Pod controller fetched no token with its key"
    );
    let first = auths(&secret(&client, &app, "ecr-pull").await.unwrap())[USE1]
        .1
        .clone();
    let first_token = issued(&moto_url(), &first, "us-east-1");
    assert_eq!(first_token.access_key_id, key);
    create_pod(&client, &app, "early", &ecr_image(USE1), false).await;
    assert_eq!(
        pod_outcome(&client, &app, "early", Duration::from_secs(60)).await,
        PodOutcome::Running
    );
    if let Some((rss, vm_rss)) = controller_rss_mib(leader.metadata.uid.as_deref().unwrap()) {
        eprintln!("controller in its Pod: cgroup total_rss {rss:.1} MiB, VmRSS {vm_rss:.1} MiB");
    } else {
        panic!("found no memory cgroup of the controller's process");
    }

    // Across a rotation: after the first token expired, a new pull works.
    eventually(Duration::from_secs(150), || async {
        !issued(&moto_url(), &first, "us-east-1").live
    })
    .await;
    let now = auths(&secret(&client, &app, "ecr-pull").await.unwrap())[USE1]
        .1
        .clone();
    assert_ne!(now, first, "the controller did not rotate the token");
    assert!(issued(&moto_url(), &now, "us-east-1").live);
    create_pod(&client, &app, "late", &ecr_image(USE1), true).await;
    assert_eq!(
        pod_outcome(&client, &app, "late", Duration::from_secs(60)).await,
        PodOutcome::Running
    );

    // The in-Pod controller's log joins the suite's others, which
    // testenv/test.sh searches for tokens and keys.
    let log = pod_api
        .logs(&name_of(&leader), &LogParams::default())
        .await
        .unwrap();
    assert!(log.contains("pass done"), "{log}");
    if let Some(dir) = test_env().get("ECRCREDS_TEST_LOG_DIR") {
        std::fs::write(Path::new(dir).join(format!("{id}-pod.log")), &log).unwrap();
    }

    // Deleting the leader's Pod hands over to the other replica.
    let cut = Instant::now();
    pod_api
        .delete(&name_of(&leader), &DeleteParams::default())
        .await
        .unwrap();
    eventually(Duration::from_secs(90), || async {
        lease_holder(&client, &rel)
            .await
            .is_some_and(|h| h == name_of(standby))
            && pods(&client, &rel)
                .await
                .iter()
                .any(|p| name_of(p) == name_of(standby) && is_ready(p))
    })
    .await;
    eprintln!(
        "leader Pod deleted to the standby Ready and leading: {:?}",
        cut.elapsed()
    );

    // helm uninstall and cleanup --all leave nothing of ours.
    for pod in ["early", "late"] {
        delete_pod(&client, &app, pod).await;
    }
    let (ok, _, err) = tool("helm", &["uninstall", &release, "-n", &rel, "--wait"], &[]);
    assert!(ok, "helm uninstall: {err}");
    let r = run(bin(&access_key("imgboot")).args(["cleanup", "--all", "--yes"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for ns in [&rel, &app] {
        assert!(secret(&client, ns, "ecr-pull").await.is_none(), "{ns}");
    }
    assert!(
        !pull_secret_entries(&client, &app, "default")
            .await
            .iter()
            .any(|n| n == "ecr-pull"),
        "the default ServiceAccount keeps our entry"
    );
    eventually(Duration::from_secs(60), || async {
        pods(&client, &rel).await.is_empty()
    })
    .await;
    let resources = Api::<kubectl_ecrcreds::crd::ECRPullSecret>::all(client.clone());
    for n in [&boot, &name] {
        let _ = resources.delete(n, &DeleteParams::default()).await;
    }
}

#[tokio::test]
async fn the_charts_cronjob_mode_refreshes_with_no_controller_and_keyless_credentials() {
    require_node();
    install_crd();
    let client = client().await;
    let tag = image_tag();
    let id = unique("cron");
    let rel = unique("cron-sys");
    let app = unique("cron-app");
    namespaces(&client, &[&rel, &app], &[]).await;
    // The image's own pull Secret, from the plugin.
    let boot = unique("cron-boot");
    create_for(
        &client,
        &id,
        &boot,
        json!({"secretName": "ecr-pull", "namespaces": [rel], "registries": [USE1], "serviceAccounts": []}),
    )
    .await;
    let r = run(bin(&access_key("cronboot")).args(["refresh", &boot]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Mode cronjob, with no AWS keys anywhere: the chart's projected
    // ServiceAccount token and AWS_ROLE_ARN ("IRSA anywhere") are all the
    // default chain has.
    let role = format!("arn:aws:iam::111122223333:role/{}", unique("cron"));
    let moto_port = moto_url().rsplit(':').next().unwrap().to_string();
    let values =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{id}-values.json"));
    std::fs::write(
        &values,
        json!({
            "mode": "cronjob",
            "image": {"repository": format!("{USE1}/kubectl-ecrcreds"), "tag": tag},
            "imagePullSecrets": [{"name": "ecr-pull"}],
            "hostNetwork": true,
            "hostAliases": [{"ip": "127.0.0.1", "hostnames": [ECR_NAME]}],
            "aws": {"webIdentity": {"roleArn": role}},
            "rbac": {"pullSecretNames": ["ecr-cron", "ecr-pull"]},
            "controller": {
                "logFormat": "text",
                "selector": format!("ecrcreds-test={id}"),
                "extraEnv": [
                    {"name": "AWS_ENDPOINT_URL", "value": format!("http://{ECR_NAME}:{moto_port}")},
                    {"name": "AWS_EC2_METADATA_DISABLED", "value": "true"},
                    {"name": "AWS_REGION", "value": "us-east-1"},
                    {"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"},
                    {"name": "KUBERNETES_SERVICE_PORT", "value": var("ECRCREDS_TEST_API_PORT")},
                ],
            },
        })
        .to_string(),
    )
    .unwrap();
    let release = unique("cron");
    let (ok, _, err) = tool(
        "helm",
        &[
            "install",
            &release,
            "chart",
            "-n",
            &rel,
            "-f",
            values.to_str().unwrap(),
        ],
        &[],
    );
    let _ = std::fs::remove_file(&values);
    assert!(ok, "helm install: {err}");
    let (ok, out, _) = tool(
        "kubectl",
        &["get", "deployments,cronjobs", "-n", &rel, "-o", "name"],
        &[],
    );
    assert!(ok);
    let cronjob = format!("{release}-kubectl-ecrcreds");
    assert_eq!(
        out.trim(),
        format!("cronjob.batch/{cronjob}"),
        "no controller"
    );

    let name = unique("cron-app");
    create_for(
        &client,
        &id,
        &name,
        json!({"secretName": "ecr-cron", "namespaces": [app], "registries": [USE1]}),
    )
    .await;
    let unlabelled = unique("cron-other");
    create_resource(
        &client,
        &unlabelled,
        json!({"secretName": "ecr-cron", "namespaces": [app], "registries": [USE1]}),
    )
    .await;
    // A run by hand, from the CronJob's own template.
    let started = Instant::now();
    let (ok, _, err) = tool(
        "kubectl",
        &[
            "create",
            "job",
            "by-hand",
            "-n",
            &rel,
            &format!("--from=cronjob/{cronjob}"),
        ],
        &[],
    );
    assert!(ok, "kubectl create job: {err}");
    let jobs = Api::<k8s_openapi::api::batch::v1::Job>::namespaced(client.clone(), &rel);
    let outcome = async || {
        let status = jobs.get("by-hand").await.ok()?.status?;
        if status.succeeded.unwrap_or(0) > 0 {
            Some(true)
        } else if status.failed.unwrap_or(0) > 0 {
            Some(false)
        } else {
            None
        }
    };
    eventually(Duration::from_secs(120), || async {
        outcome().await.is_some()
    })
    .await;
    let job_pods = Api::<Pod>::namespaced(client.clone(), &rel)
        .list(&ListParams::default().labels("job-name=by-hand"))
        .await
        .unwrap()
        .items;
    let mut logs = String::new();
    for p in &job_pods {
        logs.push_str(
            &Api::<Pod>::namespaced(client.clone(), &rel)
                .logs(&name_of(p), &LogParams::default())
                .await
                .unwrap_or_default(),
        );
    }
    assert_no_secrets(&logs);
    assert_eq!(outcome().await, Some(true), "the Job failed:\n{logs}");
    eprintln!(
        "cronjob mode: a Job run by hand finished in {:?}",
        started.elapsed()
    );

    // The Secret, with a token ECR issued to the role the web identity
    // assumed; the subject is the chart's ServiceAccount.
    let password = auths(&secret(&client, &app, "ecr-cron").await.expect("written"))[USE1]
        .1
        .clone();
    assert!(issued(&moto_url(), &password, "us-east-1").live);
    let calls = moto_calls(&moto_url());
    let sts: Vec<_> = calls
        .iter()
        .filter(|c| c.action == "AssumeRoleWithWebIdentity" && c.role_arn == role)
        .collect();
    assert!(!sts.is_empty(), "no AssumeRoleWithWebIdentity for {role}");
    assert_eq!(
        sts[0].subject,
        format!("system:serviceaccount:{rel}:{release}-kubectl-ecrcreds")
    );
    assert_eq!(sts[0].audience, "sts.amazonaws.com");
    let as_role = calls
        .iter()
        .filter(|c| c.action == "GetAuthorizationToken" && c.role == role)
        .count();
    assert_eq!(as_role, 1, "one token call, as the role");
    assert!(resource_ready(&client, &name).await);
    // Only the resources of its selector (controller.selector).
    assert!(
        get_resource(&client, &unlabelled).await.status.is_none(),
        "a resource outside the selector was refreshed"
    );
    let _ = tool("helm", &["uninstall", &release, "-n", &rel], &[]);
}
