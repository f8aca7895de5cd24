//! The leader-election Lease, through kube-lease-manager.

use kube::Client;
use kube_lease_manager::{LeaseManager, LeaseManagerBuilder};

use crate::crd::FIELD_MANAGER;
use crate::error::{Error, Result};

/// A manager for the Lease `namespace/name` held as `identity` for
/// `duration_secs`, renewed a third of that before it runs out.
pub async fn manager(
    client: &Client,
    namespace: &str,
    name: &str,
    identity: &str,
    duration_secs: u64,
) -> Result<LeaseManager> {
    LeaseManagerBuilder::new(client.clone(), name)
        .with_namespace(namespace)
        .with_identity(identity)
        .with_duration(duration_secs)
        .with_grace((duration_secs / 3).max(1))
        .with_field_manager(format!("{FIELD_MANAGER}-lease"))
        .build()
        .await
        .map_err(|e| {
            Error::Config(format!(
                "cannot use Lease {namespace}/{name} for leader election: {}; check that the namespace exists and RBAC allows leases",
                crate::error::root_cause(&e)
            ))
        })
}
