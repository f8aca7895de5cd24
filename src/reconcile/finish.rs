//! Finish: what a pass concludes from what it did (the per-namespace
//! report, the status, the Event, the next refresh; decided by the pure
//! [`conclude`]), then the status and Event written and the schedule handed
//! back. A pass that stopped early ends in [`stopped`] instead.

use std::time::Duration;

use jiff::Timestamp;
use kube::ResourceExt;

use super::observe::{Observed, Stop};
use super::plan::Plan;
use super::report::{NamespaceReport, Report, SecretResult};
use super::schedule::{NextRefresh, Schedule, next_refresh};
use super::secret::Payload;
use super::status::{StatusInput, build_status};
use super::{Outcome, Pass, Runner};
use crate::crd::{ECRPullSecret, ECRPullSecretStatus, NamespaceFailure, REFRESH_ANNOTATION};
use crate::error::Result;
use crate::kube_api;

/// An Event to record about the resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// A Warning rather than a Normal Event.
    pub warning: bool,
    /// Its reason.
    pub reason: &'static str,
    /// Its text.
    pub text: String,
}

/// What a pass that ran concludes.
#[derive(Clone, Debug)]
pub struct Conclusion {
    /// For people.
    pub report: Report,
    /// The status to write (if it differs from the one there).
    pub status: ECRPullSecretStatus,
    /// The Event to record, if any.
    pub event: Option<Note>,
    /// When tokens are due next.
    pub next: NextRefresh,
    /// Secrets created or updated.
    pub secrets_written: usize,
}

/// Decides the report, status, Event and next refresh of a pass that ran.
/// `done` holds one report per planned namespace.
pub fn conclude(
    obj: &ECRPullSecret,
    observed: &Observed,
    plan: &Plan,
    mut done: Vec<NamespaceReport>,
    payload: &Payload,
    jitter: Duration,
    now: Timestamp,
) -> Conclusion {
    done.extend(plan.unavailable.iter().map(NamespaceReport::unavailable));
    done.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    let secrets_written = done
        .iter()
        .filter(|r| matches!(r.secret, SecretResult::Created | SecretResult::Updated))
        .count();
    let writes = secrets_written + done.iter().map(|r| r.patched.len()).sum::<usize>();
    let failed: Vec<NamespaceFailure> = done
        .iter()
        .filter_map(|r| {
            r.error.as_ref().map(|e| NamespaceFailure {
                namespace: r.namespace.clone(),
                reason: e.clone(),
            })
        })
        .collect();
    let refreshed = observed.refreshed;
    let expires_at = payload.expires_at;
    let next = if refreshed {
        next_refresh(now, observed.wanted.interval, expires_at, jitter)
    } else {
        // A repair keeps the schedule of the refresh whose payload it wrote,
        // but comes back by the token's expiry whatever that schedule says.
        let status = obj.status.as_ref();
        let at = status
            .and_then(|s| s.next_refresh_time.as_ref())
            .map(|t| t.0)
            .unwrap_or(now);
        let at = status
            .and_then(super::schedule::due_by_expiry)
            .map_or(at, |t| at.min(t));
        NextRefresh {
            at,
            expiry_in_past: expires_at.is_some_and(|e| e <= now),
        }
    };
    let ready = done.len() - failed.len();
    let desired = plan.desired();
    let status = build_status(StatusInput {
        generation: obj.metadata.generation,
        previous: obj.status.as_ref(),
        now,
        desired,
        ready,
        failed: failed.clone(),
        fatal: None,
        expires_at,
        next: Some(next),
        refreshed,
        refresh_request: obj.annotations().get(REFRESH_ANNOTATION).cloned(),
    });
    let event = if failed.is_empty() {
        (writes > 0).then(|| Note {
            warning: false,
            reason: if refreshed { "Refreshed" } else { "Repaired" },
            text: format!("wrote {writes} objects; {ready}/{desired} namespaces ready"),
        })
    } else {
        // A failure repeated by a pass that changed nothing is not news.
        (writes > 0 || obj.status.as_ref() != Some(&status) || refreshed).then(|| Note {
            warning: true,
            reason: "PartialFailure",
            text: status.conditions[0].message.clone(),
        })
    };
    Conclusion {
        report: Report::done(obj, done, expires_at, Some(next), writes),
        status,
        event,
        next,
        secrets_written,
    }
}

/// Ends a pass that ran: see the module header.
pub async fn finish(
    runner: &Runner,
    obj: &ECRPullSecret,
    observed: &Observed,
    plan: &Plan,
    done: Vec<NamespaceReport>,
    payload: &Payload,
    pass: &Pass<'_>,
) -> Result<Outcome> {
    let name = observed.wanted.resource.as_str();
    let now = Timestamp::now();
    let c = conclude(obj, observed, plan, done, payload, pass.jitter, now);
    if let Some(at) = payload
        .expires_at
        .filter(|_| observed.refreshed && c.next.expiry_in_past)
    {
        tracing::warn!(
            resource = %name,
            expires_at = %at,
            "the token's reported expiry is already past (clock skew?); scheduling by refreshInterval"
        );
    }
    runner.metrics.secrets_written(c.secrets_written as u64);
    if obj.status.as_ref() != Some(&c.status) {
        kube_api::resources::write_status(&runner.client, obj, &c.status).await?;
    }
    if c.report.succeeded() {
        runner.metrics.success();
    } else {
        runner.metrics.error("PartialFailure");
    }
    runner.metrics.refresh_outcome(name, c.report.succeeded());
    if let Some(note) = c.event {
        kube_api::events::publish(&runner.recorder, obj, note.warning, note.reason, note.text)
            .await;
    }
    runner.metrics.expiry(name, payload.expires_at);
    Ok(Outcome {
        report: c.report,
        refreshed: observed.refreshed,
        schedule: Schedule {
            next_refresh: Some(c.next.at),
        },
    })
}

/// Ends a pass that cannot write any namespace: status says why, a Warning
/// Event is recorded, existing Secrets are left exactly as they are.
pub async fn stopped(runner: &Runner, obj: &ECRPullSecret, stop: Stop) -> Result<Outcome> {
    let Stop { reason, message } = stop;
    tracing::warn!(resource = %obj.name_any(), reason, "{message}");
    runner.metrics.error(reason);
    runner.metrics.refresh_outcome(&obj.name_any(), false);
    let status = build_status(StatusInput {
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
        kube_api::resources::write_status(&runner.client, obj, &status).await?;
    }
    kube_api::events::publish(&runner.recorder, obj, true, reason, message.clone()).await;
    Ok(Outcome {
        report: Report::stopped(obj, reason, message),
        refreshed: false,
        schedule: Schedule::default(),
    })
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    use super::*;
    use crate::reconcile::plan::tests::{observed, payload};
    use crate::reconcile::plan::{EntryStep, NamespacePlan};
    use crate::reconcile::secret::SecretAction;

    fn now() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn resource() -> ECRPullSecret {
        let mut obj = ECRPullSecret::new(
            "r",
            serde_json::from_value(serde_json::json!({"secretName": "ecr", "namespaces": ["a"]}))
                .unwrap(),
        );
        obj.metadata.generation = Some(3);
        obj
    }

    fn plan_for(namespaces: &[&str], unavailable: &[&str]) -> Plan {
        Plan {
            namespaces: namespaces
                .iter()
                .map(|n| NamespacePlan {
                    namespace: n.to_string(),
                    secret: SecretAction::Create,
                    service_accounts: vec![EntryStep::Add("default".into())],
                })
                .collect(),
            unavailable: unavailable
                .iter()
                .map(|n| NamespaceFailure {
                    namespace: n.to_string(),
                    reason: "namespace not found".into(),
                })
                .collect(),
        }
    }

    fn done(
        ns: &str,
        secret: SecretResult,
        patched: &[&str],
        error: Option<&str>,
    ) -> NamespaceReport {
        NamespaceReport {
            namespace: ns.into(),
            secret,
            service_accounts: patched.iter().map(|s| s.to_string()).collect(),
            patched: patched.iter().map(|s| s.to_string()).collect(),
            error: error.map(String::from),
        }
    }

    #[test]
    fn a_first_refresh_counts_its_writes_schedules_by_interval_and_says_refreshed() {
        let o = observed(&["a", "b"], &["a", "b"]);
        let mut p = payload("{}");
        p.expires_at = Some(now() + SignedDuration::from_hours(12));
        let c = conclude(
            &resource(),
            &o,
            &plan_for(&["a", "b"], &[]),
            vec![
                done("b", SecretResult::Created, &["default"], None),
                done("a", SecretResult::Unchanged, &[], None),
            ],
            &p,
            Duration::from_secs(5),
            now(),
        );
        let order: Vec<_> = c
            .report
            .namespaces
            .iter()
            .map(|n| n.namespace.as_str())
            .collect();
        assert_eq!(order, vec!["a", "b"], "sorted by namespace");
        assert_eq!((c.secrets_written, c.report.writes), (1, 2));
        assert_eq!(
            c.next.at,
            now() + SignedDuration::from_hours(6) + SignedDuration::from_secs(5)
        );
        assert!(!c.next.expiry_in_past);
        assert_eq!(c.report.next_refresh, Some(c.next.at));
        let ready = &c.status.conditions[0];
        assert_eq!(
            (
                ready.status.as_str(),
                ready.reason.as_str(),
                ready.message.as_str()
            ),
            ("True", "Refreshed", "2/2 namespaces")
        );
        assert_eq!(c.status.observed_generation, Some(3));
        assert_eq!(c.status.last_refresh_time, Some(Time(now())));
        assert_eq!(c.status.expires_at, p.expires_at.map(Time));
        assert_eq!(
            c.event,
            Some(Note {
                warning: false,
                reason: "Refreshed",
                text: "wrote 2 objects; 2/2 namespaces ready".into()
            })
        );
    }

    #[test]
    fn nothing_written_means_no_event() {
        let o = observed(&["a"], &["a"]);
        let c = conclude(
            &resource(),
            &o,
            &plan_for(&["a"], &[]),
            vec![done("a", SecretResult::Unchanged, &[], None)],
            &payload("{}"),
            Duration::ZERO,
            now(),
        );
        assert_eq!(c.event, None);
        assert!(c.report.succeeded());
    }

    #[test]
    fn failures_of_plan_and_writes_are_reported_per_namespace_and_in_the_status() {
        let o = observed(&["a", "b", "gone"], &["a", "b"]);
        let c = conclude(
            &resource(),
            &o,
            &plan_for(&["a", "b"], &["gone"]),
            vec![
                done(
                    "a",
                    SecretResult::Created,
                    &[],
                    Some("serviceaccount default not found"),
                ),
                done("b", SecretResult::Created, &["default"], None),
            ],
            &payload("{}"),
            Duration::ZERO,
            now(),
        );
        assert!(!c.report.succeeded());
        let failed = &c.status.namespaces.as_ref().unwrap();
        assert_eq!((failed.desired, failed.ready), (3, 1));
        let names: Vec<_> = failed.failed.iter().map(|f| f.namespace.as_str()).collect();
        assert_eq!(names, vec!["a", "gone"]);
        let ready = &c.status.conditions[0];
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("False", "PartialFailure")
        );
        assert_eq!(
            ready.message,
            "1/3 namespaces; failed: a (serviceaccount default not found), gone (namespace not found)"
        );
        let event = c.event.unwrap();
        assert!(event.warning && event.reason == "PartialFailure");
        assert_eq!(event.text, ready.message);
    }

    #[test]
    fn a_failure_repeated_without_news_records_no_second_event() {
        let mut o = observed(&["gone"], &[]);
        o.refreshed = false;
        let plan = plan_for(&[], &["gone"]);
        let mut obj = resource();
        let again = |obj: &ECRPullSecret| {
            conclude(
                obj,
                &o,
                &plan,
                vec![],
                &payload("{}"),
                Duration::ZERO,
                now(),
            )
        };
        let first = again(&obj);
        assert!(first.event.is_some(), "the first time, it is news");
        obj.status = Some(first.status);
        let again = again(&obj);
        assert_eq!(again.event, None);
        assert_eq!(
            obj.status.as_ref(),
            Some(&again.status),
            "and no status write"
        );
    }

    #[test]
    fn a_repair_keeps_the_refresh_times_and_says_repaired() {
        let mut o = observed(&["a"], &["a"]);
        o.refreshed = false;
        let earlier = Time(now() - SignedDuration::from_hours(2));
        let next = Time(now() + SignedDuration::from_hours(4));
        let mut obj = resource();
        obj.status = Some(ECRPullSecretStatus {
            last_refresh_time: Some(earlier.clone()),
            next_refresh_time: Some(next.clone()),
            ..Default::default()
        });
        let c = conclude(
            &obj,
            &o,
            &plan_for(&["a"], &[]),
            vec![done("a", SecretResult::Created, &[], None)],
            &payload("{}"),
            Duration::from_secs(99),
            now(),
        );
        assert_eq!(c.next.at, next.0, "no jitter, no new schedule");
        assert_eq!(c.status.last_refresh_time, Some(earlier));
        assert_eq!(c.status.next_refresh_time, Some(next));
        assert_eq!(c.event.unwrap().reason, "Repaired");
    }

    #[test]
    fn an_expiry_already_past_schedules_by_interval_and_says_so() {
        let o = observed(&["a"], &["a"]);
        let mut p = payload("{}");
        p.expires_at = Some("2015-01-01T00:00:00Z".parse().unwrap());
        let c = conclude(
            &resource(),
            &o,
            &plan_for(&["a"], &[]),
            vec![done("a", SecretResult::Unchanged, &[], None)],
            &p,
            Duration::ZERO,
            now(),
        );
        assert!(c.next.expiry_in_past && c.report.expiry_in_past);
        assert_eq!(c.next.at, now() + SignedDuration::from_hours(6));
        assert!(c.status.conditions[0].message.contains("clock skew"));
    }
}
