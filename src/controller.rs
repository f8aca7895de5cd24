//! The in-cluster driver: a kube-runtime `Controller` over `ECRPullSecret`
//! that runs the same [`reconcile`](crate::reconcile::reconcile) as
//! `kubectl ecrcreds refresh`, on a timer per resource and whenever a namespace,
//! a managed Secret or a ServiceAccount changes. Only the holder of the
//! leader Lease runs it; `/metrics`, `/healthz` and `/readyz` are served by
//! every replica.

use std::collections::HashMap;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::routing::get;
use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::api::{ListParams, Patch, PatchParams};
use kube::core::PartialObjectMeta;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher::{self, watcher};
use kube::runtime::{PredicateConfig, WatchStreamExt};
use kube::{Api, ResourceExt};
use tokio::sync::watch;

use crate::crd::{
    DeletionPolicy, ECRPullSecret, FIELD_MANAGER, FINALIZER, MANAGED_BY_LABEL, MANAGED_BY_VALUE,
    OWNER_LABEL, REFRESH_ANNOTATION,
};
use crate::error::{Error, Result};
use crate::reconcile::{self, Context, Mode, SecretAccess, desired};

/// How the controller runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where `/metrics`, `/healthz` and `/readyz` are served.
    pub metrics_addr: SocketAddr,
    /// Leader election; `None` runs without (a single replica).
    pub lease: Option<LeaseSettings>,
    /// How many resources are reconciled at once.
    pub workers: u16,
    /// How long triggers for one resource are gathered before a pass.
    pub debounce: Duration,
    /// Label selector limiting which resources this controller handles.
    pub selector: Option<String>,
}

/// Leader-election settings.
#[derive(Clone, Debug)]
pub struct LeaseSettings {
    /// Name of the Lease.
    pub name: String,
    /// Namespace of the Lease.
    pub namespace: String,
    /// This replica's identity.
    pub identity: String,
    /// How long a Lease is valid without renewal.
    pub duration: Duration,
}

/// Consecutive failures of one resource and when it may be tried again.
#[derive(Clone, Debug)]
struct Failure {
    count: u32,
    retry_at: Instant,
    /// The trigger hash when it failed: a user change retries at once.
    trigger: Option<u64>,
}

/// Shared by every pass.
pub struct State {
    ctx: Context,
    failures: std::sync::Mutex<HashMap<String, Failure>>,
    ready: AtomicBool,
}

impl State {
    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failure>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a failure and returns how long to wait before the next try.
    fn failed(&self, name: &str, trigger: Option<u64>) -> Duration {
        let mut failures = self.failures();
        let f = failures.entry(name.to_string()).or_insert(Failure {
            count: 0,
            retry_at: Instant::now(),
            trigger,
        });
        f.count += 1;
        let wait = desired::backoff(f.count);
        f.retry_at = Instant::now() + wait;
        f.trigger = trigger;
        wait
    }

    fn succeeded(&self, name: &str) {
        self.failures().remove(name);
    }

    /// Time left in a resource's backoff, unless the resource itself changed.
    fn backoff_remaining(&self, name: &str, trigger: Option<u64>) -> Option<Duration> {
        let failures = self.failures();
        let f = failures.get(name)?;
        let left = f.retry_at.checked_duration_since(Instant::now())?;
        (f.trigger == trigger && !left.is_zero()).then_some(left)
    }
}

/// Runs the controller until SIGTERM or SIGINT.
pub async fn run(ctx: Context, settings: Settings) -> Result<()> {
    // Fail early, in one sentence, when the CRD is missing or access is denied.
    let api: Api<ECRPullSecret> = Api::all(ctx.client.clone());
    api.list_metadata(&ListParams::default().limit(1))
        .await
        .map_err(|e| Error::kube("list ECRPullSecret resources", e))?;

    let state = Arc::new(State {
        ctx,
        failures: std::sync::Mutex::new(HashMap::new()),
        ready: AtomicBool::new(true),
    });
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let signal_state = state.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing passes in flight");
        signal_state.ready.store(false, Ordering::Relaxed);
        let _ = shutdown_tx.send(true);
    });

    let server = serve(state.clone(), settings.metrics_addr, shutdown_rx.clone()).await?;
    let result = match &settings.lease {
        None => {
            state.ctx.metrics.set_leader(true);
            run_controller(state.clone(), &settings, shutdown(shutdown_rx.clone())).await;
            Ok(())
        }
        Some(lease) => run_with_lease(state.clone(), &settings, lease, shutdown_rx.clone()).await,
    };
    let _ = server.await;
    result
}

/// Resolves once shutdown has been asked for.
async fn shutdown(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Waits for the Lease, runs the controller while holding it, and stops at
/// once (no new writes) when it is lost. The Lease is released on shutdown so
/// a standby takes over without waiting for it to expire.
async fn run_with_lease(
    state: Arc<State>,
    settings: &Settings,
    lease: &LeaseSettings,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let secs = lease.duration.as_secs().max(2);
    let manager = kube_lease_manager::LeaseManagerBuilder::new(state.ctx.client.clone(), &lease.name)
        .with_namespace(&lease.namespace)
        .with_identity(&lease.identity)
        .with_duration(secs)
        .with_grace((secs / 3).max(1))
        .with_field_manager(format!("{FIELD_MANAGER}-lease"))
        .build()
        .await
        .map_err(|e| {
            Error::Config(format!(
                "cannot use Lease {}/{} for leader election: {}; check that the namespace exists and RBAC allows leases",
                lease.namespace,
                lease.name,
                crate::error::root_cause(&e)
            ))
        })?;
    let (mut leading, task) = manager.watch().await;
    tracing::info!(identity = %lease.identity, lease = %lease.name, "waiting for the leader Lease");
    loop {
        // Standby until we lead or are told to stop.
        while !*leading.borrow_and_update() {
            tokio::select! {
                changed = leading.changed() => if changed.is_err() { break; },
                _ = stop.wait_for(|s| *s) => {
                    drop(leading);
                    let _ = task.await;
                    return Ok(());
                }
            }
        }
        tracing::info!(identity = %lease.identity, "acquired the leader Lease; starting the controller");
        state.ctx.metrics.set_leader(true);
        let controller = run_controller(state.clone(), settings, shutdown(stop.clone()));
        tokio::pin!(controller);
        let lost = loop {
            tokio::select! {
                _ = &mut controller => break false,
                changed = leading.changed() => {
                    if changed.is_err() || !*leading.borrow_and_update() {
                        break true;
                    }
                }
            }
        };
        state.ctx.metrics.set_leader(false);
        if lost {
            // Dropping the controller abandons passes in flight: each write is
            // a single atomic API call, so nothing is left half-written.
            tracing::warn!(identity = %lease.identity, "lost the leader Lease; standing by");
            state.ctx.payloads.lock().await.clear();
            state.ctx.applied.lock().await.clear();
            continue;
        }
        // The controller ended because shutdown was asked: release the Lease.
        drop(leading);
        let _ = task.await;
        return Ok(());
    }
}

/// Hash of what should trigger a pass when the resource itself changes: spec
/// (generation), the refresh-request annotation, deletion and finalizers. Our
/// own status writes change none of these, so they do not loop back.
fn trigger_hash(obj: &ECRPullSecret) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    obj.metadata.generation.hash(&mut h);
    obj.annotations().get(REFRESH_ANNOTATION).hash(&mut h);
    obj.metadata.deletion_timestamp.is_some().hash(&mut h);
    obj.finalizers().hash(&mut h);
    Some(h.finish())
}

/// Builds and runs the kube-runtime controller until `stop` resolves.
async fn run_controller(
    state: Arc<State>,
    settings: &Settings,
    stop: impl Future<Output = ()> + Send + Sync + 'static,
) {
    let client = state.ctx.client.clone();
    let (reader, writer) = reflector::store();
    let mut config = watcher::Config::default();
    if let Some(selector) = &settings.selector {
        config = config.labels(selector);
    }
    let resources = watcher(Api::<ECRPullSecret>::all(client.clone()), config)
        .default_backoff()
        .reflect(writer)
        .applied_objects()
        .predicate_filter(trigger_hash, PredicateConfig::default());

    // Namespaces: names and labels only.
    let namespaces = watcher(
        Api::<PartialObjectMeta<Namespace>>::all(client.clone()),
        watcher::Config::default(),
    )
    .default_backoff()
    .touched_objects();
    // Secrets: only ours, by label, metadata only (the owner label is all a
    // trigger needs), and never kept in memory. Without permission to read
    // Secrets there is no watch: the resync timer repairs them instead.
    let secrets = match state.ctx.secret_access {
        SecretAccess::Read => watcher(
            Api::<PartialObjectMeta<Secret>>::all(client.clone()),
            watcher::Config::default().labels(&format!("{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}")),
        )
        .default_backoff()
        .touched_objects()
        .boxed(),
        SecretAccess::WriteOnly => futures::stream::pending().boxed(),
    };
    // ServiceAccounts: streamed, not cached; only those missing our entry matter.
    let service_accounts = watcher(
        Api::<ServiceAccount>::all(client),
        watcher::Config::default(),
    )
    .default_backoff()
    .applied_objects();

    let ns_store = reader.clone();
    let sa_store = reader.clone();
    Controller::for_stream(resources, reader)
        .with_config(
            ControllerConfig::default()
                .debounce(settings.debounce)
                .concurrency(settings.workers),
        )
        .watches_stream(namespaces, move |ns| for_namespace(&ns_store, &ns))
        .watches_stream(secrets, for_secret)
        .watches_stream(service_accounts, move |sa| {
            for_service_account(&sa_store, &sa)
        })
        .graceful_shutdown_on(stop)
        .run(reconcile_one, error_policy, state)
        .for_each(|res| async move {
            if let Err(e) = res {
                tracing::debug!(error = %crate::error::root_cause(&e), "controller event");
            }
        })
        .await;
}

/// Resources that name the namespace or may select it.
fn for_namespace(
    store: &Store<ECRPullSecret>,
    ns: &PartialObjectMeta<Namespace>,
) -> Vec<ObjectRef<ECRPullSecret>> {
    let name = ns.name_any();
    store
        .state()
        .iter()
        // A namespace entering or leaving a selector both matter (the Secret,
        // the status counts), and the old labels are not known here: every
        // resource with a selector takes a (cheap, usually write-free) pass.
        .filter(|r| {
            r.spec.namespaces.iter().flatten().any(|n| *n == name)
                || r.spec.namespace_selector.is_some()
        })
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}

/// The resource a managed Secret belongs to.
fn for_secret(secret: PartialObjectMeta<Secret>) -> Option<ObjectRef<ECRPullSecret>> {
    secret
        .labels()
        .get(OWNER_LABEL)
        .map(|owner| ObjectRef::new(owner))
}

/// Resources that want an entry in this ServiceAccount and do not have one.
fn for_service_account(
    store: &Store<ECRPullSecret>,
    sa: &ServiceAccount,
) -> Vec<ObjectRef<ECRPullSecret>> {
    let ns = sa.namespace().unwrap_or_default();
    let name = sa.name_any();
    let listed = |secret: &str| {
        sa.image_pull_secrets
            .iter()
            .flatten()
            .any(|r| r.name == secret)
    };
    store
        .state()
        .iter()
        .filter(|r| {
            let wanted = r.spec.service_accounts();
            let wants_sa = wanted.iter().any(|w| w == "*" || *w == name);
            let may_target = r.spec.namespaces.iter().flatten().any(|n| *n == ns)
                || r.spec.namespace_selector.is_some();
            wants_sa && may_target && !listed(&r.spec.secret_name)
        })
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}

/// One pass for one resource: deletion, finalizer upkeep, then the shared
/// reconcile, and the time of the next pass.
async fn reconcile_one(obj: Arc<ECRPullSecret>, state: Arc<State>) -> Result<Action> {
    let started = Instant::now();
    let name = obj.name_any();
    let ctx = &state.ctx;

    if obj.metadata.deletion_timestamp.is_some() {
        if obj.finalizers().iter().any(|f| f == FINALIZER) {
            if obj.spec.deletion_policy() == DeletionPolicy::Delete {
                let done = match ctx.secret_access {
                    SecretAccess::Read => {
                        let plan = reconcile::plan_cleanup(
                            &ctx.client,
                            &reconcile::CleanupScope::Resources(vec![name.clone()]),
                        )
                        .await?;
                        reconcile::execute_cleanup(&ctx.client, &plan).await?
                    }
                    SecretAccess::WriteOnly => {
                        reconcile::cleanup_without_reading(ctx, &name).await?
                    }
                };
                tracing::info!(resource = %name, objects = done.len(), "cleaned up before deletion");
            }
            set_finalizer(ctx, &obj, false).await?;
        }
        ctx.metrics.forget(&name);
        ctx.payloads.lock().await.remove(&name);
        ctx.applied.lock().await.remove(&name);
        state.succeeded(&name);
        return Ok(Action::await_change());
    }

    let wants_finalizer = obj.spec.deletion_policy() == DeletionPolicy::Delete;
    let has_finalizer = obj.finalizers().iter().any(|f| f == FINALIZER);
    if wants_finalizer != has_finalizer {
        set_finalizer(ctx, &obj, wants_finalizer).await?;
    }

    if obj.spec.suspended() {
        tracing::debug!(resource = %name, "suspended");
        return Ok(Action::await_change());
    }

    let now = Timestamp::now();
    let due = desired::refresh_due(
        obj.metadata.generation,
        obj.annotations()
            .get(REFRESH_ANNOTATION)
            .map(String::as_str),
        obj.status.as_ref(),
        now,
    );

    // Backoff keeps watch events (a namespace, a ServiceAccount) from turning a
    // failing resource into a hot loop against ECR: it holds back any pass that
    // would fetch a token. A repair with the payload in hand calls only the API
    // server, so one namespace that keeps failing does not delay a new one. A
    // change the user made to the resource itself retries at once.
    let trigger = trigger_hash(&obj);
    let fetches_token = due.is_some() || !ctx.payloads.lock().await.contains_key(&name);
    if fetches_token && let Some(wait) = state.backoff_remaining(&name, trigger) {
        return Ok(Action::requeue(wait));
    }
    // An explicit request or a spec change wants a token fetched now; a
    // scheduled refresh may share one fetched moments ago by another resource.
    let mode = match due {
        Some(why) if why.wants_new_token() => Mode::ForceRefresh,
        Some(_) => Mode::Refresh,
        None => Mode::Repair,
    };
    if let Some(why) = due {
        tracing::info!(resource = %name, why = why.as_str(), "refreshing");
    }
    let interval = obj
        .spec
        .refresh_interval()
        .unwrap_or(crate::crd::DEFAULT_REFRESH_INTERVAL);
    let report = reconcile::reconcile(ctx, &obj, mode, desired::jitter(&name, interval)).await?;
    ctx.metrics
        .observe_duration(started.elapsed().as_secs_f64());

    let until_next = report
        .next_refresh
        .map(|t| t.duration_since(Timestamp::now()))
        .and_then(|d| Duration::try_from(d).ok())
        .unwrap_or(interval)
        .max(Duration::from_secs(1));
    if report.error.is_some() || !report.succeeded() {
        let wait = state.failed(&name, trigger).min(until_next).min(ctx.resync);
        tracing::info!(resource = %name, retry_in = ?wait, "pass incomplete; retrying with backoff");
        Ok(Action::requeue(wait))
    } else {
        state.succeeded(&name);
        if report.writes > 0 || report.refreshed {
            tracing::info!(resource = %name, writes = report.writes, refreshed = report.refreshed, next_in = ?until_next, "pass done");
        }
        // The next pass that re-reads (or, write-only, re-applies) everything.
        let resync_in = report
            .resync_in
            .unwrap_or(ctx.resync)
            .max(Duration::from_secs(1));
        Ok(Action::requeue(until_next.min(resync_in)))
    }
}

/// Adds or removes our finalizer. The merge patch carries the resourceVersion
/// it was computed from, so a concurrent change is never overwritten: the
/// conflict fails the pass and it is retried.
async fn set_finalizer(ctx: &Context, obj: &ECRPullSecret, present: bool) -> Result<()> {
    let name = obj.name_any();
    let mut next: Vec<String> = obj
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER)
        .cloned()
        .collect();
    if present {
        next.push(FINALIZER.to_string());
    }
    let patch = serde_json::json!({
        "metadata": {"resourceVersion": obj.resource_version(), "finalizers": next}
    });
    let api: Api<ECRPullSecret> = Api::all(ctx.client.clone());
    match api
        .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
    {
        Ok(_) => Ok(()),
        // Already gone: nothing left to hold.
        Err(kube::Error::Api(s)) if s.code == 404 && !present => Ok(()),
        Err(e) => Err(Error::kube(
            format!("update finalizers of ECRPullSecret {name}"),
            e,
        )),
    }
}

/// API errors: back off, doubling per consecutive failure.
fn error_policy(obj: Arc<ECRPullSecret>, err: &Error, state: Arc<State>) -> Action {
    let name = obj.name_any();
    tracing::warn!(resource = %name, "{err}");
    state.ctx.metrics.error("ApiError");
    Action::requeue(state.failed(&name, trigger_hash(&obj)))
}

/// Serves `/metrics`, `/healthz` and `/readyz` until shutdown.
async fn serve(
    state: Arc<State>,
    addr: SocketAddr,
    stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Error::Config(format!(
            "cannot listen on {addr} for metrics: {e}; pick another --metrics-addr"
        ))
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!(%bound, "serving /metrics, /healthz and /readyz");
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state);
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown(stop))
            .await;
    }))
}

async fn metrics(AxumState(state): AxumState<Arc<State>>) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.ctx.metrics.render(),
    )
}

async fn readyz(AxumState(state): AxumState<Arc<State>>) -> (StatusCode, &'static str) {
    if state.ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}
