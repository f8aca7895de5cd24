//! The watches a controller runs on, and which resources each change
//! triggers: a resource itself (on what a person changes, not on our own
//! status writes), a namespace it names or may select, one of its Secrets,
//! or a ServiceAccount missing its entry.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Namespace, Secret, ServiceAccount};
use kube::core::PartialObjectMeta;
use kube::runtime::controller::{Config as ControllerConfig, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher;
use kube::runtime::{PredicateConfig, WatchStreamExt};
use kube::{Resource, ResourceExt};
use tokio::sync::{Notify, mpsc};
use tokio::task::{AbortHandle, JoinSet};

use super::State;
use super::pass::{error_policy, reconcile_one};
use crate::crd::{ECRPullSecret, OWNER_LABEL, REFRESH_ANNOTATION};
use crate::kube_api::watches::Guarded;
use crate::kube_api::{self, service_accounts::lists_pull_secret};
use crate::reconcile::SecretAccess;

/// Hash of what should trigger a pass when the resource itself changes: spec
/// (generation), the refresh-request annotation, deletion and finalizers. Our
/// own status writes change none of these, so they do not loop back.
pub(super) fn trigger_hash(obj: &Guarded) -> Option<u64> {
    // A malformed resource has no spec of ours to go by: any change of it may
    // be its fix.
    meta_hash(obj.meta(), obj.0.is_err())
}

/// [`trigger_hash`] of a resource that reads as ours.
pub(super) fn resource_trigger(obj: &ECRPullSecret) -> Option<u64> {
    meta_hash(obj.meta(), false)
}

fn meta_hash(meta: &kube::api::ObjectMeta, every_change: bool) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    meta.generation.hash(&mut h);
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(REFRESH_ANNOTATION))
        .hash(&mut h);
    meta.deletion_timestamp.is_some().hash(&mut h);
    meta.finalizers.hash(&mut h);
    if every_change {
        meta.resource_version.hash(&mut h);
    }
    Some(h.finish())
}

/// The resources in the store that read as ours.
fn valid(store: &Store<Guarded>) -> Vec<Arc<Guarded>> {
    store.state().into_iter().filter(|r| r.0.is_ok()).collect()
}

/// Builds and runs the kube-runtime controller until `stop` resolves.
pub(super) async fn run_controller(
    state: Arc<State>,
    stop: impl Future<Output = ()> + Send + Sync + 'static,
) {
    let client = &state.runner.client;
    let settings = &state.settings;
    let (reader, writer) = reflector::store();
    // Deleted resources are forgotten at once; those deleted while the watch
    // was down, after each full list.
    let (forget, alive) = (state.clone(), reader.clone());
    let names_changed = Arc::new(Notify::new());
    let changed = names_changed.clone();
    let resources = kube_api::watches::resources(client, settings.selector.as_deref(), writer)
        .inspect_ok(move |event| {
            match event {
                watcher::Event::Delete(obj) => forget.forget(&obj.name_any()),
                watcher::Event::InitDone => {
                    forget.sweep(&alive.state().iter().map(|o| o.name_any()).collect())
                }
                _ => {}
            }
            changed.notify_one();
        })
        .applied_objects()
        .predicate_filter(trigger_hash, PredicateConfig::default());
    let namespaces = kube_api::watches::namespaces(client);
    // Our Secrets: by label cluster-wide (read), or one watch per name (named).
    let (named_tx, named_rx) = mpsc::channel(256);
    let secrets = match state.runner.secret_access {
        SecretAccess::Read => kube_api::watches::managed_secrets(client).boxed(),
        SecretAccess::Named => futures::stream::unfold(named_rx, |mut rx| async move {
            rx.recv().await.map(|s| (Ok(s), rx))
        })
        .boxed(),
    };
    let name_store = reader.clone();
    let per_name = async {
        if state.runner.secret_access == SecretAccess::Named {
            per_name_watches(client.clone(), name_store, named_tx, names_changed).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    // Only those missing our entry matter.
    let service_accounts = kube_api::watches::service_accounts(client);

    let ns_store = reader.clone();
    let secret_store = reader.clone();
    let done_store = reader.clone();
    let done_state = state.clone();
    let sa_store = reader.clone();
    let controller = Controller::for_stream(resources, reader)
        .with_config(
            ControllerConfig::default()
                .debounce(settings.debounce)
                .concurrency(settings.workers),
        )
        .watches_stream(namespaces, move |ns| for_namespace(&ns_store, &ns))
        .watches_stream(secrets, move |s| for_secret(&secret_store, s))
        .watches_stream(service_accounts, move |sa| {
            for_service_account(&sa_store, &sa)
        })
        .graceful_shutdown_on(stop)
        .run(reconcile_one, error_policy, state.clone())
        .for_each(|res| async {
            use kube::runtime::controller::Error as E;
            match res {
                // A resource deleted while its pass ran: the pass may have
                // remembered things about it after the deletion was seen.
                Ok((obj, _)) if done_store.get(&obj).is_none() => done_state.forget(&obj.name),
                Ok(_) => {}
                // A watch that fails (a 403, the API server gone) is retried
                // with backoff, but must be seen: triggers stop meanwhile.
                Err(E::QueueError(e)) => {
                    tracing::warn!(
                        "a watch failed, retrying with backoff: {}",
                        crate::error::root_cause(&e)
                    )
                }
                Err(e @ E::RunnerError(_)) => tracing::warn!("controller: {e}"),
                // Already logged by error_policy, or a resource deleted
                // before its pass.
                Err(e) => {
                    tracing::debug!(error = %crate::error::root_cause(&e), "controller event")
                }
            }
        });
    // The per-name watches live as long as the controller: dropped with it.
    tokio::select! {
        _ = controller => {}
        _ = per_name => {}
    }
}

/// How long a name whose watch RBAC refused waits before it is tried again
/// (the grant may have been added since).
const REFUSED_RETRY: Duration = Duration::from_secs(300);

/// `named` Secret access: one metadata watch of our Secrets per distinct
/// `secretName` among the resources, started and stopped as resources come
/// and go, feeding their changes to the controller through `tx`. A name RBAC
/// refuses is logged once and tried again after [`REFUSED_RETRY`]; the
/// resource's own pass reports it in its status.
async fn per_name_watches(
    client: kube::Client,
    store: Store<Guarded>,
    tx: mpsc::Sender<PartialObjectMeta<Secret>>,
    changed: Arc<Notify>,
) {
    let mut tasks: JoinSet<String> = JoinSet::new();
    let mut running: HashMap<String, AbortHandle> = HashMap::new();
    let mut refused: HashMap<String, Instant> = HashMap::new();
    loop {
        let wanted: HashSet<String> = valid(&store)
            .iter()
            .filter_map(|r| r.0.as_ref().ok().map(|r| r.spec.secret_name.clone()))
            .collect();
        running.retain(|name, handle| {
            let keep = wanted.contains(name);
            if !keep {
                handle.abort();
            }
            keep
        });
        refused.retain(|name, at| wanted.contains(name) && at.elapsed() < REFUSED_RETRY);
        for name in &wanted {
            if running.contains_key(name) || refused.contains_key(name) {
                continue;
            }
            let (client, tx, watched) = (client.clone(), tx.clone(), name.clone());
            let handle = tasks.spawn(async move {
                let name = watched;
                let mut stream = kube_api::watches::named_secrets(&client, &name).boxed();
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(secret) => {
                            if tx.send(secret).await.is_err() {
                                break;
                            }
                        }
                        Err(e) if kube_api::watches::forbidden(&e) => {
                            tracing::warn!(
                                secret = %name,
                                "may not watch Secrets named {name} ({}); with Secret access named, grant the name in the Helm chart's rbac.pullSecretNames",
                                crate::error::root_cause(&e)
                            );
                            break;
                        }
                        Err(e) => tracing::warn!(
                            secret = %name,
                            "the watch of Secrets named {name} failed, retrying with backoff: {}",
                            crate::error::root_cause(&e)
                        ),
                    }
                }
                name
            });
            running.insert(name.clone(), handle);
        }
        tokio::select! {
            _ = changed.notified() => {}
            _ = tokio::time::sleep(REFUSED_RETRY) => {}
            Some(ended) = tasks.join_next_with_id() => {
                // Only the watch now running for that name counts: one that
                // was aborted (its name left) may have ended on its own first.
                if let Ok((id, name)) = ended
                    && running.get(&name).is_some_and(|h| h.id() == id)
                {
                    running.remove(&name);
                    refused.insert(name, Instant::now());
                }
            }
        }
    }
}

/// Resources that name the namespace or may select it.
fn for_namespace(
    store: &Store<Guarded>,
    ns: &PartialObjectMeta<Namespace>,
) -> Vec<ObjectRef<Guarded>> {
    let name = ns.name_any();
    valid(store)
        .iter()
        // A namespace entering or leaving a selector both matter (the Secret,
        // the status counts), and the old labels are not known here: every
        // resource with a selector takes a (cheap, usually write-free) pass.
        .filter(|r| r.0.as_ref().is_ok_and(|r| may_target(r, &name)))
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}

/// Whether `r` names namespace `ns` or has a selector that may match it.
fn may_target(r: &ECRPullSecret, ns: &str) -> bool {
    r.spec.namespaces.iter().flatten().any(|n| n == ns) || r.spec.namespace_selector.is_some()
}

/// The resource a managed Secret belongs to.
fn for_secret(
    store: &Store<Guarded>,
    secret: PartialObjectMeta<Secret>,
) -> Option<ObjectRef<Guarded>> {
    // Only resources this controller handles (a `-l` selector may leave the
    // owner out): a trigger for one it never sees would be retried for nothing.
    let owner = ObjectRef::new(secret.labels().get(OWNER_LABEL)?);
    store.get(&owner).is_some().then_some(owner)
}

/// Resources that want an entry in this ServiceAccount and do not have one.
fn for_service_account(store: &Store<Guarded>, sa: &ServiceAccount) -> Vec<ObjectRef<Guarded>> {
    let ns = sa.namespace().unwrap_or_default();
    let name = sa.name_any();
    valid(store)
        .iter()
        .filter(|guarded| {
            let Ok(r) = &guarded.0 else {
                return false;
            };
            let wanted = r.spec.service_accounts();
            let wants_sa = wanted.iter().any(|w| w == "*" || *w == name);
            wants_sa && may_target(r, &ns) && !lists_pull_secret(sa, &r.spec.secret_name)
        })
        .map(|r| ObjectRef::from_obj(r.as_ref()))
        .collect()
}
