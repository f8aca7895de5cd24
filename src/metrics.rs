//! Prometheus metrics: reconciles, errors by reason, pass durations, token
//! calls, Secrets written, when each resource's token expires and since when
//! its passes fail, and whether this replica leads. Rendered in the Prometheus text format.

use std::sync::atomic::AtomicI64;

use jiff::Timestamp;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Label set naming an error reason.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// Machine-readable reason, as in the Ready condition.
    pub reason: String,
}

/// Label set naming an `ECRPullSecret`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResourceLabel {
    /// The resource's name.
    pub resource: String,
}

/// Label set naming a kind of per-resource state.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// What is counted.
    pub kind: String,
}

/// All metrics, registered once.
pub struct Metrics {
    registry: Registry,
    reconciles: Counter,
    errors: Family<ReasonLabel, Counter>,
    duration: Histogram,
    /// `GetAuthorizationToken` calls; shared with the token source.
    pub token_calls: Counter,
    secrets_written: Counter,
    secret_applies: Counter,
    expiry: Family<ResourceLabel, Gauge<i64, AtomicI64>>,
    failing_since: Family<ResourceLabel, Gauge<i64, AtomicI64>>,
    /// The resources with a series, so a deleted one can be found.
    labelled: std::sync::Mutex<std::collections::HashSet<String>>,
    memory: Family<KindLabel, Gauge<i64, AtomicI64>>,
    leader: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("ecrcreds");
        let reconciles = Counter::default();
        registry.register("reconciles", "Reconcile passes run", reconciles.clone());
        let errors = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "reconcile_errors",
            "Reconcile passes that failed, by reason",
            errors.clone(),
        );
        let duration = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        registry.register(
            "reconcile_duration_seconds",
            "Time taken by one reconcile pass",
            duration.clone(),
        );
        let token_calls = Counter::default();
        registry.register(
            "token_calls",
            "ecr:GetAuthorizationToken calls made",
            token_calls.clone(),
        );
        let secrets_written = Counter::default();
        registry.register(
            "secrets_written",
            "Secrets created or updated",
            secrets_written.clone(),
        );
        let secret_applies = Counter::default();
        registry.register(
            "secret_applies",
            "Server-side applies of Secrets sent",
            secret_applies.clone(),
        );
        let expiry = Family::<ResourceLabel, Gauge<i64, AtomicI64>>::default();
        registry.register(
            "token_expiry_timestamp_seconds",
            "When the earliest token of a resource expires, in seconds since the epoch (alert on this minus time(): it stays true when passes stop)",
            expiry.clone(),
        );
        let failing_since = Family::<ResourceLabel, Gauge<i64, AtomicI64>>::default();
        registry.register(
            "refresh_failing_since_timestamp_seconds",
            "When a resource's passes started failing, in seconds since the epoch; no series while they succeed (alert on time() minus this)",
            failing_since.clone(),
        );
        let memory = Family::<KindLabel, Gauge<i64, AtomicI64>>::default();
        registry.register(
            "memory_entries",
            "Entries the controller keeps per kind (payloads, backoff, token_cache, expiry_series); each is removed when its resource is deleted",
            memory.clone(),
        );
        let leader = Gauge::default();
        registry.register(
            "leader",
            "1 while this replica holds the leader Lease",
            leader.clone(),
        );
        Metrics {
            registry,
            reconciles,
            errors,
            duration,
            token_calls,
            secrets_written,
            secret_applies,
            expiry,
            failing_since,
            labelled: Default::default(),
            memory,
            leader,
        }
    }

    /// Counts a pass that completed for every namespace.
    pub fn success(&self) {
        self.reconciles.inc();
    }

    /// Counts a pass that failed, with why.
    pub fn error(&self, reason: &str) {
        self.reconciles.inc();
        self.errors
            .get_or_create(&ReasonLabel {
                reason: reason.to_string(),
            })
            .inc();
    }

    /// Records how long a pass took.
    pub fn observe_duration(&self, seconds: f64) {
        self.duration.observe(seconds);
    }

    /// Counts Secrets written.
    pub fn secrets_written(&self, n: u64) {
        self.secrets_written.inc_by(n);
    }

    /// Counts one server-side apply of a Secret sent to the API server.
    pub fn secret_applied(&self) {
        self.secret_applies.inc();
    }

    /// Records when a resource's token expires.
    pub fn expiry(&self, resource: &str, expires_at: Option<Timestamp>) {
        let label = ResourceLabel {
            resource: resource.to_string(),
        };
        let mut labelled = self.labelled.lock().unwrap_or_else(|p| p.into_inner());
        match expires_at {
            Some(t) => {
                self.expiry.get_or_create(&label).set(t.as_second());
                labelled.insert(label.resource);
            }
            None => {
                self.expiry.remove(&label);
                if self.failing_since.get(&label).is_none() {
                    labelled.remove(resource);
                }
            }
        }
    }

    /// Records whether a resource's pass succeeded: a failure starts (or
    /// continues) its failing-since series, a success ends it.
    pub fn refresh_outcome(&self, resource: &str, ok: bool) {
        let label = ResourceLabel {
            resource: resource.to_string(),
        };
        if ok {
            self.failing_since.remove(&label);
            return;
        }
        let mut labelled = self.labelled.lock().unwrap_or_else(|p| p.into_inner());
        let since = self.failing_since.get_or_create(&label);
        if since.get() == 0 {
            since.set(Timestamp::now().as_second());
        }
        labelled.insert(label.resource);
    }

    /// Drops a deleted resource's series.
    pub fn forget(&self, resource: &str) {
        self.failing_since.remove(&ResourceLabel {
            resource: resource.to_string(),
        });
        self.expiry(resource, None);
    }

    /// The resources that have a series.
    pub fn labelled(&self) -> Vec<String> {
        let labelled = self.labelled.lock().unwrap_or_else(|p| p.into_inner());
        labelled.iter().cloned().collect()
    }

    /// Sets the entry counts of a long-running process's per-resource state,
    /// so that its growth can be watched (and benchmarked).
    pub fn memory_entries(&self, kind: &str, n: usize) {
        self.memory
            .get_or_create(&KindLabel {
                kind: kind.to_string(),
            })
            .set(n as i64);
    }

    /// Sets whether this replica leads.
    pub fn set_leader(&self, leading: bool) {
        self.leader.set(i64::from(leading));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_shows_counters_with_their_labels() {
        let m = Metrics::new();
        m.success();
        m.error("EcrUnreachable");
        m.token_calls.inc();
        m.secrets_written(3);
        let now = Timestamp::now();
        m.expiry("team-a", Some(now + jiff::SignedDuration::from_secs(60)));
        let text = m.render();
        assert!(text.contains("ecrcreds_reconciles_total 2"), "{text}");
        assert!(text.contains("ecrcreds_reconcile_errors_total{reason=\"EcrUnreachable\"} 1"));
        assert!(text.contains("ecrcreds_token_calls_total 1"));
        assert!(text.contains("ecrcreds_secrets_written_total 3"));
        let at = now.as_second() + 60;
        assert!(text.contains(&format!(
            "ecrcreds_token_expiry_timestamp_seconds{{resource=\"team-a\"}} {at}"
        )));
        m.forget("team-a");
        assert!(!m.render().contains("resource=\"team-a\""));
        assert!(m.labelled().is_empty());
    }

    #[test]
    fn failing_since_keeps_the_first_failure_and_ends_with_a_success() {
        let m = Metrics::new();
        let series = |m: &Metrics| {
            m.render()
                .lines()
                .find(|l| l.starts_with("ecrcreds_refresh_failing_since_timestamp_seconds{"))
                .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
        };
        m.refresh_outcome("team-a", true);
        assert_eq!(series(&m), None);
        let before = Timestamp::now().as_second();
        m.refresh_outcome("team-a", false);
        let first = series(&m).expect("a series while failing");
        assert!(first >= before);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        m.refresh_outcome("team-a", false);
        assert_eq!(series(&m), Some(first), "the first failure counts");
        assert_eq!(m.labelled(), ["team-a"]);
        m.refresh_outcome("team-a", true);
        assert_eq!(series(&m), None);
        m.refresh_outcome("team-a", false);
        m.forget("team-a");
        assert_eq!(series(&m), None);
        assert!(m.labelled().is_empty());
    }
}
