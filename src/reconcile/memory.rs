//! What a long-running driver (the controller) remembers between passes over
//! a resource: the payload of its last refresh, so repairs need no token
//! call. An entry is removed when its resource is deleted
//! ([`Memory::forget`]), all of them when the leader Lease is lost
//! ([`Memory::clear`]), and one also when its resource's token fetch fails.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::secret::{Fingerprint, Payload};

/// The payload of a resource's last refresh. `Payload`'s `Debug` is redacted.
#[derive(Clone, Debug)]
struct CachedPayload {
    fingerprint: Fingerprint,
    payload: Payload,
}

/// Per-resource memory, keyed by resource name; see the module header.
#[derive(Debug, Default)]
pub struct Memory {
    payloads: Mutex<HashMap<String, CachedPayload>>,
}

impl Memory {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, CachedPayload>> {
        self.payloads.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The last payload of `resource`, if it was made for `fingerprint`.
    pub fn payload(&self, resource: &str, fingerprint: &Fingerprint) -> Option<Payload> {
        self.lock()
            .get(resource)
            .filter(|c| c.fingerprint == *fingerprint)
            .map(|c| c.payload.clone())
    }

    /// Whether a payload of `resource` is in hand (a repair needs no token).
    pub fn has_payload(&self, resource: &str) -> bool {
        self.lock().contains_key(resource)
    }

    pub(super) fn remember_payload(
        &self,
        resource: &str,
        fingerprint: &Fingerprint,
        payload: &Payload,
    ) {
        self.lock().insert(
            resource.to_string(),
            CachedPayload {
                fingerprint: fingerprint.clone(),
                payload: payload.clone(),
            },
        );
    }

    /// The resources a payload is remembered of.
    pub fn resources(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// How many payloads are held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Forgets a resource (deleted, or its token fetch failed).
    pub fn forget(&self, resource: &str) {
        self.lock().remove(resource);
    }

    /// Forgets everything (the leader Lease was lost: another replica writes
    /// now).
    pub fn clear(&self) {
        self.lock().clear();
    }
}
