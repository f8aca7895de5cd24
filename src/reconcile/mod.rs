//! The reconcile: the one pass both drivers run. `kubectl ecrcreds refresh`
//! calls [`reconcile`] once per resource; the controller calls it on every
//! trigger. It reads as a pipeline:
//! validate → resolve credentials → select namespaces → fetch tokens (one per
//! region) → build Secrets → apply what changed → add our ServiceAccount entry
//! → write status and an Event → compute the next refresh.
//!
//! Invariant: nothing is written to a namespace until every token is in hand,
//! so a failed token fetch never blanks or downgrades a working Secret.

pub mod apply;
pub mod desired;
pub mod observed;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::runtime::events::Recorder;
use kube::{Client, ResourceExt};
use serde::Serialize;
use tokio::sync::Mutex;

use crate::crd::{ECRPullSecret, NamespaceFailure, REFRESH_ANNOTATION, SecretRef};
use crate::ecr::{CredentialsKey, CredentialsSource, Registry, ResolvedCredentials, TokenSource};
use crate::error::{Error, Result};
use crate::metrics::Metrics;
use desired::{NextRefresh, SecretAction, StatusInput};

/// Defaults from the runner's flags or environment (the original operator's
/// `REGISTRY`, `AWS_REGION`, `AWS_CREDENTIALS_SECRET_*`).
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    /// Registry used when a resource lists none.
    pub registry: Option<Registry>,
    /// Credentials Secret used when a resource names none.
    pub credentials: Option<SecretRef>,
}

/// Everything a pass needs.
pub struct Context {
    /// The Kubernetes client.
    pub client: Client,
    /// Where tokens come from.
    pub tokens: TokenSource,
    /// Runner defaults.
    pub defaults: Defaults,
    /// How many namespaces are written at once.
    pub concurrency: usize,
    /// Event recorder.
    pub recorder: Recorder,
    /// Counters and gauges (served by the controller, ignored by the plugin).
    pub metrics: Arc<Metrics>,
    /// The last payload written per resource, for repair passes.
    pub payloads: Mutex<HashMap<String, CachedPayload>>,
    /// Namespaces done out of those targeted in the current pass, for
    /// progress displays.
    pub progress: Progress,
    /// Whether this runner may read Secrets.
    pub secret_access: SecretAccess,
    /// Longest time between two passes that apply every target (write-only
    /// mode) or re-read them (read mode).
    pub resync: Duration,
    /// Write-only mode: what this process applied per resource, so a pass
    /// for one new namespace does not re-apply all the others.
    pub applied: Mutex<HashMap<String, Applied>>,
}

/// The namespaces (`name/uid`) a write-only runner applied a resource's
/// current payload to, and when it last applied all of them.
#[derive(Debug)]
pub struct Applied {
    fingerprint: String,
    payload: Arc<Vec<u8>>,
    since: std::time::Instant,
    namespaces: HashSet<String>,
}

/// How much of the cluster's Secrets a runner may read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretAccess {
    /// List and read Secrets named like ours, to write only what changed and
    /// to find our Secrets for cleanup.
    #[default]
    Read,
    /// Read no Secret but the credentials: apply every target on each pass
    /// (an unchanged apply writes nothing), learn what happened from the
    /// answer, and clean up with label-selected deletes.
    WriteOnly,
}

/// Counters a caller may poll while a pass runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Namespaces the pass will write.
    pub total: std::sync::atomic::AtomicUsize,
    /// Namespaces finished.
    pub done: std::sync::atomic::AtomicUsize,
}

/// What happened to the Secret in one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretResult {
    /// Written for the first time.
    Created,
    /// Rewritten with new content.
    Updated,
    /// Already current; nothing written.
    Unchanged,
    /// Could not be brought up to date.
    Failed,
}

impl std::fmt::Display for SecretResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretResult::Created => "created",
            SecretResult::Updated => "updated",
            SecretResult::Unchanged => "unchanged",
            SecretResult::Failed => "failed",
        })
    }
}

/// The outcome in one namespace.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceReport {
    /// The namespace.
    pub namespace: String,
    /// The Secret's fate.
    pub secret: SecretResult,
    /// ServiceAccounts that carry our entry after the pass.
    pub service_accounts: Vec<String>,
    /// ServiceAccounts written in this pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<String>,
    /// Why it failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The outcome of one pass over one resource.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The resource.
    pub resource: String,
    /// The Secret name it writes.
    pub secret_name: String,
    /// Per-namespace outcomes, sorted by namespace.
    pub namespaces: Vec<NamespaceReport>,
    /// A failure that stopped the pass before any namespace was touched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Machine-readable reason for `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// True when the resource is suspended and nothing was done.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// Earliest token expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// When the next pass is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_refresh: Option<Timestamp>,
    /// The token expiry was already past when fetched.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub expiry_in_past: bool,
    /// Objects written (Secrets and ServiceAccounts).
    pub writes: usize,
    /// Whether new tokens were fetched (false for a repair pass).
    #[serde(skip)]
    pub refreshed: bool,
    /// Write-only mode: when every target is due to be applied again.
    #[serde(skip)]
    pub resync_in: Option<Duration>,
}

impl Report {
    /// Whether every namespace is up to date.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.namespaces.iter().all(|n| n.error.is_none())
    }

    /// A pass that got through to its end (or, suspended, did nothing).
    fn done(
        obj: &ECRPullSecret,
        namespaces: Vec<NamespaceReport>,
        expires_at: Option<Timestamp>,
        next: Option<NextRefresh>,
        writes: usize,
        refreshed: bool,
    ) -> Self {
        Report {
            resource: obj.name_any(),
            secret_name: obj.spec.secret_name.clone(),
            namespaces,
            error: None,
            reason: None,
            suspended: false,
            expires_at,
            next_refresh: next.map(|n| n.at),
            expiry_in_past: next.is_some_and(|n| n.expiry_in_past),
            writes,
            refreshed,
            resync_in: None,
        }
    }

    /// A pass stopped before touching any namespace.
    fn stopped(obj: &ECRPullSecret, reason: &'static str, error: String) -> Self {
        Report {
            error: Some(error),
            reason: Some(reason.into()),
            ..Report::done(obj, Vec::new(), None, None, 0, false)
        }
    }
}

/// What a pass may do about tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Fetch tokens (one fetched moments ago for the same credentials and
    /// region may be shared) and write them everywhere they differ.
    Refresh,
    /// Like `Refresh`, but never with a token fetched before this pass began:
    /// for explicit requests and spec changes.
    ForceRefresh,
    /// Put back deleted or edited objects with the payload of the last refresh
    /// this process made; falls back to a refresh when it has none.
    Repair,
}

/// The payload of the last refresh of a resource, for repairs.
#[derive(Clone)]
pub struct CachedPayload {
    fingerprint: String,
    payload: Arc<Vec<u8>>,
    expires_at: Option<Timestamp>,
}

/// Runs one pass over `obj`. `jitter` is added to the next refresh time (the
/// controller spreads resources; a one-shot refresh passes zero).
///
/// Returns `Err` only when the pass could not even report (the API server is
/// unreachable or forbids reading); every other failure is in the [`Report`]
/// and in the resource's status.
pub async fn reconcile(
    ctx: &Context,
    obj: &ECRPullSecret,
    mode: Mode,
    jitter: Duration,
) -> Result<Report> {
    let name = obj.name_any();
    if obj.spec.suspended() {
        return Ok(Report {
            suspended: true,
            ..Report::done(obj, Vec::new(), None, None, 0, false)
        });
    }

    // Validate: the schema should have caught these, but resources written
    // before a schema change (or with validation off) still reach us.
    let interval = match obj.spec.refresh_interval() {
        Ok(i) => i,
        Err(e) => return stop(ctx, obj, "InvalidSpec", e).await,
    };
    let registries = match desired::resolve_registries(&obj.spec, ctx.defaults.registry.as_ref()) {
        Ok(r) => r,
        Err(e) => return stop(ctx, obj, "InvalidSpec", e).await,
    };

    // Credentials.
    let creds = match resolve_credentials(ctx, obj).await {
        Ok(c) => c,
        Err(Error::Invalid(e)) => return stop(ctx, obj, "CredentialsUnavailable", e).await,
        Err(e @ Error::Kube { .. }) => {
            let forbidden =
                matches!(&e, Error::Kube { source: kube::Error::Api(s), .. } if s.code == 403);
            let mut message = e.to_string();
            if forbidden && ctx.secret_access == SecretAccess::WriteOnly {
                message.push_str(
                    "; with Secret access write-only, the Helm chart grants only the Secrets listed in rbac.credentialsSecrets (and aws.credentials.secretName)",
                );
            }
            return stop(ctx, obj, "CredentialsUnavailable", message).await;
        }
        Err(e) => return Err(e),
    };

    // Read the cluster and get the payload at the same time: the namespaces,
    // the Secrets and ServiceAccounts already there, and the payload (the last
    // one this process wrote, for a repair, or fresh tokens, one call per
    // region). Everything is in hand before the first write.
    let secret_name = obj.spec.secret_name.clone();
    let wanted_sas = obj.spec.service_accounts();
    let fingerprint = format!(
        "{:?}|{:?}|{:?}",
        obj.metadata.generation, creds.key, registries
    );
    let cached = match mode {
        Mode::Repair => ctx
            .payloads
            .lock()
            .await
            .get(&name)
            .filter(|c| c.fingerprint == fingerprint)
            .cloned(),
        Mode::Refresh | Mode::ForceRefresh => None,
    };
    let fresh_after = (mode == Mode::ForceRefresh).then(std::time::Instant::now);
    let refreshed = cached.is_none();
    let payload_fut = async {
        match cached {
            Some(c) => Ok((c.payload, c.expires_at)),
            None => fetch_payload(ctx, &creds, &registries, fresh_after)
                .await
                .map(|(p, e)| (Arc::new(p), e)),
        }
    };
    let sas_fut = async {
        if wanted_sas.is_empty() {
            Ok(Default::default())
        } else {
            apply::service_accounts(&ctx.client, &wanted_sas).await
        }
    };
    let existing_fut = async {
        match ctx.secret_access {
            SecretAccess::Read => apply::secrets_named(&ctx.client, &secret_name)
                .await
                .map(Some),
            SecretAccess::WriteOnly => Ok(None),
        }
    };
    let (cluster, existing, sas, fetched) = tokio::join!(
        apply::namespaces_at(&ctx.client),
        existing_fut,
        sas_fut,
        payload_fut,
    );
    let (cluster, revision) = cluster?;
    let started = std::time::Instant::now();
    // Write-only: namespaces are known to hold a payload by name and UID.
    let write_only = ctx.secret_access == SecretAccess::WriteOnly;
    let uid_of: HashMap<&str, &str> = if write_only {
        cluster
            .iter()
            .map(|n| (n.name.as_str(), n.uid.as_str()))
            .collect()
    } else {
        HashMap::new()
    };
    let key_of = |ns: &str| format!("{ns}/{}", uid_of.get(ns).copied().unwrap_or_default());
    let targets = match desired::select_namespaces(&obj.spec, &cluster) {
        Ok(t) => t,
        Err(e) => return stop(ctx, obj, "InvalidSpec", e).await,
    };
    let (payload, expires_at) = match fetched {
        Ok(p) => p,
        Err(e) => {
            // A payload is kept only while its fetch worked: the controller's
            // backoff lets passes through early only for a payload in hand.
            ctx.payloads.lock().await.remove(&name);
            return stop(ctx, obj, e.reason(), e.to_string()).await;
        }
    };
    if refreshed {
        ctx.payloads.lock().await.insert(
            name.clone(),
            CachedPayload {
                fingerprint: fingerprint.clone(),
                payload: payload.clone(),
                expires_at,
            },
        );
    }
    let existing = existing?;
    let sas: HashMap<(String, String), ServiceAccount> = sas?;
    // Write-only: between full passes (a refresh, or every `resync`), a pass
    // applies only the namespaces not known to hold this payload already.
    let known: Option<HashSet<String>> = match (write_only, mode) {
        (true, Mode::Repair) => ctx
            .applied
            .lock()
            .await
            .get(&name)
            .filter(|a| {
                a.fingerprint == fingerprint
                    && a.payload == payload
                    && a.since.elapsed() < ctx.resync
            })
            .map(|a| a.namespaces.clone()),
        _ => None,
    };

    // Write what changed, namespace by namespace, a bounded number at a time.
    let mut sas_by_ns: BTreeMap<String, Vec<ServiceAccount>> = BTreeMap::new();
    for ((ns, _), sa) in sas {
        sas_by_ns.entry(ns).or_default().push(sa);
    }

    // Collected first so the stream below owns its items (the future must be Send).
    let mut work = Vec::with_capacity(targets.ready.len());
    for ns in &targets.ready {
        let desired = desired::desired_secret(&name, &secret_name, ns, &payload, expires_at);
        let action = match &existing {
            Some(existing) => desired::secret_action(existing.get(ns), &desired),
            None if known.as_ref().is_some_and(|k| k.contains(&key_of(ns))) => {
                SecretAction::Unchanged
            }
            None => SecretAction::Unknown,
        };
        let sas = sas_by_ns.remove(ns).unwrap_or_default();
        work.push(NamespaceWork {
            ns: ns.clone(),
            desired,
            action,
            sas,
        });
    }
    ctx.progress.total.store(work.len(), Ordering::Relaxed);
    ctx.progress.done.store(0, Ordering::Relaxed);
    let wanted_sas = &wanted_sas;
    let secret_name_ref = &secret_name;
    let revision = revision.as_deref();
    let mut reports: Vec<NamespaceReport> = stream::iter(work)
        .map(|work| async move {
            Ok::<_, Error>(namespace_pass(ctx, work, wanted_sas, secret_name_ref, revision).await)
        })
        .buffer_unordered(ctx.concurrency.max(1))
        .try_collect()
        .await?;
    for f in &targets.unavailable {
        reports.push(NamespaceReport {
            namespace: f.namespace.clone(),
            secret: SecretResult::Failed,
            service_accounts: Vec::new(),
            patched: Vec::new(),
            error: Some(f.reason.clone()),
        });
    }
    reports.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    let resync_in = if write_only {
        let ok = reports
            .iter()
            .filter(|r| r.secret != SecretResult::Failed)
            .map(|r| key_of(&r.namespace));
        let mut applied = ctx.applied.lock().await;
        let entry = match (known.is_some(), applied.get_mut(&name)) {
            (true, Some(entry)) => {
                entry.namespaces.extend(ok);
                entry
            }
            _ => applied
                .entry(name.clone())
                .insert_entry(Applied {
                    fingerprint,
                    payload: payload.clone(),
                    since: started,
                    namespaces: ok.collect(),
                })
                .into_mut(),
        };
        Some(ctx.resync.saturating_sub(entry.since.elapsed()))
    } else {
        None
    };

    let secrets_written = reports
        .iter()
        .filter(|r| matches!(r.secret, SecretResult::Created | SecretResult::Updated))
        .count();
    let writes = secrets_written + reports.iter().map(|r| r.patched.len()).sum::<usize>();
    ctx.metrics.secrets_written(secrets_written as u64);
    let failed: Vec<NamespaceFailure> = reports
        .iter()
        .filter_map(|r| {
            r.error.as_ref().map(|e| NamespaceFailure {
                namespace: r.namespace.clone(),
                reason: e.clone(),
            })
        })
        .collect();
    let now = Timestamp::now();
    let next = if refreshed {
        let next = desired::next_refresh(now, interval, expires_at, jitter);
        if next.expiry_in_past {
            tracing::warn!(
                resource = %name,
                expires_at = ?expires_at,
                "the token's reported expiry is already past (clock skew?); scheduling by refreshInterval"
            );
        }
        next
    } else {
        let at = obj
            .status
            .as_ref()
            .and_then(|s| s.next_refresh_time.as_ref())
            .map(|t| t.0)
            .unwrap_or(now);
        NextRefresh {
            at,
            expiry_in_past: expires_at.is_some_and(|e| e <= now),
        }
    };
    let ready = reports.len() - failed.len();
    let desired_count = targets.desired();
    let status = desired::build_status(StatusInput {
        generation: obj.metadata.generation,
        previous: obj.status.as_ref(),
        now,
        desired: desired_count,
        ready,
        failed: failed.clone(),
        fatal: None,
        expires_at,
        next: Some(next),
        refreshed,
        refresh_request: obj.annotations().get(REFRESH_ANNOTATION).cloned(),
    });
    if obj.status.as_ref() != Some(&status) {
        apply::write_status(&ctx.client, obj, &status).await?;
    }
    if failed.is_empty() {
        ctx.metrics.success();
        if writes > 0 {
            apply::publish_event(
                &ctx.recorder,
                obj,
                false,
                if refreshed { "Refreshed" } else { "Repaired" },
                format!("wrote {writes} objects; {ready}/{desired_count} namespaces ready"),
            )
            .await;
        }
    } else {
        ctx.metrics.error("PartialFailure");
        if writes > 0 || obj.status.as_ref() != Some(&status) || refreshed {
            apply::publish_event(
                &ctx.recorder,
                obj,
                true,
                "PartialFailure",
                status.conditions[0].message.clone(),
            )
            .await;
        }
    }
    ctx.metrics.expiry(&name, expires_at, now);
    Ok(Report {
        resync_in,
        ..Report::done(obj, reports, expires_at, Some(next), writes, refreshed)
    })
}

/// Fetches every region's token and builds the dockerconfigjson payload.
async fn fetch_payload(
    ctx: &Context,
    creds: &ResolvedCredentials,
    registries: &[Registry],
    fresh_after: Option<std::time::Instant>,
) -> Result<(Vec<u8>, Option<Timestamp>), crate::ecr::TokenError> {
    let regions = desired::regions(registries);
    let fetched: Vec<_> = stream::iter(regions.iter().cloned())
        .map(|region| async move {
            let t = ctx.tokens.token(creds, &region, fresh_after).await;
            (region, t)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut tokens = BTreeMap::new();
    for (region, t) in fetched {
        tokens.insert(region, t?);
    }
    Ok((
        desired::docker_config_json(registries, &tokens),
        desired::earliest_expiry(&tokens),
    ))
}

/// Which managed Secrets a cleanup covers.
#[derive(Clone, Debug)]
pub enum CleanupScope {
    /// Those written for these resources.
    Resources(Vec<String>),
    /// Every Secret we manage.
    All,
    /// Those whose resource no longer exists.
    Orphans,
}

/// One object a cleanup removes or edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupItem {
    /// `secret` (deleted) or `serviceaccount` (our entry removed).
    pub kind: &'static str,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The resource it belonged to.
    pub resource: String,
    /// For a ServiceAccount, the entry removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

/// Works out what a cleanup would remove, without changing anything: our
/// labelled Secrets in scope, and in their namespaces the ServiceAccounts that
/// list them. Entries of others are never part of it.
pub async fn plan_cleanup(client: &Client, scope: &CleanupScope) -> Result<Vec<CleanupItem>> {
    let secrets = match scope {
        CleanupScope::Resources(names) => {
            let mut all = Vec::new();
            for n in names {
                all.extend(apply::managed_secrets(client, Some(n)).await?);
            }
            all
        }
        CleanupScope::All | CleanupScope::Orphans => apply::managed_secrets(client, None).await?,
    };
    let existing: std::collections::HashSet<String> = if matches!(scope, CleanupScope::Orphans) {
        let api: kube::Api<ECRPullSecret> = kube::Api::all(client.clone());
        api.list_metadata(&Default::default())
            .await
            .map_err(|e| Error::kube("list ECRPullSecret resources", e))?
            .items
            .iter()
            .map(|m| m.name_any())
            .collect()
    } else {
        Default::default()
    };
    let mut items = Vec::new();
    let mut by_ns: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for secret in secrets {
        let owner = secret
            .labels()
            .get(crate::crd::OWNER_LABEL)
            .cloned()
            .unwrap_or_default();
        if matches!(scope, CleanupScope::Orphans) && existing.contains(&owner) {
            continue;
        }
        let ns = secret.namespace().unwrap_or_default();
        by_ns
            .entry(ns.clone())
            .or_default()
            .push((secret.name_any(), owner.clone()));
        items.push(CleanupItem {
            kind: "secret",
            namespace: ns,
            name: secret.name_any(),
            resource: owner,
            entry: None,
        });
    }
    items.extend(service_account_entries(client, &by_ns).await?);
    items.sort();
    Ok(items)
}

/// Above this many namespaces, ServiceAccounts are listed once cluster-wide
/// rather than namespace by namespace.
const SA_LIST_PER_NAMESPACE_MAX: usize = 8;

/// The ServiceAccount entries naming our Secrets, given the Secrets
/// (name, owning resource) by namespace.
async fn service_account_entries(
    client: &Client,
    by_ns: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<Vec<CleanupItem>> {
    let sas: Vec<ServiceAccount> = if by_ns.len() > SA_LIST_PER_NAMESPACE_MAX {
        apply::service_accounts(client, &["*".to_string()])
            .await?
            .into_values()
            .collect()
    } else {
        let mut all = Vec::new();
        for ns in by_ns.keys() {
            all.extend(apply::service_accounts_in(client, ns).await?);
        }
        all
    };
    let mut items = Vec::new();
    for sa in sas {
        let ns = sa.namespace().unwrap_or_default();
        for (secret_name, owner) in by_ns.get(&ns).into_iter().flatten() {
            if sa
                .image_pull_secrets
                .iter()
                .flatten()
                .any(|r| &r.name == secret_name)
            {
                items.push(CleanupItem {
                    kind: "serviceaccount",
                    namespace: ns.clone(),
                    name: sa.name_any(),
                    resource: owner.clone(),
                    entry: Some(secret_name.clone()),
                });
            }
        }
    }
    Ok(items)
}

/// Cleanup for a runner that may not read Secrets: in every namespace, the
/// API server deletes the Secrets carrying the resource's owner label, then
/// our entries naming them are removed from ServiceAccounts. (With reads, the
/// entries go first; here the Secrets must be deleted to be known, and a
/// ServiceAccount naming a missing Secret only makes the kubelet warn.)
pub async fn cleanup_without_reading(ctx: &Context, resource: &str) -> Result<Vec<CleanupItem>> {
    let namespaces = apply::namespaces(&ctx.client).await?;
    let deleted: Vec<(String, Vec<String>)> = stream::iter(namespaces)
        .map(|ns| async move {
            apply::delete_managed_in(&ctx.client, &ns.name, resource)
                .await
                .map(|names| (ns.name, names))
        })
        .buffer_unordered(ctx.concurrency.max(1))
        .try_collect()
        .await?;
    let mut done = Vec::new();
    let mut by_ns: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (ns, names) in deleted.into_iter().filter(|(_, n)| !n.is_empty()) {
        for name in names {
            done.push(CleanupItem {
                kind: "secret",
                namespace: ns.clone(),
                name: name.clone(),
                resource: resource.to_string(),
                entry: None,
            });
            by_ns
                .entry(ns.clone())
                .or_default()
                .push((name, resource.to_string()));
        }
    }
    let entries = service_account_entries(&ctx.client, &by_ns).await?;
    done.extend(execute_cleanup(&ctx.client, &entries).await?);
    done.sort();
    Ok(done)
}

/// Carries out a plan: ServiceAccount entries first (so no ServiceAccount ever
/// points at a deleted Secret for long), then the Secrets. Objects already gone
/// count as done. Returns the items actually changed.
pub async fn execute_cleanup(client: &Client, plan: &[CleanupItem]) -> Result<Vec<CleanupItem>> {
    let mut done = Vec::new();
    for item in plan.iter().filter(|i| i.kind == "serviceaccount") {
        let api: kube::Api<ServiceAccount> = kube::Api::namespaced(client.clone(), &item.namespace);
        let sa = match api.get_opt(&item.name).await {
            Ok(Some(sa)) => sa,
            Ok(None) => continue,
            Err(kube::Error::Api(s)) if s.code == 404 => continue,
            Err(e) => {
                return Err(Error::kube(
                    format!("get ServiceAccount {}/{}", item.namespace, item.name),
                    e,
                ));
            }
        };
        let entry = item.entry.as_deref().unwrap_or_default();
        if apply::edit_pull_secret(client, sa, entry, false).await? {
            done.push(item.clone());
        }
    }
    for item in plan.iter().filter(|i| i.kind == "secret") {
        if apply::delete_secret(client, &item.namespace, &item.name).await? {
            done.push(item.clone());
        }
    }
    Ok(done)
}

/// What a pass does in one namespace, worked out before the first write.
struct NamespaceWork {
    ns: String,
    desired: k8s_openapi::api::core::v1::Secret,
    action: SecretAction,
    /// The namespace's ServiceAccounts that may get our entry.
    sas: Vec<ServiceAccount>,
}

/// The Secret and ServiceAccount work in one namespace; failures stay here.
/// `revision` is the resourceVersion the pass read the cluster at.
async fn namespace_pass(
    ctx: &Context,
    work: NamespaceWork,
    wanted: &[String],
    secret_name: &str,
    revision: Option<&str>,
) -> NamespaceReport {
    let NamespaceWork {
        ns,
        desired,
        action,
        sas: ns_sas,
    } = work;
    let mut report = NamespaceReport {
        namespace: ns.clone(),
        secret: SecretResult::Failed,
        service_accounts: Vec::new(),
        patched: Vec::new(),
        error: None,
    };
    let action = match action {
        SecretAction::Unchanged | SecretAction::Conflict => action,
        SecretAction::Create | SecretAction::Update | SecretAction::Unknown => {
            ctx.metrics.secret_applied();
            match apply::apply_secret(&ctx.client, &desired).await {
                Err(e) => {
                    report.error = Some(e.to_string());
                    return report;
                }
                Ok(None) => SecretAction::Conflict,
                Ok(Some(answer)) if action == SecretAction::Unknown => {
                    desired::applied_action(&answer, revision)
                }
                Ok(Some(_)) => action,
            }
        }
    };
    report.secret = match action {
        SecretAction::Conflict => {
            report.error = Some(format!(
                "Secret {ns}/{secret_name} exists with another type and is not managed by kubectl-ecrcreds; delete or rename it"
            ));
            return report;
        }
        SecretAction::Create => SecretResult::Created,
        SecretAction::Unchanged => SecretResult::Unchanged,
        SecretAction::Update | SecretAction::Unknown => SecretResult::Updated,
    };

    // ServiceAccounts: the named ones (each must exist), or all with "*".
    let all = wanted.iter().any(|w| w == "*");
    let mut by_name: BTreeMap<String, ServiceAccount> =
        ns_sas.into_iter().map(|sa| (sa.name_any(), sa)).collect();
    let names: Vec<String> = if all {
        by_name.keys().cloned().collect()
    } else {
        wanted.to_vec()
    };
    let mut errors = Vec::new();
    for sa_name in names {
        let Some(sa) = by_name.remove(&sa_name) else {
            errors.push(format!("serviceaccount {sa_name} not found"));
            continue;
        };
        match apply::edit_pull_secret(&ctx.client, sa, secret_name, true).await {
            Ok(wrote) => {
                if wrote {
                    report.patched.push(sa_name.clone());
                }
                report.service_accounts.push(sa_name);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    report
}

/// Resolves the resource's credentials: its `secretRef`, else the runner's
/// default Secret, else the default chain; plus the role, if any.
async fn resolve_credentials(ctx: &Context, obj: &ECRPullSecret) -> Result<ResolvedCredentials> {
    let spec_creds = obj.spec.credentials.as_ref();
    let secret_ref = spec_creds
        .and_then(|c| c.secret_ref.clone())
        .or_else(|| ctx.defaults.credentials.clone());
    let (source, keys) = match secret_ref {
        Some(r) => {
            let (keys, version) = apply::credentials_from_secret(&ctx.client, &r).await?;
            (CredentialsSource::Secret(version), Some(keys))
        }
        None => (CredentialsSource::DefaultChain, None),
    };
    Ok(ResolvedCredentials {
        key: CredentialsKey {
            source,
            role_arn: spec_creds.and_then(|c| c.role_arn.clone()),
            external_id: spec_creds.and_then(|c| c.external_id.clone()),
        },
        keys,
    })
}

/// Ends a pass that cannot write any namespace: status says why, a Warning
/// Event is recorded, existing Secrets are left exactly as they are.
async fn stop(
    ctx: &Context,
    obj: &ECRPullSecret,
    reason: &'static str,
    message: String,
) -> Result<Report> {
    tracing::warn!(resource = %obj.name_any(), reason, "{message}");
    ctx.metrics.error(reason);
    let status = desired::build_status(StatusInput {
        generation: obj.metadata.generation,
        previous: obj.status.as_ref(),
        now: Timestamp::now(),
        desired: 0,
        ready: 0,
        failed: Vec::new(),
        fatal: Some((reason, message.clone())),
        expires_at: None,
        next: None,
        refreshed: false,
        refresh_request: None,
    });
    if obj.status.as_ref() != Some(&status) {
        apply::write_status(&ctx.client, obj, &status).await?;
    }
    apply::publish_event(&ctx.recorder, obj, true, reason, message.clone()).await;
    Ok(Report::stopped(obj, reason, message))
}
