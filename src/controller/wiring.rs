//! The watches a controller runs on, and which resources each change
//! triggers: a resource itself (on what a person changes, not on our own
//! status writes), a namespace it names or may select, one of its Secrets,
//! or a ServiceAccount missing its entry.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::ResourceExt;
use kube::core::PartialObjectMeta;
use kube::runtime::controller::{Config as ControllerConfig, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{PredicateConfig, WatchStreamExt};

use super::State;
use super::pass::{error_policy, reconcile_one};
use crate::crd::{ECRPullSecret, OWNER_LABEL, REFRESH_ANNOTATION};
use crate::kube_api::{self, service_accounts::lists_pull_secret};
use crate::reconcile::SecretAccess;

/// Hash of what should trigger a pass when the resource itself changes: spec
/// (generation), the refresh-request annotation, deletion and finalizers. Our
/// own status writes change none of these, so they do not loop back.
pub(super) fn trigger_hash(obj: &ECRPullSecret) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    obj.metadata.generation.hash(&mut h);
    obj.annotations().get(REFRESH_ANNOTATION).hash(&mut h);
    obj.metadata.deletion_timestamp.is_some().hash(&mut h);
    obj.finalizers().hash(&mut h);
    Some(h.finish())
}

/// Builds and runs the kube-runtime controller until `stop` resolves.
pub(super) async fn run_controller(
    state: Arc<State>,
    stop: impl Future<Output = ()> + Send + Sync + 'static,
) {
    let client = &state.runner.client;
    let settings = &state.settings;
    let (reader, writer) = reflector::store();
    let resources = kube_api::watches::resources(client, settings.selector.as_deref(), writer)
        .predicate_filter(trigger_hash, PredicateConfig::default());
    let namespaces = kube_api::watches::namespaces(client);
    // Without permission to read Secrets there is no watch: the resync timer
    // repairs them instead.
    let secrets = match state.runner.secret_access {
        SecretAccess::Read => kube_api::watches::managed_secrets(client).boxed(),
        SecretAccess::WriteOnly => futures::stream::pending().boxed(),
    };
    // Only those missing our entry matter.
    let service_accounts = kube_api::watches::service_accounts(client);

    let ns_store = reader.clone();
    let sa_store = reader.clone();
    Controller::for_stream(resources, reader)
        .with_config(
            ControllerConfig::default()
                .debounce(settings.debounce)
                .concurrency(settings.workers),
        )
        .watches_stream(namespaces, move |ns| for_namespace(&ns_store, &ns))
        .watches_stream(secrets, for_secret)
        .watches_stream(service_accounts, move |sa| {
            for_service_account(&sa_store, &sa)
        })
        .graceful_shutdown_on(stop)
        .run(reconcile_one, error_policy, state.clone())
        .for_each(|res| async move {
            if let Err(e) = res {
                tracing::debug!(error = %crate::error::root_cause(&e), "controller event");
            }
        })
        .await;
}

/// Resources that name the namespace or may select it.
fn for_namespace(
    store: &Store<ECRPullSecret>,
    ns: &PartialObjectMeta<Namespace>,
) -> Vec<ObjectRef<ECRPullSecret>> {
    let name = ns.name_any();
    store
        .state()
        .iter()
        // A namespace entering or leaving a selector both matter (the Secret,
        // the status counts), and the old labels are not known here: every
        // resource with a selector takes a (cheap, usually write-free) pass.
        .filter(|r| may_target(r, &name))
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}

/// Whether `r` names namespace `ns` or has a selector that may match it.
fn may_target(r: &ECRPullSecret, ns: &str) -> bool {
    r.spec.namespaces.iter().flatten().any(|n| n == ns) || r.spec.namespace_selector.is_some()
}

/// The resource a managed Secret belongs to.
fn for_secret(secret: PartialObjectMeta<Secret>) -> Option<ObjectRef<ECRPullSecret>> {
    secret
        .labels()
        .get(OWNER_LABEL)
        .map(|owner| ObjectRef::new(owner))
}

/// Resources that want an entry in this ServiceAccount and do not have one.
fn for_service_account(
    store: &Store<ECRPullSecret>,
    sa: &ServiceAccount,
) -> Vec<ObjectRef<ECRPullSecret>> {
    let ns = sa.namespace().unwrap_or_default();
    let name = sa.name_any();
    store
        .state()
        .iter()
        .filter(|r| {
            let wanted = r.spec.service_accounts();
            let wants_sa = wanted.iter().any(|w| w == "*" || *w == name);
            wants_sa && may_target(r, &ns) && !lists_pull_secret(sa, &r.spec.secret_name)
        })
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}
