//! When a resource's next pass is due: the next refresh time from the
//! interval and the token's expiry, whether a refresh is due now and why, and
//! the per-resource jitter that keeps resources from refreshing together. Pure.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::crd::ECRPullSecretStatus;

/// When the next pass is due and whether the token's expiry could be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextRefresh {
    /// When to refresh next.
    pub at: Timestamp,
    /// The reported expiry was already past (an old token or clock skew), so
    /// the interval alone set the time.
    pub expiry_in_past: bool,
}

/// What a pass tells its driver about coming back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// When new tokens are due (`None`: the pass did not get that far).
    pub next_refresh: Option<Timestamp>,
}

impl Schedule {
    /// How long from `now` until the next refresh: `fallback` when none is
    /// known, and never less than a second.
    pub fn until_refresh(&self, now: Timestamp, fallback: Duration) -> Duration {
        self.next_refresh
            .map(|t| t.duration_since(now))
            .and_then(|d| Duration::try_from(d).ok())
            .unwrap_or(fallback)
            .max(Duration::from_secs(1))
    }
}

/// Shortest wait between passes, whatever the expiry says: avoids hot loops.
pub const MIN_WAIT: Duration = Duration::from_secs(60);
/// How long before expiry we want a fresh token at most.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(3600);

/// `min(interval, expiresAt − margin)` from `now`, plus `jitter`. The margin
/// shrinks to half the remaining lifetime for short-lived tokens, the jitter
/// never takes the refresh past `expiresAt − margin / 2` (a 2-minute token
/// must not wait out a 5-minute jitter window), and the wait is never below
/// [`MIN_WAIT`].
pub fn next_refresh(
    now: Timestamp,
    interval: Duration,
    expires_at: Option<Timestamp>,
    jitter: Duration,
) -> NextRefresh {
    let by_interval = now + SignedDuration::try_from(interval).unwrap_or(SignedDuration::MAX);
    let (candidate, latest, expiry_in_past) = match expires_at {
        Some(exp) if exp <= now => (by_interval, None, true),
        Some(exp) => {
            let left = exp.duration_since(now);
            let margin = SignedDuration::try_from(EXPIRY_MARGIN)
                .unwrap_or(SignedDuration::MAX)
                .min(left / 2);
            (
                (exp - margin).min(by_interval),
                Some(exp - margin / 2),
                false,
            )
        }
        None => (by_interval, None, false),
    };
    let floor = now + SignedDuration::try_from(MIN_WAIT).unwrap_or(SignedDuration::ZERO);
    let mut at = candidate.max(floor) + SignedDuration::try_from(jitter).unwrap_or_default();
    if let Some(latest) = latest {
        at = at.min(latest.max(floor));
    }
    NextRefresh { at, expiry_in_past }
}

/// When the status's own token needs replacing, from its expiry alone:
/// `expiresAt − margin`, the margin being what [`next_refresh`] used when that
/// token was fetched (an hour, or half its lifetime). `None` when the status
/// has no usable expiry: none, or one already past when fetched (clock skew;
/// the interval governs then).
pub fn due_by_expiry(status: &ECRPullSecretStatus) -> Option<Timestamp> {
    let expires = status.expires_at.as_ref()?.0;
    let fetched = status.last_refresh_time.as_ref()?.0;
    if expires <= fetched {
        return None;
    }
    let margin = SignedDuration::try_from(EXPIRY_MARGIN)
        .unwrap_or(SignedDuration::MAX)
        .min(expires.duration_since(fetched) / 2);
    Some(expires - margin)
}

/// Why a pass must fetch new tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// No successful refresh yet.
    NeverRefreshed,
    /// The spec changed since the last refresh.
    SpecChanged,
    /// The refresh-request annotation has a value not yet honoured.
    Requested,
    /// The scheduled time has come.
    Scheduled,
    /// The token is near its expiry, whatever the schedule says (it may have
    /// been written by a runner whose clock runs fast).
    Expiring,
    /// The last pass stopped before writing (token, credentials, spec).
    LastFailed,
}

impl Due {
    /// Whether only a token fetched now will do: a person asked for a refresh
    /// or changed the spec, so one shared from moments ago is not enough.
    pub fn wants_new_token(self) -> bool {
        matches!(self, Due::Requested | Due::SpecChanged)
    }

    /// The reason in words, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Due::NeverRefreshed => "never refreshed",
            Due::SpecChanged => "spec changed",
            Due::Requested => "refresh requested",
            Due::Scheduled => "refresh due",
            Due::Expiring => "token expires soon",
            Due::LastFailed => "last refresh failed",
        }
    }
}

/// Why a pass must fetch new tokens, or `None` when the last refresh still
/// holds and only repairs (deleted or edited objects) may be needed.
pub fn refresh_due(
    generation: Option<i64>,
    refresh_request: Option<&str>,
    status: Option<&ECRPullSecretStatus>,
    now: Timestamp,
) -> Option<Due> {
    let Some(status) = status else {
        return Some(Due::NeverRefreshed);
    };
    if status.last_refresh_time.is_none() {
        return Some(Due::NeverRefreshed);
    }
    if status.observed_generation != generation {
        return Some(Due::SpecChanged);
    }
    if refresh_request.is_some() && refresh_request != status.last_refresh_request.as_deref() {
        return Some(Due::Requested);
    }
    match &status.next_refresh_time {
        Some(next) if next.0 > now => {}
        _ => return Some(Due::Scheduled),
    }
    if due_by_expiry(status).is_some_and(|t| t <= now) {
        return Some(Due::Expiring);
    }
    let ready = status.conditions.iter().find(|c| c.type_ == "Ready");
    if ready.is_some_and(|c| c.status != "True" && c.reason != "PartialFailure") {
        return Some(Due::LastFailed);
    }
    None
}

/// A stable per-resource delay in `[0, min(interval/20, 5m))`, so resources
/// created together do not all refresh in the same second.
pub fn jitter(name: &str, interval: Duration) -> Duration {
    use std::hash::{Hash, Hasher};
    let window = (interval / 20).min(Duration::from_secs(300)).as_millis() as u64;
    if window == 0 {
        return Duration::ZERO;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    Duration::from_millis(h.finish() % window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

    #[test]
    fn jitter_never_takes_a_short_lived_token_past_its_expiry() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let hour = Duration::from_secs(3600);
        let exp = now + SignedDuration::from_secs(120);
        // The most jitter a 1h interval gets (3 minutes) would land after expiry.
        let n = next_refresh(now, hour, Some(exp), Duration::from_secs(179));
        assert_eq!(n.at, exp - SignedDuration::from_secs(30));
        let n = next_refresh(now, hour, Some(exp), Duration::from_secs(10));
        assert_eq!(n.at, now + SignedDuration::from_secs(70));
        // A 12h token keeps its full jitter.
        let exp = now + SignedDuration::from_hours(12);
        let n = next_refresh(now, 11 * hour, Some(exp), Duration::from_secs(290));
        assert_eq!(
            n.at,
            exp - SignedDuration::from_hours(1) + SignedDuration::from_secs(290)
        );
    }

    #[test]
    fn next_refresh_takes_the_earlier_of_interval_and_expiry_margin() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let six_h = Duration::from_secs(6 * 3600);
        let at = |expires: Option<Timestamp>| next_refresh(now, six_h, expires, Duration::ZERO);
        // Token lives 12h: interval (6h) wins.
        let n = at(Some(now + SignedDuration::from_hours(12)));
        assert_eq!(n.at, now + SignedDuration::from_hours(6));
        // Token lives 3h: refresh an hour before it expires.
        let n = at(Some(now + SignedDuration::from_hours(3)));
        assert_eq!(n.at, now + SignedDuration::from_hours(2));
        // Token lives 30 min: half its lifetime is the margin.
        let n = at(Some(now + SignedDuration::from_mins(30)));
        assert_eq!(n.at, now + SignedDuration::from_mins(15));
        // Token expiry in the past (moto, clock skew): interval, flagged.
        let past: Timestamp = "2015-01-01T00:00:00Z".parse().unwrap();
        let n = at(Some(past));
        assert_eq!(n.at, now + SignedDuration::from_hours(6));
        assert!(n.expiry_in_past);
        // Token about to expire: never sooner than the floor.
        let n = at(Some(now + SignedDuration::from_secs(30)));
        assert_eq!(n.at, now + SignedDuration::from_secs(60));
        // Jitter is added on top.
        let n = next_refresh(now, six_h, None, Duration::from_secs(7));
        assert_eq!(
            n.at,
            now + SignedDuration::from_hours(6) + SignedDuration::from_secs(7)
        );
    }

    #[test]
    fn refresh_is_due_on_schedule_spec_change_request_or_failure_only() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let later = Time(now + SignedDuration::from_hours(1));
        let good = ECRPullSecretStatus {
            observed_generation: Some(1),
            last_refresh_time: Some(Time(now)),
            next_refresh_time: Some(later.clone()),
            last_refresh_request: Some("a".into()),
            conditions: vec![Condition {
                type_: "Ready".into(),
                status: "True".into(),
                reason: "Refreshed".into(),
                message: String::new(),
                last_transition_time: Time(now),
                observed_generation: Some(1),
            }],
            ..Default::default()
        };
        assert_eq!(refresh_due(Some(1), Some("a"), Some(&good), now), None);
        assert_eq!(
            refresh_due(Some(1), None, None, now),
            Some(Due::NeverRefreshed)
        );
        assert_eq!(
            refresh_due(Some(2), Some("a"), Some(&good), now),
            Some(Due::SpecChanged)
        );
        assert_eq!(
            refresh_due(Some(1), Some("b"), Some(&good), now),
            Some(Due::Requested)
        );
        let after = now + SignedDuration::from_hours(2);
        assert_eq!(
            refresh_due(Some(1), Some("a"), Some(&good), after),
            Some(Due::Scheduled)
        );
        let mut failed = good.clone();
        failed.conditions[0].status = "False".into();
        failed.conditions[0].reason = "EcrUnreachable".into();
        assert_eq!(
            refresh_due(Some(1), Some("a"), Some(&failed), now),
            Some(Due::LastFailed)
        );
        failed.conditions[0].reason = "PartialFailure".into();
        assert_eq!(refresh_due(Some(1), Some("a"), Some(&failed), now), None);
    }

    #[test]
    fn a_refresh_is_due_near_expiry_whatever_the_next_refresh_time_says() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let at = |h: i64, m: i64| {
            Time(now + SignedDuration::from_hours(h) + SignedDuration::from_mins(m))
        };
        let ready = Condition {
            type_: "Ready".into(),
            status: "True".into(),
            reason: "Refreshed".into(),
            message: String::new(),
            last_transition_time: at(0, 0),
            observed_generation: Some(1),
        };
        // Fetched 11h30m ago, a 12h token: half an hour left, but a laptop
        // whose clock ran a day fast wrote the next refresh for tomorrow.
        let status = ECRPullSecretStatus {
            observed_generation: Some(1),
            last_refresh_time: Some(at(-11, -30)),
            expires_at: Some(at(0, 30)),
            next_refresh_time: Some(at(24, 0)),
            conditions: vec![ready],
            ..Default::default()
        };
        assert_eq!(
            due_by_expiry(&status),
            Some(now - SignedDuration::from_mins(30))
        );
        assert_eq!(
            refresh_due(Some(1), None, Some(&status), now),
            Some(Due::Expiring)
        );
        // With hours left, nothing is due.
        let fresh = ECRPullSecretStatus {
            last_refresh_time: Some(at(0, -10)),
            expires_at: Some(at(11, 50)),
            ..status.clone()
        };
        assert_eq!(refresh_due(Some(1), None, Some(&fresh), now), None);
        // A 2-minute token: due at half its life.
        let short = ECRPullSecretStatus {
            last_refresh_time: Some(at(0, -1)),
            expires_at: Some(at(0, 1)),
            ..status.clone()
        };
        assert_eq!(
            refresh_due(Some(1), None, Some(&short), now),
            Some(Due::Expiring)
        );
        // An expiry already past when fetched (clock skew): the interval rules.
        let skewed = ECRPullSecretStatus {
            last_refresh_time: Some(at(0, -5)),
            expires_at: Some(Time("2015-01-01T00:00:00Z".parse().unwrap())),
            ..status
        };
        assert_eq!(due_by_expiry(&skewed), None);
        assert_eq!(refresh_due(Some(1), None, Some(&skewed), now), None);
    }

    #[test]
    fn jitter_is_stable_and_stays_in_its_window() {
        let j = jitter("team-a", Duration::from_secs(3600));
        assert!(j < Duration::from_secs(180));
        assert_eq!(j, jitter("team-a", Duration::from_secs(3600)));
        assert!(jitter("team-a", Duration::from_secs(100 * 3600)) < Duration::from_secs(300));
    }

    #[test]
    fn the_wait_until_refresh_is_at_least_a_second_and_falls_back_to_the_interval() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let hour = Duration::from_secs(3600);
        let s = |next: Option<Timestamp>| Schedule { next_refresh: next };
        assert_eq!(s(None).until_refresh(now, hour), hour);
        assert_eq!(
            s(Some(now + SignedDuration::from_mins(5))).until_refresh(now, hour),
            Duration::from_secs(300)
        );
        let past = now - SignedDuration::from_mins(5);
        assert_eq!(
            s(Some(past)).until_refresh(now, hour),
            hour,
            "a past time is no wait"
        );
    }
}
