//! The status written after a pass: the `Ready` condition, the namespace
//! counts and failures, and the refresh times. Pure.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use super::schedule::NextRefresh;
use crate::crd::{ECRPullSecretStatus, NamespaceFailure, NamespaceStatus};

/// Inputs to the status written after a pass.
#[derive(Clone, Debug)]
pub struct StatusInput<'a> {
    /// The resource's generation.
    pub generation: Option<i64>,
    /// The previous status, for times that should not move.
    pub previous: Option<&'a ECRPullSecretStatus>,
    /// Now.
    pub now: Timestamp,
    /// Target namespaces (desired count).
    pub desired: usize,
    /// Namespaces done.
    pub ready: usize,
    /// Namespaces that failed, with why.
    pub failed: Vec<NamespaceFailure>,
    /// A failure that stopped the whole pass (token, spec), with its reason code.
    pub fatal: Option<(&'static str, String)>,
    /// Earliest token expiry, when tokens were fetched.
    pub expires_at: Option<Timestamp>,
    /// When the next pass is due.
    pub next: Option<NextRefresh>,
    /// Whether tokens were fetched in this pass. A repair pass (Secrets put
    /// back with the token already in hand) keeps the refresh times.
    pub refreshed: bool,
    /// The refresh-request annotation value this pass honoured.
    pub refresh_request: Option<String>,
}

/// Builds the status: `Ready` condition, counts, failures and times.
pub fn build_status(input: StatusInput<'_>) -> ECRPullSecretStatus {
    let prev = input.previous.cloned().unwrap_or_default();
    let (status, reason, mut message) = match &input.fatal {
        Some((reason, msg)) => ("False", *reason, msg.clone()),
        None if input.failed.is_empty() => (
            "True",
            "Refreshed",
            format!("{}/{} namespaces", input.ready, input.desired),
        ),
        None => (
            "False",
            "PartialFailure",
            format!(
                "{}/{} namespaces; failed: {}",
                input.ready,
                input.desired,
                summarize_failures(&input.failed)
            ),
        ),
    };
    if input.fatal.is_none() && input.next.is_some_and(|n| n.expiry_in_past) {
        message.push_str(
            "; the token's reported expiry is already past (clock skew?), so the refresh interval sets the schedule",
        );
    }
    let previous_ready = prev.conditions.iter().find(|c| c.type_ == "Ready");
    let transition = match previous_ready {
        Some(c) if c.status == status => c.last_transition_time.clone(),
        _ => Time(input.now),
    };
    let ready = Condition {
        type_: "Ready".into(),
        status: status.into(),
        reason: reason.into(),
        message,
        last_transition_time: transition,
        observed_generation: input.generation,
    };
    let succeeded = input.fatal.is_none();
    let refreshed = succeeded && input.refreshed;
    ECRPullSecretStatus {
        observed_generation: input.generation,
        conditions: vec![ready],
        last_refresh_time: if refreshed {
            Some(Time(input.now))
        } else {
            prev.last_refresh_time
        },
        expires_at: if refreshed {
            input.expires_at.map(Time)
        } else {
            prev.expires_at
        },
        next_refresh_time: match (refreshed, input.next) {
            (true, Some(n)) => Some(Time(n.at)),
            _ => prev.next_refresh_time,
        },
        last_refresh_request: if refreshed {
            input.refresh_request
        } else {
            prev.last_refresh_request
        },
        // A pass that stopped early changed no namespace: keep the counts it found.
        namespaces: if succeeded {
            Some(NamespaceStatus {
                desired: input.desired as u32,
                ready: input.ready as u32,
                failed: input.failed,
            })
        } else {
            prev.namespaces
        },
    }
}

fn summarize_failures(failed: &[NamespaceFailure]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = failed
        .iter()
        .take(SHOWN)
        .map(|f| format!("{} ({})", f.namespace, f.reason))
        .collect();
    if failed.len() > SHOWN {
        parts.push(format!("and {} more", failed.len() - SHOWN));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_pass_keeps_previous_times_and_says_why() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let earlier = Time("2025-12-31T20:00:00Z".parse().unwrap());
        let previous = ECRPullSecretStatus {
            last_refresh_time: Some(earlier.clone()),
            expires_at: Some(earlier.clone()),
            ..Default::default()
        };
        let s = build_status(StatusInput {
            generation: Some(2),
            previous: Some(&previous),
            now,
            desired: 3,
            ready: 0,
            failed: vec![],
            fatal: Some(("EcrUnreachable", "could not reach ECR".into())),
            expires_at: None,
            next: None,
            refreshed: false,
            refresh_request: None,
        });
        assert_eq!(s.last_refresh_time, Some(earlier.clone()));
        assert_eq!(s.expires_at, Some(earlier));
        let ready = &s.conditions[0];
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("False", "EcrUnreachable")
        );
    }

    fn input(failed: &[&str], now: Timestamp) -> StatusInput<'static> {
        StatusInput {
            generation: Some(1),
            previous: None,
            now,
            desired: 5,
            ready: 5 - failed.len(),
            failed: failed
                .iter()
                .map(|n| NamespaceFailure {
                    namespace: n.to_string(),
                    reason: "namespace not found".into(),
                })
                .collect(),
            fatal: None,
            expires_at: None,
            next: None,
            refreshed: true,
            refresh_request: Some("r1".into()),
        }
    }

    #[test]
    fn many_failures_are_summarised_and_the_transition_time_moves_only_with_the_status() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let t1: Timestamp = "2026-01-01T01:00:00Z".parse().unwrap();
        let t2: Timestamp = "2026-01-01T02:00:00Z".parse().unwrap();
        let first = build_status(input(&["a", "b", "c", "d"], t0));
        let ready = &first.conditions[0];
        assert_eq!(
            ready.message,
            "1/5 namespaces; failed: a (namespace not found), b (namespace not found), c (namespace not found), and 1 more"
        );
        assert_eq!(first.last_refresh_request.as_deref(), Some("r1"));
        // Still failing an hour later: the condition keeps its transition time.
        let again = build_status(StatusInput {
            previous: Some(&first),
            ..input(&["a"], t1)
        });
        assert_eq!(again.conditions[0].last_transition_time, Time(t0));
        // Ready now: the transition is now.
        let fixed = build_status(StatusInput {
            previous: Some(&again),
            ..input(&[], t2)
        });
        let ready = &fixed.conditions[0];
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("True", "Refreshed")
        );
        assert_eq!(ready.last_transition_time, Time(t2));
    }
}
