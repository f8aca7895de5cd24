//! The reconcile: the one pass both drivers run. `kubectl ecrcreds refresh`
//! calls [`reconcile`] once per resource; the controller calls it on every
//! trigger. A pass visits four steps, once each:
//!
//! 1. [`observe`] does every read: the spec checked, the credentials, the
//!    namespaces, Secrets and ServiceAccounts there, and the payload (fresh
//!    tokens, one call per region, or the last payload for a repair);
//! 2. [`plan`] decides, without I/O, every write: which namespaces get which
//!    Secret action, which ServiceAccount entries, which failures;
//! 3. [`execute`] makes those writes, a bounded number of namespaces at a time;
//! 4. [`finish`] writes the status and the Event and returns the schedule.
//!
//! The pure parts live by concern: [`targets`], [`secret`], [`schedule`],
//! [`status`]. Every Kubernetes call is in [`crate::kube_api`].
//!
//! Invariants: nothing is written to a namespace until every token is in
//! hand, so a failed token fetch never blanks or changes a working Secret; and
//! a repair never downgrades: it writes the newest payload in sight (this
//! process's last refresh, or the one another runner, such as a one-shot
//! `refresh`, left in our Secrets since), and refreshes when the status tells
//! of a newer one it cannot see.

pub mod cleanup;
pub mod execute;
pub mod finish;
pub mod memory;
pub mod observe;
pub mod plan;
pub mod report;
pub mod schedule;
pub mod secret;
pub mod status;
pub mod targets;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use kube::runtime::events::Recorder;

use crate::crd::{ECRPullSecret, SecretRef};
use crate::ecr::{Registry, TokenSource};
use crate::error::Result;
use crate::metrics::Metrics;
use cleanup::CleanupItem;
pub use execute::Progress;
pub use memory::Memory;
pub use report::{NamespaceReport, Report, SecretResult};
pub use schedule::Schedule;

/// Defaults from the runner's flags or environment (the original operator's
/// `REGISTRY`, `AWS_REGION`, `AWS_CREDENTIALS_SECRET_*`).
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    /// Registry used when a resource lists none.
    pub registry: Option<Registry>,
    /// Credentials Secret used when a resource names none.
    pub credentials: Option<SecretRef>,
}

/// What every runner of a pass needs, the plugin's and the controller's alike.
pub struct Runner {
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
    /// Whether this runner may read Secrets.
    pub secret_access: SecretAccess,
}

/// How much of the cluster's Secrets a runner may read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretAccess {
    /// Read, watch, patch and delete only Secrets of our resources' names
    /// (every request names them with `fieldSelector=metadata.name=…`, which
    /// RBAC `resourceNames` can grant), plus create.
    #[default]
    Named,
    /// List and watch Secrets cluster-wide (by label), read those named like
    /// ours.
    Read,
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
    /// Put back deleted or edited objects with the newest payload in sight
    /// (see [`secret::repair_payload`]); falls back to a refresh without one.
    Repair,
}

/// How a driver wants one pass run.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    /// What the pass may do about tokens.
    pub mode: Mode,
    /// Added to the next refresh time (the controller spreads resources; a
    /// one-shot refresh passes zero).
    pub jitter: Duration,
    /// What the driver remembers between passes; `None` for a one-shot run.
    pub memory: Option<&'a Memory>,
    /// Where to count the namespaces done, for a progress display.
    pub progress: Option<&'a Progress>,
}

impl Pass<'_> {
    /// A one-shot refresh, as `kubectl ecrcreds refresh` runs it.
    pub fn once() -> Self {
        Pass {
            mode: Mode::Refresh,
            jitter: Duration::ZERO,
            memory: None,
            progress: None,
        }
    }
}

/// What a pass hands back.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What happened, for people (`refresh` prints it).
    pub report: Report,
    /// Whether new tokens were fetched (false for a repair).
    pub refreshed: bool,
    /// When the driver should come back.
    pub schedule: Schedule,
}

/// Runs one pass over `obj`.
///
/// Returns `Err` only when the pass could not even report (the API server is
/// unreachable or forbids reading); every other failure is in the [`Report`]
/// and in the resource's status.
pub async fn reconcile(runner: &Runner, obj: &ECRPullSecret, pass: Pass<'_>) -> Result<Outcome> {
    if obj.spec.suspended() {
        return Ok(Outcome {
            report: Report::suspended(obj),
            refreshed: false,
            schedule: Schedule::default(),
        });
    }
    let started = std::time::Instant::now();
    let (observed, payload) = match observe::observe(runner, obj, &pass).await {
        Ok(seen) => seen,
        Err(observe::Halt::Stop(stop)) => return finish::stopped(runner, obj, stop).await,
        Err(observe::Halt::Failed(e)) => return Err(e),
    };
    let observed_at = started.elapsed();
    let plan = plan::plan(&observed, &payload);
    let done = execute::execute(runner, &observed, &plan, &payload, pass.progress).await;
    let executed_at = started.elapsed();
    let outcome = finish::finish(runner, obj, &observed, &plan, done, &payload, &pass).await;
    // Where a pass spends its time, for `-vv` (debug) and benchmarks.
    tracing::debug!(
        resource = %observed.wanted.resource,
        namespaces = plan.namespaces.len(),
        observe_ms = observed_at.as_millis() as u64,
        execute_ms = (executed_at - observed_at).as_millis() as u64,
        finish_ms = (started.elapsed() - executed_at).as_millis() as u64,
        "pass phases"
    );
    outcome
}

/// What [`upkeep`] found a resource to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Not being deleted: its finalizer is as its `deletionPolicy` wants.
    Live,
    /// Being deleted: with `deletionPolicy: Delete`, these were removed, and
    /// our finalizer is gone, so nothing more is to be done for it.
    Deleted(Vec<CleanupItem>),
}

/// Finalizer upkeep, the same for every driver: a resource with
/// `deletionPolicy: Delete` carries our finalizer; once it is being deleted,
/// its Secrets and our ServiceAccount entries are removed, then the finalizer.
pub async fn upkeep(runner: &Runner, obj: &ECRPullSecret) -> Result<Lifecycle> {
    use kube::ResourceExt;
    let has = obj.finalizers().iter().any(|f| f == crate::crd::FINALIZER);
    let wants = obj.spec.deletion_policy() == crate::crd::DeletionPolicy::Delete;
    if obj.metadata.deletion_timestamp.is_some() {
        let mut done = Vec::new();
        if has {
            if wants {
                done = clean_up(runner, &obj.name_any(), &obj.spec.secret_name).await?;
            }
            crate::kube_api::resources::set_finalizer(&runner.client, obj, false).await?;
        }
        return Ok(Lifecycle::Deleted(done));
    }
    if wants != has {
        crate::kube_api::resources::set_finalizer(&runner.client, obj, wants).await?;
    }
    Ok(Lifecycle::Live)
}

/// Removes everything of a resource that is being deleted (`deletionPolicy:
/// Delete`), in the way the runner's Secret access allows. Returns what was
/// removed.
pub async fn clean_up(
    runner: &Runner,
    resource: &str,
    secret_name: &str,
) -> Result<Vec<CleanupItem>> {
    match runner.secret_access {
        SecretAccess::Read => {
            let scope = cleanup::CleanupScope::Resources(vec![resource.to_string()]);
            let plan = cleanup::plan_cleanup(&runner.client, &scope).await?;
            cleanup::execute_cleanup(&runner.client, &plan).await
        }
        SecretAccess::Named => {
            let plan = cleanup::plan_named(&runner.client, resource, secret_name).await?;
            cleanup::execute_cleanup(&runner.client, &plan).await
        }
    }
}
