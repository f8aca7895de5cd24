//! The in-cluster driver: a kube-runtime `Controller` over `ECRPullSecret`
//! that runs the same [`reconcile`](crate::reconcile::reconcile) as
//! `kubectl ecrcreds refresh`, on a timer per resource and whenever a
//! namespace, a managed Secret or a ServiceAccount changes. Only the holder of
//! the leader Lease runs it; `/metrics`, `/healthz` and `/readyz` are served by
//! every replica.
//!
//! [`run`] wires it together: the [`leader`] loop, the [`http`] server, the
//! watches and their triggers ([`wiring`]), one resource's [`pass`], and the
//! [`backoff`] of failing resources.

mod backoff;
mod heap;
mod http;
mod leader;
mod pass;
mod wiring;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::error::Result;
use crate::kube_api;
use crate::reconcile::{Memory, Runner};

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
    /// Longest time between two passes that re-read every target, if any.
    pub resync: Option<Duration>,
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

/// Shared by every pass.
struct State {
    runner: Runner,
    settings: Settings,
    /// What passes remember of each resource.
    memory: Memory,
    /// Failing resources' backoff.
    failures: backoff::Failures,
    /// Cleared on shutdown, for `/readyz`.
    ready: AtomicBool,
}

impl State {
    /// Forgets everything about a resource that is gone.
    fn forget(&self, name: &str) {
        self.runner.metrics.forget(name);
        self.memory.forget(name);
        self.failures.succeeded(name);
    }

    /// Forgets every resource not in `alive`: those deleted while a watch was
    /// down send no deletion, so after each full list the state is swept.
    fn sweep(&self, alive: &std::collections::HashSet<String>) {
        let mut known = self.memory.resources();
        known.extend(self.failures.resources());
        known.extend(self.runner.metrics.labelled());
        for name in known.iter().filter(|n| !alive.contains(*n)) {
            self.forget(name);
        }
    }
}

/// Runs the controller until SIGTERM or SIGINT.
pub async fn run(runner: Runner, settings: Settings) -> Result<()> {
    // Fail early, in one sentence, when the CRD is missing or access is denied.
    kube_api::resources::check_listable(&runner.client).await?;

    let state = Arc::new(State {
        memory: Memory::default(),
        runner,
        settings,
        failures: backoff::Failures::default(),
        ready: AtomicBool::new(true),
    });
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    tokio::spawn(heap::trim_after_passes());
    let signal_state = state.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing passes in flight");
        signal_state.ready.store(false, Ordering::Relaxed);
        let _ = shutdown_tx.send(true);
    });

    let server = http::serve(
        state.clone(),
        state.settings.metrics_addr,
        shutdown_rx.clone(),
    )
    .await?;
    let result = match state.settings.lease.clone() {
        None => {
            state.runner.metrics.set_leader(true);
            let controller = tokio::spawn(wiring::run_controller(
                state.clone(),
                shutdown(shutdown_rx.clone()),
            ));
            until_stopped(controller, shutdown_rx.clone()).await;
            Ok(())
        }
        Some(lease) => leader::run_with_lease(state.clone(), &lease, shutdown_rx.clone()).await,
    };
    let _ = server.await;
    result
}

/// How long passes in flight may take to finish once shutdown is asked for
/// (a request to an unreachable API server can hang far longer); then they
/// are dropped. Kubernetes' default grace period is 30s.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Waits for the controller task to end: on its own, or, once shutdown is
/// asked for, within [`SHUTDOWN_GRACE`], after which it is aborted.
async fn until_stopped(
    mut controller: tokio::task::JoinHandle<()>,
    mut stop: watch::Receiver<bool>,
) {
    tokio::select! {
        _ = &mut controller => return,
        _ = stop.wait_for(|s| *s) => {}
    }
    drain(&mut controller, SHUTDOWN_GRACE).await;
}

/// Gives a stopping controller task `limit` to finish its passes, then aborts it.
async fn drain(controller: &mut tokio::task::JoinHandle<()>, limit: Duration) {
    if tokio::time::timeout(limit, &mut *controller).await.is_err() {
        tracing::warn!("passes still in flight after {limit:?}; stopping without them");
        controller.abort();
        let _ = controller.await;
    }
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
