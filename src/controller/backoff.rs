//! Backoff of failing resources: consecutive failures per resource and when
//! it may be tried again. An entry is removed when its resource succeeds or
//! is deleted.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Delay before retrying a failed pass: 5s doubling to 5 minutes. A token
/// lives 12 hours, so even the longest wait retries well before it expires.
pub(super) fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(6);
    (Duration::from_secs(5) * 2u32.pow(exp)).min(Duration::from_secs(300))
}

/// Consecutive failures of one resource and when it may be tried again.
#[derive(Clone, Debug)]
struct Failure {
    count: u32,
    retry_at: Instant,
    /// The trigger hash when it failed: a user change retries at once.
    trigger: Option<u64>,
}

/// Failing resources, by name.
#[derive(Debug, Default)]
pub(super) struct Failures(Mutex<HashMap<String, Failure>>);

impl Failures {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Failure>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a failure and returns how long to wait before the next try.
    pub(super) fn failed(&self, name: &str, trigger: Option<u64>) -> Duration {
        let mut failures = self.lock();
        let f = failures.entry(name.to_string()).or_insert(Failure {
            count: 0,
            retry_at: Instant::now(),
            trigger,
        });
        f.count += 1;
        let wait = backoff(f.count);
        f.retry_at = Instant::now() + wait;
        f.trigger = trigger;
        wait
    }

    /// Forgets a resource's failures (it succeeded, or is gone).
    pub(super) fn succeeded(&self, name: &str) {
        self.lock().remove(name);
    }

    /// How many resources are backing off.
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }

    /// The resources backing off.
    pub(super) fn resources(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// Time left in a resource's backoff, unless the resource itself changed.
    pub(super) fn remaining(&self, name: &str, trigger: Option<u64>) -> Option<Duration> {
        let failures = self.lock();
        let f = failures.get(name)?;
        let left = f.retry_at.checked_duration_since(Instant::now())?;
        (f.trigger == trigger && !left.is_zero()).then_some(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_five_minutes() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }

    #[test]
    fn a_failing_resource_waits_unless_it_changed_and_success_forgets_it() {
        let f = Failures::default();
        assert_eq!(f.remaining("r", Some(1)), None);
        assert_eq!(f.failed("r", Some(1)), Duration::from_secs(5));
        assert_eq!(f.failed("r", Some(1)), Duration::from_secs(10));
        assert!(f.remaining("r", Some(1)).is_some());
        assert_eq!(f.remaining("r", Some(2)), None, "a change retries at once");
        f.succeeded("r");
        assert_eq!(f.remaining("r", Some(1)), None);
        assert_eq!(
            f.failed("r", Some(1)),
            Duration::from_secs(5),
            "counting starts over"
        );
    }
}
