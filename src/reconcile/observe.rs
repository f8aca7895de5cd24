//! Observe: every read a pass makes, before anything is written. The spec is
//! checked, the credentials read, and then at the same time the namespaces,
//! the Secrets and ServiceAccounts already there, and the payload: fresh
//! tokens, one call per region, or for a repair the newest payload in sight
//! (this process's last, or the one another runner left in our Secrets). A pass that cannot go on stops here with a [`Stop`], and nothing
//! has been written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use kube::ResourceExt;

use super::secret::{self, Fingerprint, Payload, RepairSource};
use super::targets::{NamespaceInfo, TargetSpec};
use super::{Defaults, Mode, Pass, Runner, SecretAccess};
use crate::crd::{
    DEFAULT_AUDIENCE, ECRPullSecret, ECRPullSecretSpec, ROLE_ARN_ANNOTATION, ServiceAccountRef,
};
use crate::ecr::{Registry, ResolvedCredentials, TokenError, WebIdentityToken, scopes};
use crate::error::Error;
use crate::kube_api;

/// What the resource asks for, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// The resource's name.
    pub resource: String,
    /// The Secret written in every target namespace.
    pub secret_name: String,
    /// The refresh interval.
    pub interval: Duration,
    /// The registries written into the Secret, sorted.
    pub registries: Vec<Registry>,
    /// The target namespaces.
    pub targets: TargetSpec,
    /// The ServiceAccounts that get our entry (`*`: all).
    pub service_accounts: Vec<String>,
}

impl Wanted {
    /// Checks the spec. The schema should have caught every problem, but
    /// resources written before a schema change (or with validation off)
    /// still reach us.
    pub fn from_resource(obj: &ECRPullSecret, defaults: &Defaults) -> Result<Self, String> {
        Ok(Wanted {
            resource: obj.name_any(),
            secret_name: obj.spec.secret_name.clone(),
            interval: obj.spec.refresh_interval()?,
            registries: resolve_registries(&obj.spec, defaults.registry.as_ref())?,
            targets: TargetSpec::from_spec(&obj.spec)?,
            service_accounts: obj.spec.service_accounts(),
        })
    }
}

/// The registries a resource writes: its own, or the runner's default.
fn resolve_registries(
    spec: &ECRPullSecretSpec,
    default: Option<&Registry>,
) -> Result<Vec<Registry>, String> {
    let listed = spec.registries.as_deref().unwrap_or_default();
    let mut out: Vec<Registry> = if listed.is_empty() {
        vec![default.cloned().ok_or_else(|| {
            "no registry to write: set spec.registries, or start with --registry / REGISTRY"
                .to_string()
        })?]
    } else {
        listed
            .iter()
            .map(|h| Registry::parse(h))
            .collect::<Result<_, _>>()?
    };
    if spec.dual_stack_aliases == Some(true) {
        let aliases: Vec<Registry> = out
            .iter()
            .filter_map(Registry::dual_stack_alias)
            .map(|h| Registry::parse(&h))
            .collect::<Result<_, _>>()?;
        out.extend(aliases);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Everything a pass read, the plan's only input besides the payload.
#[derive(Clone)]
pub struct Observed {
    /// What the resource asks for.
    pub wanted: Wanted,
    /// Every namespace of the cluster.
    pub namespaces: Vec<NamespaceInfo>,
    /// The Secrets of the wanted name, by namespace.
    pub secrets: HashMap<String, Secret>,
    /// ServiceAccounts that may get our entry: namespace → name → object.
    pub service_accounts: HashMap<String, BTreeMap<String, ServiceAccount>>,
    /// Other ECRPullSecrets that own Secrets of the wanted name and still
    /// exist (looked up only when such a Secret is seen): their Secrets are
    /// left alone, while those of a deleted resource are orphans to take over.
    pub other_owners: HashSet<String>,
    /// Whether the payload was fetched in this pass (false: a repair's).
    pub refreshed: bool,
    /// What the payload was made for: the memory's key.
    pub fingerprint: Fingerprint,
}

/// The Secrets seen hold tokens: shown by namespace only.
impl fmt::Debug for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets: Vec<&String> = self.secrets.keys().collect();
        f.debug_struct("Observed")
            .field("wanted", &self.wanted)
            .field("namespaces", &self.namespaces.len())
            .field("secrets_in", &secrets)
            .field("refreshed", &self.refreshed)
            .finish_non_exhaustive()
    }
}

/// Why a pass stopped before writing any namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Machine-readable reason, for the status condition and metrics.
    pub reason: &'static str,
    /// One sentence for people.
    pub message: String,
}

/// How observing can end early.
#[derive(Debug)]
pub enum Halt {
    /// The pass cannot go on; the status says why.
    Stop(Stop),
    /// The pass cannot even report (the API server is unreachable or refuses).
    Failed(Error),
}

impl From<Error> for Halt {
    fn from(e: Error) -> Self {
        Halt::Failed(e)
    }
}

fn stop(reason: &'static str) -> impl Fn(String) -> Halt {
    move |message| Halt::Stop(Stop { reason, message })
}

/// Reads everything the plan needs; see the module header.
pub async fn observe(
    runner: &Runner,
    obj: &ECRPullSecret,
    pass: &Pass<'_>,
) -> Result<(Observed, Payload), Halt> {
    let wanted = Wanted::from_resource(obj, &runner.defaults).map_err(stop("InvalidSpec"))?;
    let creds = credentials(runner, obj).await?;
    let fingerprint = Fingerprint {
        generation: obj.metadata.generation,
        credentials: creds.key.clone(),
        registries: wanted.registries.clone(),
    };
    let name = wanted.resource.as_str();
    let memory = pass.memory;
    let cached = match pass.mode {
        Mode::Repair => memory.and_then(|m| m.payload(name, &fingerprint)),
        Mode::Refresh | Mode::ForceRefresh => None,
    };
    let fresh_after = (pass.mode == Mode::ForceRefresh).then(Instant::now);
    let client = &runner.client;
    // A repair never downgrades: it takes the newest payload in sight, its own
    // or the one in our Secrets, which another runner may have refreshed
    // since; so it waits for the reads. Without either, or
    // when the status knows of a newer token still, it refreshes.
    let defer = pass.mode == Mode::Repair;
    let payload = async {
        if defer {
            Ok(None)
        } else {
            fetch_payload(runner, &creds, &wanted.registries, fresh_after)
                .await
                .map(Some)
        }
    };
    let service_accounts = async {
        if wanted.service_accounts.is_empty() {
            Ok(HashMap::new())
        } else {
            kube_api::service_accounts::list(client, &wanted.service_accounts).await
        }
    };
    let secrets = kube_api::secrets::named(client, &wanted.secret_name);
    let (cluster, secrets, service_accounts, payload) = tokio::join!(
        kube_api::namespaces::list(client, NamespaceInfo::from_meta),
        secrets,
        service_accounts,
        payload,
    );
    let (namespaces, _) = cluster?;
    let repair = match &payload {
        Ok(None) => {
            let in_cluster = match &secrets {
                Ok(live) => secret::newest_in_cluster(
                    live,
                    name,
                    &wanted.registries,
                    jiff::Timestamp::now(),
                ),
                _ => None,
            };
            let status_expiry = obj
                .status
                .as_ref()
                .and_then(|s| s.expires_at.as_ref())
                .map(|t| t.0);
            secret::repair_payload(cached, in_cluster, status_expiry)
        }
        _ => None,
    };
    // Whether new tokens are fetched in this pass.
    let refreshed = repair.is_none();
    let remember = !matches!(repair, Some((_, RepairSource::Memory)));
    let payload = match (payload, repair) {
        (Ok(Some(p)), _) => Ok(p),
        (Ok(None), Some((p, source))) => {
            if source == RepairSource::Cluster {
                tracing::debug!(
                    resource = name,
                    "repairing with the newer payload already in the cluster"
                );
            }
            Ok(p)
        }
        (Ok(None), None) => fetch_payload(runner, &creds, &wanted.registries, fresh_after).await,
        (Err(e), _) => Err(e),
    };
    let payload = match payload {
        Ok(p) => p,
        Err(e) => {
            // A payload is kept only while its fetch worked: the controller's
            // backoff lets passes through early only for a payload in hand.
            if let Some(m) = memory {
                m.forget(name);
            }
            return Err(Halt::Stop(Stop {
                reason: e.reason(),
                message: e.to_string(),
            }));
        }
    };
    if let Some(m) = memory.filter(|_| remember) {
        m.remember_payload(name, &fingerprint, &payload);
    }
    let secrets = match secrets {
        Err(e) if kube_api::is_forbidden(&e) => {
            return Err(Halt::Stop(Stop {
                reason: "SecretNotGranted",
                message: not_granted(runner.secret_access, &wanted.secret_name, &e),
            }));
        }
        other => other?,
    };
    let foreign: HashSet<String> = secrets
        .values()
        .filter_map(|s| s.labels().get(crate::crd::OWNER_LABEL).cloned())
        .filter(|owner| owner != name)
        .collect();
    let other_owners = if foreign.is_empty() {
        HashSet::new()
    } else {
        kube_api::resources::names(client)
            .await?
            .into_iter()
            .filter(|n| foreign.contains(n))
            .collect()
    };
    let mut by_namespace: HashMap<String, BTreeMap<String, ServiceAccount>> = HashMap::new();
    for ((ns, sa_name), sa) in service_accounts? {
        by_namespace.entry(ns).or_default().insert(sa_name, sa);
    }
    let observed = Observed {
        wanted,
        namespaces,
        secrets,
        service_accounts: by_namespace,
        other_owners,
        refreshed,
        fingerprint,
    };
    Ok((observed, payload))
}

/// Why Secrets of `name` could not be listed, and where to grant them.
fn not_granted(access: SecretAccess, name: &str, err: &Error) -> String {
    match access {
        SecretAccess::Named => format!(
            "{err}; with Secret access named, the controller may use only the Secret names it is granted: add {name} to the Helm chart's rbac.pullSecretNames (or a resourceNames rule for get, list, watch, patch and delete on secrets)"
        ),
        _ => err.to_string(),
    }
}

/// The resource's credentials: its `serviceAccountRef` or `secretRef`, else
/// the runner's default Secret, else the default chain; plus the role, if any.
async fn credentials(runner: &Runner, obj: &ECRPullSecret) -> Result<ResolvedCredentials, Halt> {
    let spec = obj.spec.credentials.as_ref();
    let role_arn = spec.and_then(|c| c.role_arn.clone());
    let external_id = spec.and_then(|c| c.external_id.clone());
    if let Some(sa) = spec.and_then(|c| c.service_account_ref.as_ref()) {
        return web_identity(runner, sa, role_arn).await;
    }
    let secret_ref = spec
        .and_then(|c| c.secret_ref.clone())
        .or_else(|| runner.defaults.credentials.clone());
    let Some(r) = secret_ref else {
        return Ok(ResolvedCredentials::default_chain(role_arn, external_id));
    };
    let unavailable = stop("CredentialsUnavailable");
    let secret = match kube_api::secrets::get(&runner.client, &r.namespace, &r.name, "credentials")
        .await
    {
        Ok(Some(s)) => s,
        Ok(None) => {
            return Err(unavailable(format!(
                "credentials Secret {}/{} not found; create it with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                r.namespace, r.name
            )));
        }
        Err(e @ Error::Kube { .. }) => {
            let mut message = e.to_string();
            if runner.secret_access == SecretAccess::Named && kube_api::is_forbidden(&e) {
                message.push_str(
                    "; with Secret access named, the Helm chart grants only the credentials Secrets listed in rbac.credentialsSecrets (and aws.credentials.secretName)",
                );
            }
            return Err(unavailable(message));
        }
        Err(e) => return Err(Halt::Failed(e)),
    };
    ResolvedCredentials::from_secret(&r, &secret, role_arn, external_id).map_err(unavailable)
}

/// A ServiceAccount's web identity. The role is `roleArn`, else the
/// ServiceAccount's `eks.amazonaws.com/role-arn` annotation (read now); the
/// token is asked for only when a token call needs it.
async fn web_identity_role(
    runner: &Runner,
    sa: &ServiceAccountRef,
    role_arn: Option<String>,
) -> Result<String, Halt> {
    let unavailable = stop("CredentialsUnavailable");
    if let Some(role) = role_arn {
        return Ok(role);
    }
    let (namespace, name) = (&sa.namespace, &sa.name);
    match kube_api::service_accounts::get(&runner.client, namespace, name).await {
        Ok(Some(found)) => found
            .annotations()
            .get(ROLE_ARN_ANNOTATION)
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .ok_or_else(|| {
                unavailable(format!(
                    "ServiceAccount {namespace}/{name} has no {ROLE_ARN_ANNOTATION} annotation; annotate it with the role to assume, or set spec.credentials.roleArn"
                ))
            }),
        Ok(None) => Err(unavailable(format!(
            "ServiceAccount {namespace}/{name} named in spec.credentials.serviceAccountRef not found; create it, or set spec.credentials.roleArn"
        ))),
        Err(e @ Error::Kube { .. }) if kube_api::is_forbidden(&e) => Err(unavailable(format!(
            "{e}, or set spec.credentials.roleArn so the ServiceAccount need not be read"
        ))),
        Err(e @ Error::Kube { .. }) => Err(unavailable(e.to_string())),
        Err(e) => Err(Halt::Failed(e)),
    }
}

/// The credentials of a `serviceAccountRef`.
async fn web_identity(
    runner: &Runner,
    sa: &ServiceAccountRef,
    role_arn: Option<String>,
) -> Result<ResolvedCredentials, Halt> {
    let role = web_identity_role(runner, sa, role_arn).await?;
    let audience = sa
        .audience
        .clone()
        .unwrap_or_else(|| DEFAULT_AUDIENCE.to_string());
    let (client, namespace, name, aud) = (
        runner.client.clone(),
        sa.namespace.clone(),
        sa.name.clone(),
        audience.clone(),
    );
    let token: WebIdentityToken = Arc::new(move || {
        let (client, namespace, name, aud) =
            (client.clone(), namespace.clone(), name.clone(), aud.clone());
        Box::pin(async move {
            kube_api::service_accounts::request_token(&client, &namespace, &name, &aud)
                .await
                .map_err(|e| {
                    let mut m = e.to_string();
                    if kube_api::is_forbidden(&e) {
                        m.push_str(" (with the Helm chart: list the ServiceAccount in rbac.tokenServiceAccounts)");
                    }
                    m
                })
        })
    });
    Ok(ResolvedCredentials::service_account(
        &sa.namespace,
        &sa.name,
        &audience,
        role,
        token,
    ))
}

/// Fetches every scope's token and builds the payload.
async fn fetch_payload(
    runner: &Runner,
    creds: &ResolvedCredentials,
    registries: &[Registry],
    fresh_after: Option<Instant>,
) -> Result<Payload, TokenError> {
    let fetched: Vec<_> = stream::iter(scopes(registries))
        .map(|scope| async move {
            let t = runner.tokens.token(creds, &scope, fresh_after).await;
            (scope, t)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut tokens = BTreeMap::new();
    for (scope, t) in fetched {
        tokens.insert(scope, t?);
    }
    Ok(Payload::build(registries, &tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_are_the_resources_own_sorted_once_or_the_runners_default() {
        let spec = |regs: &[&str]| -> ECRPullSecretSpec {
            serde_json::from_value(
                serde_json::json!({"secretName": "ecr", "namespaces": ["a"], "registries": regs}),
            )
            .unwrap()
        };
        let a = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";
        let b = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
        let got = resolve_registries(&spec(&[a, b, a]), None).unwrap();
        let hosts: Vec<_> = got.iter().map(|r| r.host.as_str()).collect();
        assert_eq!(hosts, vec![b, a]);
        let default = Registry::parse(b).unwrap();
        assert_eq!(
            resolve_registries(&spec(&[]), Some(&default)).unwrap(),
            vec![default.clone()]
        );
        // Dual-stack aliases, for the listed hosts and for the default alike.
        let mut aliased = spec(&[a]);
        aliased.dual_stack_aliases = Some(true);
        let hosts = |r: Vec<Registry>| r.into_iter().map(|r| r.host).collect::<Vec<_>>();
        assert_eq!(
            hosts(resolve_registries(&aliased, None).unwrap()),
            vec!["444455556666.dkr-ecr.eu-west-1.on.aws", a]
        );
        aliased.registries = None;
        assert_eq!(
            hosts(resolve_registries(&aliased, Some(&default)).unwrap()),
            vec!["111122223333.dkr-ecr.us-east-1.on.aws", b]
        );
        let none = resolve_registries(&spec(&[]), None).unwrap_err();
        assert!(none.contains("--registry"), "{none}");
        assert!(resolve_registries(&spec(&["docker.io"]), None).is_err());
    }
}
