//! Leader election: waits for the Lease, runs the controller while holding
//! it, and stops at once (no new writes) when it is lost. The Lease is
//! released on shutdown so a standby takes over without waiting for it to
//! expire.

use std::sync::Arc;

use tokio::sync::watch;

use super::{LeaseSettings, State, shutdown, wiring};
use crate::error::Result;
use crate::kube_api;

/// Stands by or leads until shutdown.
pub(super) async fn run_with_lease(
    state: Arc<State>,
    lease: &LeaseSettings,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let secs = lease.duration.as_secs().max(2);
    let manager = kube_api::lease::manager(
        &state.runner.client,
        &lease.namespace,
        &lease.name,
        &lease.identity,
        secs,
    )
    .await?;
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
        state.runner.metrics.set_leader(true);
        let controller = wiring::run_controller(state.clone(), shutdown(stop.clone()));
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
        state.runner.metrics.set_leader(false);
        if lost {
            // Dropping the controller abandons passes in flight: each write is
            // a single atomic API call, so nothing is left half-written.
            tracing::warn!(identity = %lease.identity, "lost the leader Lease; standing by");
            // Another replica writes from now on: what this one applied is
            // no longer known.
            state.memory.clear();
            continue;
        }
        // The controller ended because shutdown was asked: release the Lease.
        drop(leading);
        let _ = task.await;
        return Ok(());
    }
}
