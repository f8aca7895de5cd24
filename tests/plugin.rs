//! The plugin as a person drives it: create, list, describe, cleanup, output
//! formats, completions and every error sentence, against the real API server.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use kube::api::DeleteParams;
use kube::{Api, ResourceExt};
use kubectl_ecrcreds::crd::ECRPullSecret;
use serde_json::json;

const REG: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

/// A failing run: non-zero, one `error:` sentence holding `text`.
fn fails_with(r: &Run, text: &str) {
    assert_ne!(r.code, 0, "expected failure; stdout:\n{}", r.stdout);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "one error sentence:\n{}", r.stderr);
    assert!(
        errors[0].contains(text),
        "expected {text:?} in: {}",
        errors[0]
    );
}

#[tokio::test]
async fn list_prints_a_table_that_fits_80_columns_and_round_trips_as_json_and_yaml() {
    install_crd();
    let client = client().await;
    let id = unique("list");
    let ns = unique("list-ns");
    namespaces(&client, &[&ns], &[]).await;
    let a = unique("list-a");
    let b = unique("list-b");
    create_for(
        &client,
        &id,
        &a,
        json!({"secretName": "ecr-list", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    create_for(&client, &id, &b, json!({"secretName": "ecr-list-b", "namespaces": [ns, "absent-ns"], "registries": [REG], "suspend": true})).await;
    ok(&run(bin(&access_key("list")).args(["refresh", &a])));

    let sel = format!("ecrcreds-test={id}");
    let r = run(bin("x").args(["list", "-l", &sel]));
    ok(&r);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    for h in [
        "NAME",
        "SECRET",
        "NAMESPACES",
        "READY",
        "LAST REFRESH",
        "EXPIRES IN",
        "AGE",
    ] {
        assert!(lines[0].contains(h), "header {h}: {}", lines[0]);
    }
    assert!(
        lines.iter().all(|l| l.len() <= 80),
        "fits 80 columns:\n{}",
        r.stdout
    );
    let row_a = lines.iter().find(|l| l.starts_with(&a)).unwrap();
    assert!(
        row_a.contains("1/1")
            && row_a.contains("True")
            && (row_a.contains(" 11h ") || row_a.contains(" 12h ")),
        "a real token expires in about 12 hours: {row_a}"
    );
    let row_b = lines.iter().find(|l| l.starts_with(&b)).unwrap();
    assert!(
        row_b.contains("Paused") && row_b.contains("never"),
        "{row_b}"
    );

    // kubectl's own view through the CRD's printer columns: a future expiry
    // reads as a time, not as kubectl's `<invalid>` for a future "date".
    let got = command("kubectl")
        .args(["get", "ecrps", &a])
        .output()
        .unwrap();
    let got = String::from_utf8_lossy(&got.stdout);
    let expires = get_resource(&client, &a)
        .await
        .status
        .unwrap()
        .expires_at
        .unwrap()
        .0;
    assert!(
        !got.contains("<invalid>")
            && got.contains(&expires.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "{got}"
    );

    let wide = run(bin("x").args(["list", "-l", &sel, "-o", "wide"]));
    ok(&wide);
    assert!(wide.stdout.contains("REASON") && wide.stdout.contains(REG));

    for fmt in ["json", "yaml"] {
        let r = run(bin("x").args(["list", "-l", &sel, "-o", fmt]));
        ok(&r);
        let v: serde_json::Value = if fmt == "json" {
            serde_json::from_str(&r.stdout).unwrap()
        } else {
            serde_yaml::from_str(&r.stdout).unwrap()
        };
        assert_eq!(v["kind"], "List");
        let items: Vec<ECRPullSecret> =
            serde_json::from_value(v["items"].clone()).expect("items are ECRPullSecrets");
        let live = get_resource(&client, &a).await;
        let back = items.iter().find(|i| i.name_any() == a).unwrap();
        assert_eq!(back.spec, live.spec);
        assert_eq!(back.status, live.status);
    }
    let names = run(bin("x").args(["list", "-l", &sel, "-o", "name"]));
    ok(&names);
    assert_eq!(
        names.stdout,
        format!("ecrpullsecret.alchemy.com/{a}\necrpullsecret.alchemy.com/{b}\n")
    );
}

#[tokio::test]
async fn describe_shows_each_target_namespace_from_the_live_cluster_and_recent_events() {
    install_crd();
    let client = client().await;
    let name = unique("desc");
    let [good, gone, missing] = [
        unique("desc-good"),
        unique("desc-gone"),
        unique("desc-missing"),
    ];
    namespaces(&client, &[&good, &gone], &[]).await;
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-desc", "namespaces": [good, gone, missing], "registries": [REG]}),
    )
    .await;
    // One namespace does not exist: a partial refresh, exit code 3.
    assert_eq!(
        run(bin(&access_key("desc")).args(["refresh", &name])).code,
        3
    );
    Api::<Secret>::namespaced(client.clone(), &gone)
        .delete("ecr-desc", &DeleteParams::default())
        .await
        .unwrap();

    let r = run(bin("x").args(["describe", &name]));
    ok(&r);
    let out = &r.stdout;
    assert!(out.contains(&format!("Name:             {name}")), "{out}");
    assert!(out.contains("Secret:           ecr-desc"));
    assert!(out.contains("PartialFailure"), "{out}");
    let row = |ns: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(ns))
            .unwrap_or_else(|| panic!("row {ns}:\n{out}"))
            .to_string()
    };
    // A real token lives 12 hours: present, current, with the time left.
    let good_row = row(&good);
    assert!(
        good_row.contains("present")
            && (good_row.contains(" 11h ") || good_row.contains(" 12h "))
            && good_row.contains("default"),
        "{good_row}"
    );
    assert!(!out.contains("expired") && !out.contains("stale"), "{out}");
    assert!(row(&gone).contains("missing"), "{}", row(&gone));
    assert!(
        row(&missing).contains("missing") && row(&missing).contains("namespace not found"),
        "{}",
        row(&missing)
    );
    assert!(
        out.contains("Events:") && out.contains("Warning  PartialFailure"),
        "{out}"
    );

    let j = run(bin("x").args(["describe", &name, "-o", "json"]));
    ok(&j);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["namespaces"].as_array().unwrap().len(), 3);
    let _: ECRPullSecret = serde_json::from_value(v["resource"].clone()).unwrap();
}

#[tokio::test]
async fn create_from_flags_dry_runs_create_nothing_and_a_second_create_is_refused() {
    install_crd();
    let client = client().await;
    let name = unique("create");
    let api: Api<ECRPullSecret> = Api::all(client.clone());
    let flags = |extra: &[&str]| {
        let mut v = vec![
            "create".to_string(),
            name.clone(),
            "--secret-name".into(),
            "ecr-new".into(),
            "--namespaces".into(),
            "default,kube-public".into(),
            "--registries".into(),
            REG.into(),
            "--namespace-selector".into(),
            "team=a,!legacy".into(),
            "--secret-ref".into(),
            "ecr-system/aws".into(),
            "--role-arn".into(),
            "arn:aws:iam::111122223333:role/pull".into(),
            "--external-id".into(),
            "xyz".into(),
            "--service-accounts".into(),
            "default,builder".into(),
            "--refresh-interval".into(),
            "90m".into(),
            "--deletion-policy".into(),
            "Delete".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let client_dry = run(bin("x").args(flags(&["--dry-run=client", "-o", "yaml"])));
    ok(&client_dry);
    let printed: ECRPullSecret = serde_yaml::from_str(&client_dry.stdout).unwrap();
    assert_eq!(printed.spec.refresh_interval.as_deref(), Some("90m"));
    assert!(
        api.get_opt(&name).await.unwrap().is_none(),
        "client dry run creates nothing"
    );

    let server_dry = run(bin("x").args(flags(&["--dry-run=server", "-o", "json"])));
    ok(&server_dry);
    let validated: ECRPullSecret = serde_json::from_str(&server_dry.stdout).unwrap();
    assert_eq!(validated.spec, printed.spec);
    assert!(
        api.get_opt(&name).await.unwrap().is_none(),
        "server dry run creates nothing"
    );

    let created = run(bin("x").args(flags(&[])));
    ok(&created);
    assert_eq!(
        created.stdout,
        format!("ecrpullsecret.alchemy.com/{name} created\n")
    );
    assert_eq!(api.get(&name).await.unwrap().spec, printed.spec);

    let again = run(bin("x").args(flags(&[])));
    fails_with(&again, "already exists");
    assert!(again.stderr.contains("--overwrite"));
    ok(&run(bin("x").args(flags(&["--overwrite", "--suspend"]))));
    assert_eq!(api.get(&name).await.unwrap().spec.suspend, Some(true));
}

#[tokio::test]
async fn interactive_create_through_a_terminal_makes_the_same_resource_as_the_flags() {
    install_crd();
    let client = client().await;
    let [ns1, ns2] = [unique("tty-a"), unique("tty-b")];
    namespaces(&client, &[&ns1, &ns2], &[]).await;
    let name = unique("tty");
    string_secret(
        &client,
        &ns1,
        "aws-tty",
        &[
            ("AWS_ACCESS_KEY_ID", "AKIATTYREF"),
            ("AWS_SECRET_ACCESS_KEY", "ref-secret-key-do-not-print"),
        ],
    )
    .await;
    let script = json!([
        ["Secret name", "ecr-tty\r"],
        ["Target namespaces", {"pick": [ns1, ns2]}],
        ["ECR registry hosts", format!("{REG}\r")],
        ["AWS credentials", {"choose": format!("{ns1}/aws-tty")}],
    ]);
    let bin_path = env!("CARGO_BIN_EXE_kubectl-ecrcreds");
    let out = command(var("ECRCREDS_TEST_MOTO_PYTHON"))
        .arg(var("ECRCREDS_TEST_PTY_DRIVER"))
        .arg(script.to_string())
        .args(["--", bin_path, "create", &name])
        .env("AWS_ACCESS_KEY_ID", "AKIATTY")
        .env("AWS_SECRET_ACCESS_KEY", "testenv-secret-key")
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "transcript:\n{transcript}");
    assert_no_secrets(&transcript);
    let made = get_resource(&client, &name).await;

    let flags = run(bin("x").args([
        "create",
        &name,
        "--secret-name",
        "ecr-tty",
        "--namespaces",
        &format!("{ns1},{ns2}"),
        "--registries",
        REG,
        "--secret-ref",
        &format!("{ns1}/aws-tty"),
        "--dry-run=client",
        "-o",
        "json",
    ]));
    ok(&flags);
    let expected: ECRPullSecret = serde_json::from_str(&flags.stdout).unwrap();
    assert_eq!(made.spec, expected.spec);
}

#[tokio::test]
async fn create_without_a_terminal_never_waits_for_a_prompt() {
    install_crd();
    let start = std::time::Instant::now();
    let r = run(bin("x").args(["create", &unique("notty"), "--namespaces", "default"]));
    fails_with(&r, "missing --secret-name");
    assert!(start.elapsed() < Duration::from_secs(10));
    let r = run(bin("x").args(["create", &unique("notty"), "--secret-name", "x", "--yes"]));
    fails_with(&r, "no target namespaces");
}

#[tokio::test]
async fn cleanup_removes_only_our_secrets_and_entries_and_finds_orphans() {
    install_crd();
    let client = client().await;
    let ns = unique("clean");
    namespaces(&client, &[&ns], &[]).await;
    foreign_neighbours(&client, &ns).await;
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), &ns);
    let [kept, orphaned] = [unique("clean-kept"), unique("clean-orphan")];
    create_resource(
        &client,
        &kept,
        json!({"secretName": "ecr-kept", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    create_resource(
        &client,
        &orphaned,
        json!({"secretName": "ecr-orphan", "namespaces": [ns], "registries": [REG]}),
    )
    .await;
    ok(&run(
        bin(&access_key("clean")).args(["refresh", &kept, &orphaned])
    ));
    let entries = || async {
        sas.get("default")
            .await
            .unwrap()
            .image_pull_secrets
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(entries().await, vec!["theirs", "ecr-kept", "ecr-orphan"]);

    // Dry run: listed, nothing changed.
    let dry = run(bin("x").args(["cleanup", &kept, "--dry-run"]));
    ok(&dry);
    assert!(
        dry.stdout
            .contains(&format!("secret/ecr-kept deleted from {ns} (dry run)")),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("imagePullSecrets entry ecr-kept removed (dry run)")
    );
    assert!(secret(&client, &ns, "ecr-kept").await.is_some());

    // The original operator's habit: delete the resource, leave the Secret.
    Api::<ECRPullSecret>::all(client.clone())
        .delete(&orphaned, &DeleteParams::default())
        .await
        .unwrap();
    let orphans = run(bin("x").args(["cleanup", "--orphans", "--dry-run", "-o", "json"]));
    ok(&orphans);
    let items: Vec<serde_json::Value> = serde_json::from_str(&orphans.stdout).unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["name"] == "ecr-orphan" && i["namespace"] == ns.as_str())
    );
    assert!(
        !items.iter().any(|i| i["name"] == "ecr-kept"),
        "a live resource's Secret is no orphan"
    );
    ok(&run(bin("x").args(["cleanup", "--orphans", "--yes"])));
    assert!(secret(&client, &ns, "ecr-orphan").await.is_none());
    assert_eq!(entries().await, vec!["theirs", "ecr-kept"]);

    // Without a terminal there is nobody to ask: it refuses unless --yes.
    let refused = run(bin("x").args(["cleanup", &kept]));
    fails_with(&refused, "add --yes");
    assert_eq!(refused.code, 1);
    assert!(
        secret(&client, &ns, "ecr-kept").await.is_some(),
        "nothing removed"
    );
    assert_eq!(entries().await, vec!["theirs", "ecr-kept"]);
    ok(&run(bin("x").args(["cleanup", &kept, "--yes"])));
    assert!(secret(&client, &ns, "ecr-kept").await.is_none());
    assert_eq!(entries().await, vec!["theirs"]);
    assert!(secret(&client, &ns, "unrelated").await.is_some());
}

#[test]
fn generated_completions_are_current_with_the_binary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, ext) in [
        ("bash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("powershell", "ps1"),
    ] {
        let r = run(bin("x").args(["completions", shell]));
        ok(&r);
        let committed =
            std::fs::read_to_string(dir.join(format!("kubectl-ecrcreds.{ext}"))).unwrap();
        assert!(
            r.stdout == committed,
            "completions/kubectl-ecrcreds.{ext} is stale: regenerate with `kubectl-ecrcreds completions {shell} > completions/kubectl-ecrcreds.{ext}`"
        );
    }
}

#[test]
fn kubectl_ecrcreds_re_tab_completes_to_refresh_in_a_real_bash() {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_kubectl-ecrcreds"))
        .parent()
        .unwrap()
        .to_owned();
    let completions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let path = format!(
        "{}:{}:{}",
        bin_dir.display(),
        completions.display(),
        var("PATH")
    );
    let script = r#"
source /usr/share/bash-completion/bash_completion
source <(kubectl completion bash)
complete_line() {
  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
  read -ra COMP_WORDS <<< "$COMP_LINE"
  [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  __start_kubectl kubectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  echo "${COMPREPLY[*]}"
}
complete_line "kubectl ecrcreds re"
complete_line "kubectl ecrcreds refresh --all-con"
complete_line "kubectl ecrcreds list -o "
"#;
    let out = command("bash")
        .args(["-c", script])
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.first().map(|l| l.trim()),
        Some("refresh"),
        "stdout:\n{text}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        lines.get(1).map(|l| l.trim()),
        Some("--all-contexts"),
        "{text}"
    );
    assert!(
        lines
            .get(2)
            .is_some_and(|l| l.contains("yaml") && l.contains("json")),
        "{text}"
    );
}

#[tokio::test]
async fn each_error_is_one_sentence_with_the_next_step() {
    install_crd();
    let client = client().await;
    let empty_home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(unique("home"));
    std::fs::create_dir_all(&empty_home).unwrap();

    // No kubeconfig anywhere.
    let r = run(bin("x")
        .env("HOME", &empty_home)
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .args(["list"]));
    fails_with(&r, "no usable kubeconfig");
    assert!(r.stderr.contains("--kubeconfig"));
    // Unreachable cluster.
    let dead = empty_home.join("dead.yaml");
    std::fs::write(&dead, format!(
        "apiVersion: v1\nkind: Config\nclusters: [{{name: c, cluster: {{server: 'https://127.0.0.1:{}', insecure-skip-tls-verify: true}}}}]\nusers: [{{name: u, user: {{token: t}}}}]\ncontexts: [{{name: c, context: {{cluster: c, user: u}}}}]\ncurrent-context: c\n",
        free_port()
    )).unwrap();
    fails_with(
        &run(bin("x").arg("--kubeconfig").arg(&dead).arg("list")),
        "cannot reach the Kubernetes API server",
    );
    // Unknown context.
    fails_with(
        &run(bin("x").args(["--context", "nope", "list"])),
        "kubectl config get-contexts",
    );
    // CRD not installed.
    let bare = var("ECRCREDS_TEST_BARE_KUBECONFIG");
    fails_with(
        &run(bin("x").args(["--kubeconfig", &bare, "list"])),
        "run `kubectl ecrcreds install`",
    );
    fails_with(
        &run(bin("x").args(["--kubeconfig", &bare, "refresh", "x"])),
        "run `kubectl ecrcreds install`",
    );
    // Not found, with a near name.
    let name = unique("errs");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-errs", "namespaces": ["default"], "registries": [REG]}),
    )
    .await;
    let typo = name.replacen("errs", "ers", 1);
    let r = run(bin("x").args(["describe", &typo]));
    fails_with(&r, "not found");
    assert!(
        r.stderr.contains(&format!("did you mean \"{name}\"")),
        "{}",
        r.stderr
    );
    // Forbidden: a user with no RBAC at all, through impersonation.
    let kc = std::fs::read_to_string(kubeconfig()).unwrap();
    let jane = empty_home.join("jane.yaml");
    std::fs::write(
        &jane,
        kc.replace("    token: ", "    as: jane\n    token: "),
    )
    .unwrap();
    let r = run(bin("x").arg("--kubeconfig").arg(&jane).arg("list"));
    fails_with(
        &r,
        "forbidden: the current user may not list ECRPullSecret resources",
    );
    // Credentials Secret missing, then missing a key.
    let ns = unique("errs-ns");
    namespaces(&client, &[&ns], &[]).await;
    let creds_name = unique("errs-creds");
    create_resource(
        &client,
        &creds_name,
        json!({"secretName": "ecr-c", "namespaces": [ns], "registries": [REG],
        "credentials": {"secretRef": {"name": "aws", "namespace": ns}}}),
    )
    .await;
    fails_with(
        &run(bin("x").args(["refresh", &creds_name])),
        &format!("credentials Secret {ns}/aws not found"),
    );
    string_secret(&client, &ns, "aws", &[("AWS_ACCESS_KEY_ID", "AKIAHALF")]).await;
    fails_with(
        &run(bin("x").args(["refresh", &creds_name])),
        "has no AWS_SECRET_ACCESS_KEY key",
    );
    // Malformed registry host, invalid durations, invalid namespace names.
    let c = |extra: &[&str]| {
        let mut v = vec![
            "create",
            "x-err",
            "--secret-name",
            "s",
            "--namespaces",
            "default",
            "--yes",
        ];
        v.extend_from_slice(extra);
        run(bin("x").args(v))
    };
    fails_with(
        &c(&["--registries", "docker.io"]),
        "malformed registry host \"docker.io\"",
    );
    fails_with(
        &c(&["--refresh-interval", "soon"]),
        "invalid duration \"soon\"",
    );
    fails_with(
        &c(&["--refresh-interval", "30s"]),
        "must be between 1m and 11h",
    );
    fails_with(
        &run(bin("x").args([
            "create",
            "x-err",
            "--secret-name",
            "s",
            "--namespaces",
            "Bad_NS",
            "--yes",
        ])),
        "invalid namespace name \"Bad_NS\"",
    );
    fails_with(
        &run(bin("x").args(["--registry", "not-a-registry", "refresh", &name])),
        "malformed registry host",
    );
    // Usage errors exit 2 with clap's message, and --help documents exit codes.
    let r = run(bin("x").args(["refresh"]));
    assert_eq!(r.code, 2);
    let help = run(bin("x").args(["--help"]));
    ok(&help);
    assert!(help.stdout.contains("Exit codes:") && help.stdout.contains("3  partial"));
}

#[tokio::test]
async fn a_closed_pipe_ends_output_quietly() {
    install_crd();
    let client = client().await;
    for _ in 0..30 {
        create_resource(
            &client,
            &unique("pipe"),
            json!({"secretName": "ecr-pipe", "namespaces": ["default"], "registries": [REG]}),
        )
        .await;
    }
    for cmd in ["list -o yaml", "crd", "completions bash"] {
        let out = command("sh")
            .arg("-c")
            .arg(format!(
                "'{}' {cmd} | head -c 10 >/dev/null; echo \"status=${{PIPESTATUS:-0}}\"",
                env!("CARGO_BIN_EXE_kubectl-ecrcreds")
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.trim().is_empty(), "{cmd}: {stderr}");
    }
}

/// A kubeconfig whose API server is a closed loopback port.
fn dead_kubeconfig() -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{}.yaml", unique("dead-kc")));
    std::fs::write(&path, format!(
        "apiVersion: v1\nkind: Config\nclusters: [{{name: c, cluster: {{server: 'https://127.0.0.1:{}', insecure-skip-tls-verify: true}}}}]\nusers: [{{name: u, user: {{token: t}}}}]\ncontexts: [{{name: c, context: {{cluster: c, user: u}}}}]\ncurrent-context: c\n",
        free_port()
    )).unwrap();
    path
}

#[tokio::test]
async fn a_failure_is_told_once_a_warning_shows_a_time_and_logs_come_back_with_v() {
    install_crd();
    let client = client().await;
    let ns = unique("once-ns");
    namespaces(&client, &[&ns], &[]).await;
    let name = unique("once");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-once", "namespaces": [ns], "registries": [REG]}),
    )
    .await;

    // ECR unreachable: one sentence on stderr, no table row repeating it.
    let dead_ecr = format!("http://127.0.0.1:{}", free_port());
    let r = run(bin("x")
        .env("AWS_ENDPOINT_URL", &dead_ecr)
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one message:\n{}", r.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "error: ECRPullSecret {name}: could not reach ECR in us-east-1"
        )),
        "{}",
        lines[0]
    );
    assert_eq!(r.stdout, "", "the failure is not repeated as a row");
    // With -v the logs come back; the sentence is still printed once.
    let v = run(bin("x")
        .env("AWS_ENDPOINT_URL", &dead_ecr)
        .args(["refresh", &name, "-v"]));
    assert_eq!(v.code, 1);
    assert!(v.stderr.contains("WARN"), "{}", v.stderr);
    assert_eq!(
        v.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{}",
        v.stderr
    );

    // A token whose expiry is already past (clock skew, or an old token):
    // one warning, the time written as a time.
    let key = access_key("once");
    set_token_lifetime(&moto_url(), &key, -3600.0);
    let r = run(bin(&key).args(["refresh", &name]));
    ok(&r);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one message:\n{}", r.stderr);
    let prefix = format!("warning: ECRPullSecret {name}: the token's reported expiry (");
    let at = lines[0]
        .strip_prefix(prefix.as_str())
        .and_then(|rest| rest.split_once(") is already past"))
        .map(|(at, _)| at)
        .unwrap_or_else(|| panic!("{}", lines[0]));
    let at: jiff::Timestamp = at.parse().unwrap_or_else(|e| panic!("{at:?}: {e}"));
    assert!(at < jiff::Timestamp::now(), "{at}");
    assert!(!r.stderr.contains("Some("), "{}", r.stderr);

    // An unreachable API server: our sentence only, not the kube client's
    // own error line too.
    let r = run(bin("x")
        .arg("--kubeconfig")
        .arg(dead_kubeconfig())
        .args(["refresh", &name]));
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1, "one message:\n{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("error: cannot reach the Kubernetes API server"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn refresh_progress_on_a_terminal_counts_namespaces_as_they_are_done() {
    install_crd();
    let client = client().await;
    // 50 namespaces: the smallest fan-out that shows progress.
    let nss: Vec<String> = (0..50).map(|i| unique(&format!("prog{i}"))).collect();
    let refs: Vec<&str> = nss.iter().map(String::as_str).collect();
    namespaces(&client, &refs, &[]).await;
    let name = unique("prog");
    create_resource(
        &client,
        &name,
        json!({"secretName": "ecr-prog", "namespaces": nss, "registries": [REG]}),
    )
    .await;
    // One namespace at a time, so the pass outlasts several redraws.
    let out = command(var("ECRCREDS_TEST_MOTO_PYTHON"))
        .arg(var("ECRCREDS_TEST_PTY_DRIVER"))
        .arg("[]")
        .args(["--", env!("CARGO_BIN_EXE_kubectl-ecrcreds")])
        .args(["refresh", &name, "--concurrency", "1"])
        .env("AWS_ACCESS_KEY_ID", access_key("progress"))
        .env("AWS_SECRET_ACCESS_KEY", "testenv-secret-key")
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "transcript:\n{transcript}");
    assert_no_secrets(&transcript);
    // Each redraw returns to the line start and clears it: "\r\x1b[2K".
    let prefix = format!("{name}: ");
    let counts: Vec<usize> = transcript
        .split(['\r', '\n'])
        .filter_map(|seg| {
            seg.trim_start_matches("\x1b[2K")
                .strip_prefix(prefix.as_str())
        })
        .filter_map(|rest| rest.strip_suffix("/50 namespaces"))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(
        counts.iter().any(|&n| n > 0),
        "progress never advanced: {counts:?}\n{transcript}"
    );
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]) && counts.iter().all(|&n| n <= 50),
        "{counts:?}"
    );
    // The last progress line is cleared when the pass ends.
    let last = transcript.rfind("/50 namespaces").unwrap() + "/50 namespaces".len();
    assert!(
        transcript[last..].starts_with("\r\x1b[2K"),
        "{:?}",
        &transcript[last..(last + 40).min(transcript.len())]
    );
}
