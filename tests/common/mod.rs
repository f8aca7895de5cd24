//! Test harness: the real API server, test ECR, registry and node started by
//! `testenv/up.sh`, and the real binary driven as a user would.
//!
//! The environment is the one `env.sh` describes when it was sourced
//! (`testenv/test.sh` does that); otherwise the first test that needs it
//! starts one, as envtest does: `testenv/build.sh` (cached after the first
//! run), then `testenv/up.sh`, shared by every test binary of one `cargo
//! test` and stopped by a watchdog when that `cargo test` ends.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::api::{ObjectMeta, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client};
use kubectl_ecrcreds::crd::{ECRPullSecret, ECRPullSecretSpec};

/// Every password the test ECR issues starts with this marker
/// (testenv/moto_server.py), so output can be checked for any token.
pub const TOKEN_MARKER: &str = "ECRTESTPW";
/// Secret access keys used in tests; none may ever appear in output.
pub const SECRET_KEYS: &[&str] = &[
    "testenv-secret-key",
    "ref-secret-key-do-not-print",
    "bad-secret-key",
];

/// The test environment's variables (those `env.sh` exports, over the
/// process's own environment).
pub fn test_env() -> &'static HashMap<String, String> {
    static ENV: OnceLock<HashMap<String, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        if std::env::var_os("ECRCREDS_TESTENV").is_some() {
            std::env::vars().collect()
        } else {
            auto_env::start()
        }
    })
}

/// One variable of the test environment.
pub fn var(name: &str) -> String {
    test_env().get(name).cloned().unwrap_or_else(|| {
        panic!("{name} is not set in the test environment; run the tests with testenv/test.sh")
    })
}

/// A command run with the test environment's variables (PATH with kubectl
/// and helm, KUBECONFIG, the test ECR's endpoint and credentials).
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    c.envs(test_env());
    c
}

/// Starting an environment for a plain `cargo test`.
mod auto_env {
    use std::collections::HashMap;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    /// The process whose end stops the environment: `cargo` when it runs this
    /// test binary (so its other test binaries share the environment), else
    /// this process.
    fn owner() -> u32 {
        let me = std::process::id();
        let parent = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let after = s.rsplit_once(')')?.1.to_string();
                after.split_whitespace().nth(1)?.parse::<u32>().ok()
            });
        match parent {
            Some(p)
                if std::fs::read_to_string(format!("/proc/{p}/comm"))
                    .is_ok_and(|c| c.trim() == "cargo") =>
            {
                p
            }
            _ => me,
        }
    }

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn fail(what: &str, log: &Path) -> ! {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "no test environment was running and starting one failed ({what}; log: {}):\n{}\nstart it yourself with testenv/up.sh, or run everything with testenv/test.sh",
            log.display(),
            tail.join("\n")
        )
    }

    /// Starts (or joins) the environment of this `cargo test` and returns
    /// its variables.
    pub fn start() -> HashMap<String, String> {
        let owner = owner();
        let base = std::env::temp_dir().join(format!("ecrcreds-cargo-test-{owner}"));
        let state = base.join("env");
        let log = base.join("start.log");
        std::fs::create_dir_all(&base).expect("temporary directory");
        // One test binary starts it; the others wait here and join it.
        let lock = std::fs::File::create(base.join("lock")).expect("lock file");
        lock.lock().expect("lock");
        if !state.join("env.sh").exists() {
            // Straight to stderr: the test harness captures eprintln!.
            let _ = writeln!(
                std::io::stderr(),
                "no test environment is running: starting one in {} for this cargo test (the first build takes several minutes; log: {})",
                state.display(),
                log.display()
            );
            let out = std::fs::File::create(&log).expect("log file");
            for (what, script, args) in [
                ("testenv/build.sh", "build.sh", vec![]),
                ("testenv/up.sh", "up.sh", vec![state.clone()]),
            ] {
                let ok = Command::new(repo().join("testenv").join(script))
                    .args(&args)
                    .stdin(Stdio::null())
                    .stdout(out.try_clone().unwrap())
                    .stderr(out.try_clone().unwrap())
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    let _ = std::fs::remove_dir_all(&state);
                    fail(what, &log);
                }
            }
            // In a session of its own, so a Ctrl-C to cargo does not kill it
            // before it has stopped the environment.
            let watchdog = format!(
                "while kill -0 {owner} 2>/dev/null; do sleep 1; done; {down} {state} >/dev/null 2>&1; rm -rf {base}",
                down = repo().join("testenv/down.sh").display(),
                state = state.display(),
                base = base.display(),
            );
            Command::new("setsid")
                .args(["-f", "sh", "-c", &watchdog])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("start the environment's watchdog (setsid)");
        }
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("source {}/env.sh && env -0", state.display()))
            .output()
            .expect("bash");
        if !out.status.success() {
            fail("reading env.sh", &log);
        }
        out.stdout
            .split(|b| *b == 0)
            .filter_map(|kv| {
                let kv = String::from_utf8_lossy(kv);
                let (k, v) = kv.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect()
    }
}

/// Path of the test environment's kubeconfig.
pub fn kubeconfig() -> PathBuf {
    PathBuf::from(var("KUBECONFIG"))
}

/// The shared moto's URL.
pub fn moto_url() -> String {
    var("AWS_ENDPOINT_URL")
}

/// A client for the test API server, as cluster admin.
pub async fn client() -> Client {
    let kc = Kubeconfig::read_from(kubeconfig()).expect("test kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("test kubeconfig is usable");
    Client::try_from(config).expect("client")
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id() % 100000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A per-test access key id, so moto's request log can be filtered per test.
pub fn access_key(test: &str) -> String {
    let mut s: String = test
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    s.truncate(10);
    format!("AKIA{s}{}", unique("").replace('-', ""))
}

/// The binary, with the test environment's settings and the given access key.
pub fn bin(access_key_id: &str) -> Command {
    let mut c = command(env!("CARGO_BIN_EXE_kubectl-ecrcreds"));
    c.env("AWS_ACCESS_KEY_ID", access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", "testenv-secret-key")
        .env_remove("REGISTRY")
        .env_remove("AWS_CREDENTIALS_SECRET_NAME")
        .env_remove("AWS_CREDENTIALS_SECRET_NAMESPACE")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null());
    c
}

/// What a finished run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary and checks what every run must satisfy: no panic, no
/// backtrace, no token or key in any output.
pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("binary runs");
    let r = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert_no_secrets(&r.stdout);
    assert_no_secrets(&r.stderr);
    if let Some(dir) = test_env().get("ECRCREDS_TEST_LOG_DIR") {
        let path = PathBuf::from(dir).join(format!("{}.run.log", unique("run")));
        // Program and arguments only: the command's environment holds test keys.
        let argv: Vec<_> = std::iter::once(cmd.get_program())
            .chain(cmd.get_args())
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let _ = std::fs::write(
            path,
            format!("{}\n{}\n{}", argv.join(" "), r.stdout, r.stderr),
        );
    }
    for bad in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!r.stderr.contains(bad), "binary panicked:\n{}", r.stderr);
    }
    r
}

/// The base64 forms `s` can take inside any base64 text: its encoding at each
/// of the three byte offsets, trimmed to the characters that depend on `s`
/// alone. Finding none of them means `s` is not in the encoded bytes.
pub fn base64_forms(s: &str) -> Vec<String> {
    use base64::Engine as _;
    (0..3usize)
        .map(|pad| {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(s.as_bytes());
            let enc = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let start = [0, 2, 3][pad];
            let end = bytes.len() * 8 / 6;
            enc[start..end].to_string()
        })
        .collect()
}

/// Fails if `text` holds a token (in plain text, as `AWS:<token>`, or in any
/// base64 form) or a secret key used in tests.
pub fn assert_no_secrets(text: &str) {
    static FORMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        let mut f = vec![TOKEN_MARKER.to_string()];
        f.extend(base64_forms(TOKEN_MARKER));
        f.extend(base64_forms(&format!("AWS:{TOKEN_MARKER}")));
        f
    });
    for form in forms {
        assert!(
            !text.contains(form.as_str()),
            "token leaked into output ({form}):\n{text}"
        );
    }
    for k in SECRET_KEYS {
        assert!(!text.contains(k), "secret key leaked into output:\n{text}");
    }
}

/// Installs the CRD once per test binary, through the binary itself.
pub fn install_crd() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let r = run(bin("AKIAINSTALL").arg("install"));
        assert_eq!(r.code, 0, "install failed: {}", r.stderr);
    });
}

/// Creates namespaces (with labels) and waits for their default ServiceAccount.
pub async fn namespaces(client: &Client, names: &[&str], labels: &[(&str, &str)]) {
    let api: Api<Namespace> = Api::all(client.clone());
    for n in names {
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some(n.to_string()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            },
            ..Default::default()
        };
        api.create(&PostParams::default(), &ns)
            .await
            .expect("create namespace");
    }
    // Ready as a Pod needs it: kube-controller-manager has given it the
    // default ServiceAccount and the kube-root-ca.crt ConfigMap (without it a
    // Pod's token volume cannot mount, and the kubelet retries only after a
    // long backoff). Under load (the fault tests make 1000 namespaces) that
    // takes a while.
    for n in names {
        let sa: Api<ServiceAccount> = Api::namespaced(client.clone(), n);
        let cm: Api<k8s_openapi::api::core::v1::ConfigMap> = Api::namespaced(client.clone(), n);
        eventually(Duration::from_secs(60), || async {
            sa.get_opt("default").await.ok().flatten().is_some()
                && cm
                    .get_opt("kube-root-ca.crt")
                    .await
                    .ok()
                    .flatten()
                    .is_some()
        })
        .await;
    }
}

/// Polls `f` until it returns true, failing the test after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !f().await {
        assert!(
            start.elapsed() < limit,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Creates an ECRPullSecret from a JSON spec.
pub async fn create_resource(
    client: &Client,
    name: &str,
    spec: serde_json::Value,
) -> ECRPullSecret {
    let spec: ECRPullSecretSpec = serde_json::from_value(spec).expect("valid spec");
    let api: Api<ECRPullSecret> = Api::all(client.clone());
    api.create(&PostParams::default(), &ECRPullSecret::new(name, spec))
        .await
        .expect("create ECRPullSecret")
}

/// Asks the controller for a refresh through the annotation; it echoes
/// `value` in status.lastRefreshRequest.
pub async fn annotate_refresh(client: &Client, name: &str, value: &str) {
    Api::<ECRPullSecret>::all(client.clone())
        .patch(
            name,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({"metadata": {"annotations": {
                kubectl_ecrcreds::crd::REFRESH_ANNOTATION: value
            }}})),
        )
        .await
        .unwrap();
}

/// Creates an ECRPullSecret labelled for the test controller `id`.
pub async fn create_for(
    client: &Client,
    id: &str,
    name: &str,
    spec: serde_json::Value,
) -> ECRPullSecret {
    let spec: ECRPullSecretSpec = serde_json::from_value(spec).expect("valid spec");
    let mut obj = ECRPullSecret::new(name, spec);
    obj.metadata.labels = Some([("ecrcreds-test".to_string(), id.to_string())].into());
    Api::<ECRPullSecret>::all(client.clone())
        .create(&PostParams::default(), &obj)
        .await
        .expect("create ECRPullSecret")
}

/// Creates a Secret from string data (keys as given, values in plain text).
pub async fn string_secret(client: &Client, ns: &str, name: &str, data: &[(&str, &str)]) {
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            ..Default::default()
        },
        string_data: Some(
            data.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    };
    Api::<Secret>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &secret)
        .await
        .expect("create Secret");
}

/// What must survive our cleanups in `ns`: a foreign `theirs` entry in the
/// default ServiceAccount, and an unrelated Secret named `unrelated`.
pub async fn foreign_neighbours(client: &Client, ns: &str) {
    Api::<ServiceAccount>::namespaced(client.clone(), ns)
        .patch(
            "default",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(serde_json::json!({"imagePullSecrets": [{"name": "theirs"}]})),
        )
        .await
        .expect("patch ServiceAccount");
    string_secret(client, ns, "unrelated", &[("k", "v")]).await;
}

/// Flags for one leader-elected controller replica with a 3s Lease in `default`.
pub fn lease_flags(lease: &str, who: &str) -> Vec<String> {
    [
        "--leader-elect=true",
        "--lease-name",
        lease,
        "--lease-namespace",
        "default",
        "--lease-duration",
        "3s",
        "--identity",
        who,
    ]
    .map(String::from)
    .to_vec()
}

/// Reads a resource.
pub async fn get_resource(client: &Client, name: &str) -> ECRPullSecret {
    Api::<ECRPullSecret>::all(client.clone())
        .get(name)
        .await
        .expect("get ECRPullSecret")
}

/// Reads a Secret, if present.
pub async fn secret(client: &Client, ns: &str, name: &str) -> Option<Secret> {
    Api::<Secret>::namespaced(client.clone(), ns)
        .get_opt(name)
        .await
        .expect("get secret")
}

/// Decodes a dockerconfigjson Secret into host → (username, password, auth-decoded).
pub fn auths(secret: &Secret) -> BTreeMap<String, (String, String, String)> {
    use base64::Engine as _;
    let raw = &secret.data.as_ref().expect("data")[".dockerconfigjson"].0;
    let v: serde_json::Value = serde_json::from_slice(raw).expect("dockerconfigjson is JSON");
    v["auths"]
        .as_object()
        .expect("auths")
        .iter()
        .map(|(host, e)| {
            let auth = base64::engine::general_purpose::STANDARD
                .decode(e["auth"].as_str().unwrap())
                .unwrap();
            (
                host.clone(),
                (
                    e["username"].as_str().unwrap().to_string(),
                    e["password"].as_str().unwrap().to_string(),
                    String::from_utf8(auth).unwrap(),
                ),
            )
        })
        .collect()
}

/// One request as moto's request log saw it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub service: String,
    pub action: String,
    pub region: String,
    pub access_key_id: String,
    /// STS calls: the RoleArn asked for.
    #[serde(default)]
    pub role_arn: String,
    /// AssumeRoleWithWebIdentity: the token's `sub` and `aud` claims.
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub audience: String,
    /// Calls signed with keys an STS answer handed out: that answer's role.
    #[serde(default)]
    pub role: String,
}

/// A plain HTTP GET on loopback: (status code, body).
pub fn http_get(addr: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let code = buf
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((code, body))
}

/// Every request moto at `url` has seen.
pub fn moto_calls(url: &str) -> Vec<Call> {
    let addr = url.trim_start_matches("http://");
    let (_, body) = http_get(addr, "/_ecrcreds/calls").expect("moto reachable");
    let body = body.as_str();
    #[derive(serde::Deserialize)]
    struct Calls {
        calls: Vec<Call>,
    }
    serde_json::from_str::<Calls>(body)
        .expect("call log JSON")
        .calls
}

/// `GetAuthorizationToken` calls made with `key`.
pub fn token_calls(url: &str, key: &str) -> Vec<Call> {
    moto_calls(url)
        .into_iter()
        .filter(|c| c.action == "GetAuthorizationToken" && c.access_key_id == key)
        .collect()
}

/// A plain HTTP POST of JSON on loopback: (status code, body).
pub fn http_post(
    addr: &str,
    path: &str,
    body: &serde_json::Value,
) -> std::io::Result<(u16, String)> {
    let body = body.to_string();
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let code = buf
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((code, body))
}

/// Sets how long the test ECR at `url` makes the tokens it issues to `key`
/// live from now on (negative: already expired when issued).
pub fn set_token_lifetime(url: &str, key: &str, seconds: f64) {
    let (code, body) = http_post(
        url.trim_start_matches("http://"),
        "/_ecrcreds/lifetime",
        &serde_json::json!({"seconds": seconds, "accessKeyId": key}),
    )
    .expect("test ECR reachable");
    assert_eq!(code, 200, "{body}");
}

/// What the test ECR knows of a password it issued.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    /// Whether it was issued (in `region`, when one was asked) and is unexpired.
    pub live: bool,
    /// `live`, `expired`, `region`, `service` or `unknown`.
    pub reason: String,
    /// Issue order, 1 for the first token.
    #[serde(default)]
    pub serial: u64,
    /// The region it was issued in.
    #[serde(default)]
    pub region: String,
    /// The access key that asked for it.
    #[serde(default)]
    pub access_key_id: String,
    /// Its expiry, in seconds since the epoch.
    #[serde(default)]
    pub expires_at: f64,
}

/// Asks the test ECR at `url` about a password (`region` "" for any) it
/// issued as ECR (not ECR Public).
pub fn issued(url: &str, password: &str, region: &str) -> Issued {
    issued_by(url, password, region, "ecr")
}

/// Asks the test ECR at `url` about a password `service` (`ecr` or
/// `ecr-public`) issued.
pub fn issued_by(url: &str, password: &str, region: &str, service: &str) -> Issued {
    let (_, body) = http_post(
        url.trim_start_matches("http://"),
        "/_ecrcreds/check",
        &serde_json::json!({"password": password, "region": region, "service": service}),
    )
    .expect("test ECR reachable");
    serde_json::from_str(&body).expect("check answer is JSON")
}

/// A moto of a test's own, for stopping it or changing how it behaves.
pub struct PrivateMoto {
    child: Child,
    pub url: String,
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PrivateMoto {
    /// Starts one on a free loopback port with extra environment.
    pub fn start(env: &[(&str, &str)]) -> Self {
        Self::start_on(free_port(), env)
    }

    /// Starts one on `port` (e.g. again after stopping it).
    pub fn start_on(port: u16, env: &[(&str, &str)]) -> Self {
        let mut cmd = command(var("ECRCREDS_TEST_MOTO_PYTHON"));
        cmd.arg(var("ECRCREDS_TEST_MOTO_SCRIPT"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start moto");
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "private moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        PrivateMoto { child, url }
    }

    /// Stops it.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateMoto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `kubectl ecrcreds controller` process of a test's own, limited to the
/// resources labelled `ecrcreds-test=<id>`, with its logs captured to a file.
pub struct ControllerProc {
    child: Child,
    /// Where it serves /metrics.
    pub metrics_addr: String,
    log: PathBuf,
}

impl ControllerProc {
    /// Starts one; `args` are extra flags, `env` extra environment.
    pub fn start(id: &str, key: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let metrics_addr = format!("127.0.0.1:{}", free_port());
        // Kept in the environment's log folder: testenv/test.sh greps every
        // log of the suite for tokens and keys at the end.
        let dir = test_env()
            .get("ECRCREDS_TEST_LOG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let log = dir.join(format!("{}.log", unique(&format!("controller-{id}"))));
        let file = std::fs::File::create(&log).unwrap();
        let mut cmd = bin(key);
        cmd.args([
            "controller",
            "--metrics-addr",
            &metrics_addr,
            "-l",
            &format!("ecrcreds-test={id}"),
        ])
        .args(args)
        .stdout(file.try_clone().unwrap())
        .stderr(file);
        if !args.iter().any(|a| a.starts_with("--leader-elect")) {
            cmd.arg("--leader-elect=false");
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("controller starts");
        let c = ControllerProc {
            child,
            metrics_addr,
            log,
        };
        let start = Instant::now();
        while http_get(&c.metrics_addr, "/healthz").map(|r| r.0).ok() != Some(200) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "controller did not come up:\n{}",
                c.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        c
    }

    /// Everything it logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Its /metrics text.
    pub fn metrics(&self) -> String {
        http_get(&self.metrics_addr, "/metrics")
            .map(|r| r.1)
            .unwrap_or_default()
    }

    /// One metric's value (first series matching `name`), or 0.
    pub fn metric(&self, name: &str) -> f64 {
        self.metrics()
            .lines()
            .find(|l| l.starts_with(name) && !l.starts_with('#'))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    }

    /// Kills it hard, as a crashed pod would die.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for it to exit; returns its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if start.elapsed() > Duration::from_secs(20) {
                self.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Fails if its logs hold a token or key, or a panic.
    pub fn assert_clean_logs(&self) {
        let logs = self.logs();
        assert_no_secrets(&logs);
        assert!(!logs.contains("panicked"), "controller panicked:\n{logs}");
    }
}

impl Drop for ControllerProc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fault-injecting proxy (testenv/fault_proxy.py) in front of a moto.
pub struct FaultProxy {
    child: Child,
    /// Its URL, to use as AWS_ENDPOINT_URL.
    pub url: String,
}

impl FaultProxy {
    /// Starts one forwarding to `upstream`.
    pub fn start(upstream: &str) -> Self {
        let port = free_port();
        let child = command(var("ECRCREDS_TEST_MOTO_PYTHON"))
            .arg(var("ECRCREDS_TEST_FAULT_PROXY"))
            .args(["--port", &port.to_string(), "--upstream", upstream])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fault proxy");
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while http_get(&url[7..], "/_fault").is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "fault proxy did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        FaultProxy { child, url }
    }

    /// Switches the fault: pass, throttle, slow (with `delay` seconds) or reset.
    pub fn set(&self, mode: &str, delay: f64) {
        let addr = &self.url[7..];
        let body = format!("{{\"mode\": \"{mode}\", \"delay\": {delay}}}");
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST /_fault HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        assert!(
            buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200"),
            "{buf}"
        );
    }

    /// Requests the current fault has hit.
    pub fn hits(&self) -> u64 {
        let (_, body) = http_get(&self.url[7..], "/_fault").unwrap();
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["hits"]
            .as_u64()
            .unwrap_or(0)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stops (SIGKILL) or starts a process of the test environment.
pub fn service(action: &str, name: &str) {
    let st = command(var("ECRCREDS_TEST_SERVICE_SCRIPT"))
        .args([&var("ECRCREDS_TESTENV"), action, name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "{action} {name}");
}

/// Fails unless the test node runs (testenv/up.sh starts it unless told
/// `--no-node`): the tests that pull images need it, and are never skipped.
pub fn require_node() {
    assert_eq!(
        test_env().get("ECRCREDS_TEST_NODE").map(String::as_str),
        Some("1"),
        "these tests need the test node: start the environment with testenv/up.sh (without --no-node)"
    );
}

/// An image on the test registry, under an ECR host.
pub fn ecr_image(host: &str) -> String {
    format!("{host}/app:1")
}

/// Creates a Pod on the test node (hostNetwork: there is no pod network) that
/// runs `image` with no `imagePullSecrets` of its own: it gets them from its
/// ServiceAccount, as the ServiceAccount admission plugin adds them.
pub async fn create_pod(
    client: &Client,
    ns: &str,
    name: &str,
    image: &str,
    always_pull: bool,
) -> k8s_openapi::api::core::v1::Pod {
    let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "hostNetwork": true,
            "terminationGracePeriodSeconds": 0,
            "containers": [{
                "name": "app",
                "image": image,
                "imagePullPolicy": if always_pull { "Always" } else { "IfNotPresent" },
            }],
        },
    }))
    .unwrap();
    Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &pod)
        .await
        .expect("create Pod")
}

/// Where a Pod's image pull got to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodOutcome {
    /// Its container runs: the image was pulled.
    Running,
    /// The pull failed: the waiting reason (ErrImagePull, ImagePullBackOff)
    /// and the kubelet's message.
    PullFailed(String, String),
}

/// Waits until the Pod runs or its pull fails.
pub async fn pod_outcome(client: &Client, ns: &str, name: &str, limit: Duration) -> PodOutcome {
    let api = Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), ns);
    let start = Instant::now();
    loop {
        let pod = api.get(name).await.expect("get Pod");
        let state = pod
            .status
            .and_then(|s| s.container_statuses)
            .and_then(|c| c.into_iter().next())
            .and_then(|c| c.state);
        if let Some(state) = state {
            if state.running.is_some() {
                return PodOutcome::Running;
            }
            if let Some(w) = state.waiting {
                let reason = w.reason.unwrap_or_default();
                if reason == "ErrImagePull" || reason == "ImagePullBackOff" {
                    return PodOutcome::PullFailed(reason, w.message.unwrap_or_default());
                }
            }
        }
        assert!(
            start.elapsed() < limit,
            "Pod {ns}/{name} neither ran nor failed to pull within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Deletes a Pod at once (no grace period).
pub async fn delete_pod(client: &Client, ns: &str, name: &str) {
    let _ = Api::<k8s_openapi::api::core::v1::Pod>::namespaced(client.clone(), ns)
        .delete(name, &kube::api::DeleteParams::default().grace_period(0))
        .await;
}

/// One request the test registry's auth step answered.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RegistryRequest {
    pub host: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// The serial of the test ECR token that was accepted.
    pub serial: Option<u64>,
    /// Why it was refused.
    pub reason: Option<String>,
}

/// Every request the test registry has answered.
pub fn registry_requests() -> Vec<RegistryRequest> {
    let (_, body) = http_get(&var("ECRCREDS_TEST_REGISTRY_ADMIN"), "/requests").expect("registry");
    #[derive(serde::Deserialize)]
    struct All {
        requests: Vec<RegistryRequest>,
    }
    serde_json::from_str::<All>(&body).expect("JSON").requests
}

/// A TCP proxy (testenv/tcp_proxy.py) in front of the API server, that can
/// cut its clients off as a network partition would.
pub struct TcpProxy {
    child: Child,
    /// Where clients connect.
    pub port: u16,
    control: String,
}

impl TcpProxy {
    /// Starts one forwarding to the test API server.
    pub fn to_api_server() -> Self {
        let (port, control_port) = (free_port(), free_port());
        let upstream = format!("127.0.0.1:{}", var("ECRCREDS_TEST_API_PORT"));
        let child = command(var("ECRCREDS_TEST_MOTO_PYTHON"))
            .arg(var("ECRCREDS_TEST_TCP_PROXY"))
            .args([
                "--port",
                &port.to_string(),
                "--control-port",
                &control_port.to_string(),
            ])
            .args(["--upstream", &upstream])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the TCP proxy");
        let control = format!("127.0.0.1:{control_port}");
        let start = Instant::now();
        while http_get(&control, "/_fault").is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "TCP proxy did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        TcpProxy {
            child,
            port,
            control,
        }
    }

    /// `stall` (a partition) or `pass`.
    pub fn set(&self, mode: &str) {
        let (code, body) =
            http_post(&self.control, "/_fault", &serde_json::json!({"mode": mode})).unwrap();
        assert_eq!(code, 200, "{body}");
    }

    /// A copy of the kubeconfig at `path` that reaches the API server through
    /// this proxy, written next to the test logs.
    pub fn kubeconfig(&self, path: &str) -> PathBuf {
        let text = std::fs::read_to_string(path).expect("kubeconfig");
        let api = format!("127.0.0.1:{}", var("ECRCREDS_TEST_API_PORT"));
        let out = PathBuf::from(var("ECRCREDS_TESTENV"))
            .join(format!("{}.kubeconfig", unique("via-proxy")));
        std::fs::write(
            &out,
            text.replace(&api, &format!("127.0.0.1:{}", self.port)),
        )
        .unwrap();
        out
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One write the API server's audit log recorded for the audited admin.
#[derive(Debug, Clone)]
pub struct AuditedWrite {
    /// Who the audited admin acted as (`as:` in a kubeconfig), if anyone.
    pub impersonated: String,
    pub verb: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
    pub code: i64,
    pub received: jiff::Timestamp,
}

/// Every write of the audited admin (testenv/up.sh's `kubeconfig-audited`).
pub fn audited_writes() -> Vec<AuditedWrite> {
    let text = std::fs::read_to_string(var("ECRCREDS_TEST_AUDIT_LOG")).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["user"]["username"] == "audited-admin" && e["stage"] == "ResponseComplete")
        .map(|e| AuditedWrite {
            impersonated: e["impersonatedUser"]["username"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            verb: e["verb"].as_str().unwrap_or_default().to_string(),
            resource: e["objectRef"]["resource"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            namespace: e["objectRef"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            name: e["objectRef"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            code: e["responseStatus"]["code"].as_i64().unwrap_or(0),
            received: e["requestReceivedTimestamp"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .unwrap_or_default(),
        })
        .collect()
}

/// The release binary, as users get it in the image and the krew archive,
/// built here (once per test binary) when `cargo build --release` has not
/// already: `cargo test` on its own runs these tests too. The first build takes
/// minutes (fat LTO); after that cargo finds it fresh in about a second.
///
/// The nested cargo must not see the variables cargo sets for a test process:
/// ring's build script tracks `CARGO_MANIFEST_DIR`, so with it set cargo would
/// rebuild every dependency above ring and then again for the next plain build.
pub fn release_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let target_dir = std::path::Path::new(env!("CARGO_BIN_EXE_kubectl-ecrcreds"))
                .parent()
                .and_then(|debug| debug.parent())
                .expect("the binary lives in <target>/<profile>/");
            let path = target_dir.join("release/kubectl-ecrcreds");
            // Into the same target directory as this cargo test, wherever it is.
            let mut cargo = Command::new(env!("CARGO"));
            cargo
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["build", "--release", "--locked", "--bin", "kubectl-ecrcreds"])
                .arg("--target-dir")
                .arg(target_dir);
            for (name, _) in std::env::vars_os() {
                let name = name.to_string_lossy();
                let set_by_cargo_test = name.starts_with("CARGO_PKG_")
                    || name.starts_with("CARGO_BIN_")
                    || [
                        "CARGO_MANIFEST_DIR",
                        "CARGO_MANIFEST_PATH",
                        "CARGO_MANIFEST_LINKS",
                        "CARGO_CRATE_NAME",
                        "CARGO_PRIMARY_PACKAGE",
                        "CARGO_TARGET_TMPDIR",
                        "CARGO_RUSTC_CURRENT_DIR",
                        "OUT_DIR",
                    ]
                    .contains(&name.as_ref());
                if set_by_cargo_test {
                    cargo.env_remove(name.as_ref());
                }
            }
            if !path.is_file() {
                eprintln!(
                    "[testenv] building the release binary for the image and krew tests (minutes, once)"
                );
            }
            let status = cargo.status().expect("run cargo build --release");
            assert!(
                status.success() && path.is_file(),
                "cargo build --release --bin kubectl-ecrcreds failed ({status}); run it by hand to see why"
            );
            path
        })
        .clone()
}

/// The names in a ServiceAccount's `imagePullSecrets`.
pub async fn pull_secret_entries(client: &Client, ns: &str, account: &str) -> Vec<String> {
    Api::<ServiceAccount>::namespaced(client.clone(), ns)
        .get(account)
        .await
        .expect("get ServiceAccount")
        .image_pull_secrets
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

/// Runs a tool from the test environment's PATH; returns (exit code, stdout, stderr).
pub fn tool(cmd: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = command(cmd)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd} is on PATH (testenv/build.sh builds it): {e}"));
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
