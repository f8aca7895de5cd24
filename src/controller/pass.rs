//! One controller pass over one resource: deletion and finalizer upkeep (the
//! shared [`reconcile::upkeep`]), then
//! the shared reconcile (held back while the resource backs off), and when to
//! come back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kube::ResourceExt;
use kube::runtime::controller::Action;

use super::State;
use super::wiring::{resource_trigger, trigger_hash};
use crate::crd::{DEFAULT_REFRESH_INTERVAL, ECRPullSecret, REFRESH_ANNOTATION};
use crate::error::{Error, Result};
use crate::kube_api;
use crate::kube_api::watches::Guarded;
use crate::reconcile::{self, Mode, Pass, schedule};

/// Reconciles one resource and says when to come back. A stored resource that
/// does not read as one of ours is reported (a log line and an Event) and
/// left alone until it changes; the others carry on.
pub(super) async fn reconcile_one(obj: Arc<Guarded>, state: Arc<State>) -> Result<Action> {
    match &obj.0 {
        Ok(valid) => reconcile_valid(valid, &state).await,
        Err(invalid) => {
            let name = invalid.metadata.name.clone().unwrap_or_default();
            let note = format!(
                "ECRPullSecret {name} does not match the resource's schema ({}); fix it with `kubectl edit ecrpullsecret {name}`",
                invalid.error
            );
            tracing::warn!(resource = %name, "{note}");
            state.runner.metrics.error("InvalidResource");
            kube_api::events::publish_invalid(&state.runner.recorder, &invalid.metadata, note)
                .await;
            Ok(Action::await_change())
        }
    }
}

async fn reconcile_valid(obj: &ECRPullSecret, state: &State) -> Result<Action> {
    let started = Instant::now();
    let name = obj.name_any();
    let runner = &state.runner;

    if let reconcile::Lifecycle::Deleted(done) = reconcile::upkeep(runner, obj).await? {
        if !done.is_empty() {
            tracing::info!(resource = %name, objects = done.len(), "cleaned up before deletion");
        }
        // Gone: nothing about it is kept.
        state.forget(&name);
        return Ok(Action::await_change());
    }
    if obj.spec.suspended() {
        tracing::debug!(resource = %name, "suspended");
        // Paused on purpose: not a failing refresh.
        runner.metrics.refresh_outcome(&name, true);
        return Ok(Action::await_change());
    }

    let due = schedule::refresh_due(
        obj.metadata.generation,
        obj.annotations()
            .get(REFRESH_ANNOTATION)
            .map(String::as_str),
        obj.status.as_ref(),
        Timestamp::now(),
    );
    // Backoff keeps watch events (a namespace, a ServiceAccount) from turning a
    // failing resource into a hot loop against ECR: it holds back any pass that
    // would fetch a token. A repair with the payload in hand calls only the API
    // server, so one namespace that keeps failing does not delay a new one. A
    // change the user made to the resource itself retries at once.
    let trigger = resource_trigger(obj);
    let fetches_token = due.is_some() || !state.memory.has_payload(&name);
    if fetches_token && let Some(wait) = state.failures.remaining(&name, trigger) {
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
        .unwrap_or(DEFAULT_REFRESH_INTERVAL);
    let pass = Pass {
        mode,
        jitter: schedule::jitter(&name, interval),
        memory: Some(&state.memory),
        progress: None,
    };
    let outcome = reconcile::reconcile(runner, obj, pass).await?;
    runner
        .metrics
        .observe_duration(started.elapsed().as_secs_f64());

    // Without a resync the next pass is the next refresh (or a watch event).
    let resync = state.settings.resync.unwrap_or(Duration::MAX);
    let until_next = outcome.schedule.until_refresh(Timestamp::now(), interval);
    if !outcome.report.succeeded() {
        let wait = state
            .failures
            .failed(&name, trigger)
            .min(until_next)
            .min(resync);
        tracing::info!(resource = %name, retry_in = ?wait, "pass incomplete; retrying with backoff");
        return Ok(Action::requeue(wait));
    }
    state.failures.succeeded(&name);
    super::heap::pass_ended();
    let report = &outcome.report;
    if report.writes > 0 || outcome.refreshed {
        tracing::info!(resource = %name, writes = report.writes, refreshed = outcome.refreshed, next_in = ?until_next, "pass done");
    }
    Ok(Action::requeue(until_next.min(resync)))
}

/// API errors: back off, doubling per consecutive failure.
pub(super) fn error_policy(obj: Arc<Guarded>, err: &Error, state: Arc<State>) -> Action {
    let name = obj.name_any();
    tracing::warn!(resource = %name, "{err}");
    state.runner.metrics.error("ApiError");
    state.runner.metrics.refresh_outcome(&name, false);
    Action::requeue(state.failures.failed(&name, trigger_hash(&obj)))
}
