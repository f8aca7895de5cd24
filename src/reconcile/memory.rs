//! What a long-running driver (the controller) remembers between passes over
//! a resource: the payload of its last refresh, so repairs need no token
//! call, and, in write-only mode, where it applied that payload. Each entry
//! is removed when its resource is deleted ([`Memory::forget`]), all of them
//! when the leader Lease is lost ([`Memory::clear`]), and a payload also when
//! its resource's token fetch fails.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::secret::{Fingerprint, Payload};
use super::write_only;

/// The payload of a resource's last refresh. `Payload`'s `Debug` is redacted.
#[derive(Clone, Debug)]
struct CachedPayload {
    fingerprint: Fingerprint,
    payload: Payload,
}

/// Per-resource memory, keyed by resource name; see the module header.
#[derive(Debug)]
pub struct Memory {
    payloads: Mutex<HashMap<String, CachedPayload>>,
    write_only: write_only::Applied,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Memory {
    /// Empty memory. `resync` is the longest a write-only runner trusts what it
    /// applied before it applies every target again.
    pub fn new(resync: Duration) -> Self {
        Memory {
            payloads: Mutex::new(HashMap::new()),
            write_only: write_only::Applied::new(resync),
        }
    }

    /// The last payload of `resource`, if it was made for `fingerprint`.
    pub fn payload(&self, resource: &str, fingerprint: &Fingerprint) -> Option<Payload> {
        lock(&self.payloads)
            .get(resource)
            .filter(|c| c.fingerprint == *fingerprint)
            .map(|c| c.payload.clone())
    }

    /// Whether a payload of `resource` is in hand (a repair needs no token).
    pub fn has_payload(&self, resource: &str) -> bool {
        lock(&self.payloads).contains_key(resource)
    }

    pub(super) fn remember_payload(
        &self,
        resource: &str,
        fingerprint: &Fingerprint,
        payload: &Payload,
    ) {
        lock(&self.payloads).insert(
            resource.to_string(),
            CachedPayload {
                fingerprint: fingerprint.clone(),
                payload: payload.clone(),
            },
        );
    }

    pub(super) fn forget_payload(&self, resource: &str) {
        lock(&self.payloads).remove(resource);
    }

    pub(super) fn write_only(&self) -> &write_only::Applied {
        &self.write_only
    }

    /// The resources anything is remembered of.
    pub fn resources(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.payloads).keys().cloned().collect();
        names.extend(self.write_only.resources());
        names.sort();
        names.dedup();
        names
    }

    /// How many payloads and write-only ledgers are held.
    pub fn sizes(&self) -> (usize, usize) {
        (
            lock(&self.payloads).len(),
            self.write_only.resources().len(),
        )
    }

    /// Forgets a deleted resource.
    pub fn forget(&self, resource: &str) {
        self.forget_payload(resource);
        self.write_only.forget(resource);
    }

    /// Forgets everything (the leader Lease was lost: another replica writes
    /// now, so nothing this one applied can be trusted).
    pub fn clear(&self) {
        lock(&self.payloads).clear();
        self.write_only.clear();
    }
}
