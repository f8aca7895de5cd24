//! Leader election on a `coordination.k8s.io` Lease, the way client-go does
//! it, with a renew deadline shorter than the Lease:
//!
//! - a standby takes the Lease only once the holder's renewal is older than
//!   the Lease duration *as this standby has watched it* (its own clock, from
//!   when it saw the renewal change), so clocks need not agree;
//! - the leader renews every `retry` and, if no renewal has succeeded for
//!   `renew_deadline` (two thirds of the Lease), stops its controller at once:
//!   it stops writing before any standby may take over;
//! - on shutdown the leader releases the Lease so a standby need not wait.
//!
//! The controller runs in a task of its own, so renewing never waits for a
//! pass and aborting it drops every request in flight.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::Api;
use tokio::sync::watch;
use tokio::time::Instant;

use super::{LeaseSettings, State, shutdown, wiring};
use crate::error::{Error, Result};
use crate::kube_api;

/// The timings derived from the Lease duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Timings {
    /// How long a Lease is valid without renewal.
    pub lease: Duration,
    /// How long a leader keeps writing without a successful renewal.
    pub renew_deadline: Duration,
    /// How often the leader renews and a standby tries.
    pub retry: Duration,
}

impl Timings {
    /// client-go's proportions (15s, 10s, 2s): the deadline two thirds of the
    /// Lease, a try every 2/15 of it.
    pub fn for_lease(lease: Duration) -> Self {
        Timings {
            lease,
            renew_deadline: lease * 2 / 3,
            retry: (lease * 2 / 15).max(Duration::from_millis(200)),
        }
    }
}

/// What a standby last saw of the Lease, and when.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    holder: Option<String>,
    renew: Option<MicroTime>,
    duration: Option<i32>,
    at: Instant,
}

/// One replica's side of the election.
struct Elector {
    api: Api<Lease>,
    name: String,
    identity: String,
    timings: Timings,
    seen: Option<Seen>,
}

impl Elector {
    fn spec(&self, acquired: Option<MicroTime>, transitions: i32) -> LeaseSpec {
        let now = MicroTime(Timestamp::now());
        LeaseSpec {
            holder_identity: Some(self.identity.clone()),
            lease_duration_seconds: Some(self.timings.lease.as_secs().max(1) as i32),
            acquire_time: Some(acquired.unwrap_or_else(|| now.clone())),
            renew_time: Some(now),
            lease_transitions: Some(transitions),
            ..Default::default()
        }
    }

    /// Takes or renews the Lease once. `Ok(true)`: this replica holds it now.
    async fn try_acquire_or_renew(&mut self) -> Result<bool> {
        let Some(lease) = kube_api::lease::get(&self.api, &self.name).await? else {
            let spec = self.spec(None, 0);
            return Ok(kube_api::lease::create(&self.api, &self.name, spec)
                .await?
                .is_some());
        };
        let spec = lease.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.clone().filter(|h| !h.is_empty());
        let record = (
            holder.clone(),
            spec.renew_time.clone(),
            spec.lease_duration_seconds,
        );
        let changed = self
            .seen
            .as_ref()
            .is_none_or(|s| (s.holder.clone(), s.renew.clone(), s.duration) != record);
        if changed {
            self.seen = Some(Seen {
                holder: record.0,
                renew: record.1,
                duration: record.2,
                at: Instant::now(),
            });
        }
        let mine = holder.as_deref() == Some(self.identity.as_str());
        if !mine && holder.is_some() {
            let valid = spec
                .lease_duration_seconds
                .map(|s| Duration::from_secs(s.max(1) as u64))
                .unwrap_or(self.timings.lease);
            let seen_at = self
                .seen
                .as_ref()
                .map(|s| s.at)
                .unwrap_or_else(Instant::now);
            if seen_at.elapsed() < valid {
                return Ok(false);
            }
        }
        let transitions = spec.lease_transitions.unwrap_or(0) + i32::from(!mine);
        let acquired = if mine {
            spec.acquire_time.clone()
        } else {
            None
        };
        let new = self.spec(acquired, transitions);
        let rv = lease.metadata.resource_version.clone().unwrap_or_default();
        Ok(kube_api::lease::update(&self.api, &self.name, &rv, &new)
            .await?
            .is_some())
    }

    /// Gives the Lease up, if this replica still holds it.
    async fn release(&mut self) -> Result<()> {
        let Some(lease) = kube_api::lease::get(&self.api, &self.name).await? else {
            return Ok(());
        };
        let spec = lease.spec.clone().unwrap_or_default();
        if spec.holder_identity.as_deref() != Some(self.identity.as_str()) {
            return Ok(());
        }
        let released = LeaseSpec {
            holder_identity: Some(String::new()),
            lease_duration_seconds: Some(1),
            renew_time: Some(MicroTime(Timestamp::now())),
            ..spec
        };
        let rv = lease.metadata.resource_version.clone().unwrap_or_default();
        kube_api::lease::update(&self.api, &self.name, &rv, &released).await?;
        Ok(())
    }
}

/// Whether an error can only get worse by retrying: the Lease's namespace is
/// missing or RBAC forbids it.
fn fatal(e: &Error) -> bool {
    matches!(e, Error::Kube { source: kube::Error::Api(s), .. } if s.code == 403 || s.code == 404)
}

/// Stands by or leads until shutdown.
pub(super) async fn run_with_lease(
    state: Arc<State>,
    lease: &LeaseSettings,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let timings = Timings::for_lease(lease.duration);
    let mut elector = Elector {
        api: kube_api::lease::api(&state.runner.client, &lease.namespace),
        name: lease.name.clone(),
        identity: lease.identity.clone(),
        timings,
        seen: None,
    };
    let lease_error = |e: Error| {
        Error::Config(format!(
            "cannot use Lease {}/{} for leader election: {e}; check that the namespace exists and RBAC allows get, create and patch on leases there",
            lease.namespace, lease.name
        ))
    };
    tracing::info!(identity = %lease.identity, lease = %lease.name, "waiting for the leader Lease");
    loop {
        // Standby: try every `retry` until this replica holds the Lease.
        let mut renewed = loop {
            if *stop.borrow() {
                return Ok(());
            }
            let started = Instant::now();
            match tokio::time::timeout(timings.renew_deadline, elector.try_acquire_or_renew()).await
            {
                Ok(Ok(true)) => break started,
                Ok(Ok(false)) => {}
                Ok(Err(e)) if fatal(&e) => return Err(lease_error(e)),
                Ok(Err(e)) => tracing::warn!(identity = %lease.identity, "leader election: {e}"),
                Err(_) => {
                    tracing::warn!(identity = %lease.identity, "leader election: the API server did not answer in time")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(timings.retry) => {}
                _ = stop.wait_for(|s| *s) => return Ok(()),
            }
        };
        tracing::info!(identity = %lease.identity, "acquired the leader Lease; starting the controller");
        state.runner.metrics.set_leader(true);
        let mut controller = tokio::spawn(wiring::run_controller(
            state.clone(),
            shutdown(stop.clone()),
        ));
        // Lead: renew every `retry`; stop writing once `renew_deadline` has
        // passed since the last renewal that worked began.
        let lost = loop {
            let deadline = renewed + timings.renew_deadline;
            tokio::select! {
                _ = &mut controller => break false,
                _ = stop.wait_for(|s| *s) => {
                    // The passes in flight may finish, but not past the renew
                    // deadline: nothing renews the Lease meanwhile.
                    let left = deadline.saturating_duration_since(Instant::now());
                    super::drain(&mut controller, left.min(super::SHUTDOWN_GRACE)).await;
                    break false;
                }
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::warn!(identity = %lease.identity, "could not renew the leader Lease within {:?}", timings.renew_deadline);
                    break true;
                }
                _ = tokio::time::sleep(timings.retry) => {}
            }
            let started = Instant::now();
            match tokio::time::timeout_at(deadline, elector.try_acquire_or_renew()).await {
                Ok(Ok(true)) => renewed = started,
                Ok(Ok(false)) => {
                    tracing::warn!(identity = %lease.identity, "another replica holds the leader Lease");
                    break true;
                }
                Ok(Err(e)) if Instant::now() < deadline => {
                    tracing::warn!(identity = %lease.identity, "could not renew the leader Lease: {e}; retrying");
                }
                Ok(Err(e)) => {
                    tracing::warn!(identity = %lease.identity, "could not renew the leader Lease: {e}");
                    break true;
                }
                Err(_) => {
                    tracing::warn!(identity = %lease.identity, "could not renew the leader Lease within {:?}", timings.renew_deadline);
                    break true;
                }
            }
        };
        if lost {
            // Abort before anything else: no write may start from here on.
            controller.abort();
            let _ = controller.await;
            state.runner.metrics.set_leader(false);
            tracing::warn!(identity = %lease.identity, "lost the leader Lease; stopped writing and standing by");
            // Another replica writes from now on: what this one applied is
            // no longer known, and its per-resource series would go stale
            // (an expiry that never moves fires the expiry alert).
            state.memory.clear();
            for name in state.runner.metrics.labelled() {
                state.runner.metrics.forget(&name);
            }
            elector.seen = None;
            continue;
        }
        // The controller ended because shutdown was asked: release the Lease.
        state.runner.metrics.set_leader(false);
        if let Err(e) = elector.release().await {
            tracing::warn!(identity = %lease.identity, "could not release the leader Lease: {e}");
        }
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_renew_deadline_ends_well_before_the_lease() {
        let t = Timings::for_lease(Duration::from_secs(15));
        assert_eq!(t.renew_deadline, Duration::from_secs(10));
        assert_eq!(t.retry, Duration::from_secs(2));
        let t = Timings::for_lease(Duration::from_secs(3));
        assert_eq!(t.renew_deadline, Duration::from_secs(2));
        assert_eq!(t.retry, Duration::from_millis(400));
        assert!(t.renew_deadline + t.retry < t.lease + t.retry);
    }
}
