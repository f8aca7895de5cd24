//! Everything that exists only for `--secret-access=write-only`, a runner that
//! may not read Secrets: what it applied where (so a pass for one new
//! namespace does not re-apply all the others), the hint on a refused
//! credentials Secret, and the cleanup by label-selected deletes. Removing the
//! mode means removing this file and the `SecretAccess::WriteOnly` arms.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};

use super::Runner;
use super::cleanup::{CleanupItem, execute_cleanup, service_account_entries};
use super::secret::{Fingerprint, Payload};
use super::targets::NamespaceKey;
use crate::error::{Error, Result};
use crate::kube_api;

/// The namespaces a write-only runner applied a resource's current payload
/// to, and when it last applied all of them.
#[derive(Debug)]
struct Log {
    fingerprint: Fingerprint,
    payload: Payload,
    since: Instant,
    namespaces: HashSet<NamespaceKey>,
}

/// Per resource, what this process applied; part of [`super::Memory`].
#[derive(Debug)]
pub(super) struct Applied {
    resync: Duration,
    by_resource: Mutex<HashMap<String, Log>>,
}

impl Applied {
    pub(super) fn new(resync: Duration) -> Self {
        Applied {
            resync,
            by_resource: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Log>> {
        self.by_resource.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The namespaces known to hold `payload` since the last full pass, or
    /// `None` when a full pass is due (another payload, or `resync` is up).
    pub(super) fn known(
        &self,
        resource: &str,
        fingerprint: &Fingerprint,
        payload: &Payload,
    ) -> Option<HashSet<NamespaceKey>> {
        self.lock()
            .get(resource)
            .filter(|a| {
                a.fingerprint == *fingerprint
                    && a.payload.bytes == payload.bytes
                    && a.since.elapsed() < self.resync
            })
            .map(|a| a.namespaces.clone())
    }

    /// Records the namespaces a pass applied `payload` to. A full pass
    /// (`partial` false) starts a new record at `since`; a partial one adds to
    /// the record. Returns how long until the next full pass is due.
    pub(super) fn record(
        &self,
        resource: &str,
        partial: bool,
        fingerprint: &Fingerprint,
        payload: &Payload,
        since: Instant,
        applied: impl IntoIterator<Item = NamespaceKey>,
    ) -> Duration {
        let mut logs = self.lock();
        let log = match (partial, logs.get_mut(resource)) {
            (true, Some(log)) => {
                log.namespaces.extend(applied);
                log
            }
            _ => logs
                .entry(resource.to_string())
                .insert_entry(Log {
                    fingerprint: fingerprint.clone(),
                    payload: payload.clone(),
                    since,
                    namespaces: applied.into_iter().collect(),
                })
                .into_mut(),
        };
        self.resync.saturating_sub(log.since.elapsed())
    }

    pub(super) fn forget(&self, resource: &str) {
        self.lock().remove(resource);
    }

    pub(super) fn clear(&self) {
        self.lock().clear();
    }

    pub(super) fn resources(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }
}

/// Appended to a refused read of a credentials Secret: where the Helm chart
/// grants them.
pub(super) fn credentials_hint(err: &Error) -> &'static str {
    match err {
        Error::Kube {
            source: kube::Error::Api(s),
            ..
        } if s.code == 403 => {
            "; with Secret access write-only, the Helm chart grants only the Secrets listed in rbac.credentialsSecrets (and aws.credentials.secretName)"
        }
        _ => "",
    }
}

/// Cleanup for a runner that may not read Secrets: in every namespace, the
/// API server deletes the Secrets carrying the resource's owner label, then
/// our entries naming them are removed from ServiceAccounts. (With reads, the
/// entries go first; here the Secrets must be deleted to be known, and a
/// ServiceAccount naming a missing Secret only makes the kubelet warn.)
pub async fn cleanup_without_reading(runner: &Runner, resource: &str) -> Result<Vec<CleanupItem>> {
    let client = &runner.client;
    let (namespaces, _) =
        kube_api::namespaces::list(client, |n| kube::ResourceExt::name_any(&n)).await?;
    let deleted: Vec<(String, Vec<String>)> = stream::iter(namespaces)
        .map(|ns| async move {
            kube_api::secrets::delete_managed_in(client, &ns, resource)
                .await
                .map(|names| (ns, names))
        })
        .buffer_unordered(runner.concurrency.max(1))
        .try_collect()
        .await?;
    let mut done = Vec::new();
    let mut by_ns: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (ns, names) in deleted.into_iter().filter(|(_, n)| !n.is_empty()) {
        for name in names {
            done.push(CleanupItem::secret(&ns, &name, resource));
            by_ns
                .entry(ns.clone())
                .or_default()
                .push((name, resource.to_string()));
        }
    }
    let entries = service_account_entries(client, &by_ns).await?;
    done.extend(execute_cleanup(client, &entries).await?);
    done.sort();
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecr::{CredentialsKey, CredentialsSource};
    use std::sync::Arc;

    fn fingerprint(generation: i64) -> Fingerprint {
        Fingerprint {
            generation: Some(generation),
            credentials: CredentialsKey {
                source: CredentialsSource::DefaultChain,
                role_arn: None,
                external_id: None,
            },
            registries: Vec::new(),
        }
    }

    fn payload(bytes: &[u8]) -> Payload {
        Payload {
            bytes: Arc::new(bytes.to_vec()),
            expires_at: None,
        }
    }

    fn key(name: &str) -> NamespaceKey {
        NamespaceKey {
            name: name.into(),
            uid: format!("uid-{name}"),
        }
    }

    #[test]
    fn what_was_applied_is_trusted_only_for_the_same_payload_and_within_resync() {
        let log = Applied::new(Duration::from_secs(60));
        let (fp, p) = (fingerprint(1), payload(b"a"));
        assert_eq!(log.known("r", &fp, &p), None, "nothing applied yet");
        let left = log.record("r", false, &fp, &p, Instant::now(), [key("a")]);
        assert!(left <= Duration::from_secs(60) && left > Duration::from_secs(50));
        log.record("r", true, &fp, &p, Instant::now(), [key("b")]);
        assert_eq!(
            log.known("r", &fp, &p),
            Some(HashSet::from([key("a"), key("b")]))
        );
        assert_eq!(log.known("r", &fingerprint(2), &p), None, "another spec");
        assert_eq!(log.known("r", &fp, &payload(b"b")), None, "another payload");
        // A full pass starts over.
        log.record("r", false, &fp, &p, Instant::now(), [key("c")]);
        assert_eq!(log.known("r", &fp, &p), Some(HashSet::from([key("c")])));
        // Past resync, a full pass is due.
        let stale = Applied::new(Duration::ZERO);
        stale.record("r", false, &fp, &p, Instant::now(), [key("a")]);
        assert_eq!(stale.known("r", &fp, &p), None);
        log.forget("r");
        assert_eq!(log.known("r", &fp, &p), None);
    }
}
