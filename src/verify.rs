//! Does the registry take the token we wrote? `verify` asks each registry
//! in a resource's Secrets, as a container runtime would before a pull:
//! `GET https://<host>/v2/` with the Secret's Basic credentials. Once per
//! distinct (host, credentials) pair, however many namespaces hold that copy.
//! The credentials are sent to the registry host and nowhere else, and never
//! logged or printed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::Secret;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

use crate::reconcile::secret::DOCKERCONFIGJSON_KEY;

/// How long one probe may take, connect to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a registry said to the credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "result", content = "detail")]
pub enum Verdict {
    /// 200: the token is live and valid for this registry.
    Accepted,
    /// 401 or 403.
    Rejected(String),
    /// No answer: connection, TLS or timeout, with why.
    Unreachable(String),
    /// Another answer.
    Unexpected(String),
}

impl Verdict {
    /// Whether all is well.
    pub fn ok(&self) -> bool {
        matches!(self, Verdict::Accepted)
    }

    /// The one word for a table.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected(_) => "rejected",
            Verdict::Unreachable(_) => "unreachable",
            Verdict::Unexpected(_) => "unexpected",
        }
    }

    /// What follows the word, if anything.
    pub fn detail(&self) -> &str {
        match self {
            Verdict::Accepted => "",
            Verdict::Rejected(d) | Verdict::Unreachable(d) | Verdict::Unexpected(d) => d,
        }
    }
}

/// One registry entry held by one or more of a resource's Secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Copy {
    /// The registry host.
    pub host: String,
    /// The entry's `auth` field (base64 of `AWS:<token>`): secret material.
    auth: String,
    /// The namespaces whose Secret holds this very entry.
    pub namespaces: BTreeSet<String>,
}

impl Copy {
    /// Whether `other` is the same host with the same credentials.
    pub fn same_entry(&self, other: &Copy) -> bool {
        self.host == other.host && self.auth == other.auth
    }
}

/// Redacted: the credentials never reach a log line.
impl std::fmt::Debug for Copy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Copy")
            .field("host", &self.host)
            .field("auth", &"<redacted>")
            .field("namespaces", &self.namespaces)
            .finish()
    }
}

/// The distinct (host, credentials) entries of a resource's Secrets, each
/// with the namespaces holding it. A Secret that is not a readable
/// dockerconfigjson is skipped.
pub fn distinct_copies(secrets: &[Secret]) -> Vec<Copy> {
    let mut by_entry: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for s in secrets {
        let Some(bytes) = s.data.as_ref().and_then(|d| d.get(DOCKERCONFIGJSON_KEY)) else {
            continue;
        };
        let Ok(config) = serde_json::from_slice::<serde_json::Value>(&bytes.0) else {
            continue;
        };
        let Some(auths) = config.get("auths").and_then(|a| a.as_object()) else {
            continue;
        };
        for (host, entry) in auths {
            // `auth` is base64 of `user:password`; some writers give the two instead.
            let auth = match (
                entry.get("auth").and_then(|a| a.as_str()),
                entry.get("username").and_then(|u| u.as_str()),
                entry.get("password").and_then(|p| p.as_str()),
            ) {
                (Some(auth), _, _) => auth.to_string(),
                (None, Some(user), Some(password)) => {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
                }
                _ => continue,
            };
            let host = host
                .trim_start_matches("https://")
                .trim_end_matches('/')
                .to_string();
            by_entry
                .entry((host, auth))
                .or_default()
                .insert(s.metadata.namespace.clone().unwrap_or_default());
        }
    }
    by_entry
        .into_iter()
        .map(|((host, auth), namespaces)| Copy {
            host,
            auth,
            namespaces,
        })
        .collect()
}

/// Sends probes: TLS to the system's roots (and `SSL_CERT_FILE`), each host
/// at its own address unless `connect_to` says where (`host → addr`, as
/// curl's `--connect-to`: the TLS name and `Host` stay the registry's).
pub struct Prober {
    tls: TlsConnector,
    connect_to: HashMap<String, SocketAddr>,
}

impl Prober {
    /// A prober trusting the platform's roots; fails when none load.
    pub fn new(connect_to: HashMap<String, SocketAddr>) -> Result<Self, String> {
        let mut roots = RootCertStore::empty();
        let loaded = rustls_native_certs::load_native_certs();
        for cert in loaded.certs {
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            return Err(
                "no trusted CA certificates could be loaded; install the system CA bundle or set SSL_CERT_FILE"
                    .into(),
            );
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup failed: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Prober {
            tls: TlsConnector::from(Arc::new(config)),
            connect_to,
        })
    }

    /// Asks `copy.host` whether it takes `copy`'s credentials.
    pub async fn probe(&self, copy: &Copy) -> Verdict {
        match tokio::time::timeout(TIMEOUT, self.ask(&copy.host, &copy.auth)).await {
            Ok(Ok(status)) => match status {
                200 => Verdict::Accepted,
                401 | 403 => Verdict::Rejected(format!("HTTP {status}")),
                s => Verdict::Unexpected(format!("HTTP {s} from /v2/")),
            },
            Ok(Err(why)) => Verdict::Unreachable(why),
            Err(_) => Verdict::Unreachable(format!("no answer within {}s", TIMEOUT.as_secs())),
        }
    }

    async fn ask(&self, host: &str, auth: &str) -> Result<u16, String> {
        let addr = match self.connect_to.get(host) {
            Some(a) => *a,
            None => tokio::net::lookup_host((host, 443))
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .next()
                .ok_or_else(|| format!("{host} has no address"))?,
        };
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| format!("{host:?} is not a valid TLS name"))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS with {host} failed: {e}"))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| format!("HTTP with {host} failed: {e}"))?;
        let connection = tokio::spawn(conn);
        let request = hyper::Request::get("/v2/")
            .header(hyper::header::HOST, host)
            .header(hyper::header::AUTHORIZATION, format!("Basic {auth}"))
            .header(
                hyper::header::USER_AGENT,
                concat!("kubectl-ecrcreds/", env!("CARGO_PKG_VERSION")),
            )
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let answer = sender
            .send_request(request)
            .await
            .map_err(|e| format!("HTTP with {host} failed: {e}"))?;
        connection.abort();
        Ok(answer.status().as_u16())
    }
}

/// Parses `HOST=ADDR:PORT` (an IP address: nothing is resolved).
pub fn parse_connect_to(s: &str) -> Result<(String, SocketAddr), String> {
    let (host, addr) = s.split_once('=').ok_or_else(|| {
        format!("invalid --connect-to {s:?}: use HOST=ADDRESS:PORT, e.g. 111122223333.dkr.ecr.us-east-1.amazonaws.com=127.0.0.1:8443")
    })?;
    let addr: SocketAddr = addr.parse().map_err(|_| {
        format!("invalid --connect-to {s:?}: {addr:?} is not an IP address and port, e.g. 127.0.0.1:8443")
    })?;
    Ok((host.trim().to_string(), addr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret(ns: &str, entries: &[(&str, &str)]) -> Secret {
        let auths: serde_json::Map<_, _> = entries
            .iter()
            .map(|(h, a)| (h.to_string(), json!({"auth": a})))
            .collect();
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD
            .encode(serde_json::to_vec(&json!({ "auths": auths })).unwrap());
        serde_json::from_value(json!({"metadata": {"name": "s", "namespace": ns},
            "data": {DOCKERCONFIGJSON_KEY: data}}))
        .unwrap()
    }

    #[test]
    fn one_probe_per_host_and_credentials_not_per_namespace() {
        let secrets = [
            secret("a", &[("h1", "x"), ("h2", "y")]),
            secret("b", &[("h1", "x"), ("h2", "y")]),
            secret("c", &[("h1", "old")]),
        ];
        let copies = distinct_copies(&secrets);
        let summary: Vec<(&str, Vec<&str>)> = copies
            .iter()
            .map(|c| {
                (
                    c.host.as_str(),
                    c.namespaces.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("h1", vec!["c"]),
                ("h1", vec!["a", "b"]),
                ("h2", vec!["a", "b"])
            ]
        );
        assert!(!format!("{:?}", copies[0]).contains("old"));
    }

    #[test]
    fn an_entry_with_username_and_password_is_one_with_auth() {
        use base64::Engine as _;
        let config = json!({"auths": {"h1": {"username": "AWS", "password": "p"},
                                      "h2": {"username": "AWS"}}});
        let data =
            base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&config).unwrap());
        let s: Secret = serde_json::from_value(json!({"metadata": {"name": "s", "namespace": "a"},
            "data": {DOCKERCONFIGJSON_KEY: data}}))
        .unwrap();
        let as_auth = secret(
            "b",
            &[(
                "h1",
                &base64::engine::general_purpose::STANDARD.encode("AWS:p"),
            )],
        );
        let copies = distinct_copies(&[s, as_auth]);
        assert_eq!(
            copies.len(),
            1,
            "h2 has no password: skipped; h1 is one copy"
        );
        assert_eq!(copies[0].namespaces.len(), 2);
    }

    #[test]
    fn connect_to_takes_an_address_never_a_name() {
        assert_eq!(
            parse_connect_to("h=127.0.0.1:8443").unwrap(),
            ("h".into(), "127.0.0.1:8443".parse().unwrap())
        );
        assert!(
            parse_connect_to("h=localhost:8443")
                .unwrap_err()
                .contains("not an IP address")
        );
        assert!(
            parse_connect_to("h")
                .unwrap_err()
                .contains("HOST=ADDRESS:PORT")
        );
    }
}
