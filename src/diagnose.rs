//! Why a Pod cannot pull its ECR image: the pure part of `doctor`. From a
//! Pod, the kubelet's words about its failed pulls and the objects a pull
//! depends on (the ECRPullSecrets, the namespace, the Secret, the
//! ServiceAccount), one finding per failing container: the first broken link
//! on the path a pull takes, in one sentence with its fix.
//!
//! The path, in the order it is checked: an ECRPullSecret lists the image's
//! registry → it targets the Pod's namespace → its Secret is there → the
//! Secret has an entry for the registry → the token in it is live → the Pod
//! references the Secret (through its ServiceAccount, at creation) → the
//! registry accepts the token for that repository.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod, Secret, ServiceAccount};
use serde::Serialize;

use crate::crd::{ECRPullSecret, EXPIRES_ANNOTATION, OWNER_LABEL};
use crate::ecr::Registry;
use crate::kube_api::service_accounts::lists_pull_secret;
use crate::output::short_duration;
use crate::reconcile::secret::DOCKERCONFIGJSON_KEY;
use crate::reconcile::targets::{NamespaceInfo, TargetSpec, Targets};

/// A container whose image, from an ECR registry, the kubelet cannot pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailingPull {
    /// The container's name.
    pub container: String,
    /// The image as the Pod names it.
    pub image: String,
    /// The image's registry.
    pub registry: Registry,
    /// The repository within the registry (`team/app`).
    pub repository: String,
    /// What the kubelet said about the last failed pull.
    pub message: String,
}

/// The host and repository of an image reference (`host/repo:tag@digest`),
/// when it names a host: the first path part with a dot or a port, or
/// `localhost`, as container runtimes decide.
pub fn image_host(image: &str) -> Option<(&str, &str)> {
    let (first, rest) = image.split_once('/')?;
    if !(first.contains('.') || first.contains(':') || first == "localhost") {
        return None;
    }
    let repo = rest.split('@').next().unwrap_or(rest);
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    Some((first, repo))
}

/// The containers of `pod` waiting on a failed pull of an ECR image, with the
/// newest `Failed` Event message naming that image (the waiting message when
/// there is none).
pub fn failing_pulls(pod: &Pod, events: &[&Event]) -> Vec<FailingPull> {
    let Some(status) = &pod.status else {
        return Vec::new();
    };
    let statuses = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .chain(status.ephemeral_container_statuses.iter().flatten());
    let mut out = Vec::new();
    for cs in statuses {
        let Some(waiting) = cs.state.as_ref().and_then(|s| s.waiting.as_ref()) else {
            continue;
        };
        if !matches!(
            waiting.reason.as_deref(),
            Some("ErrImagePull" | "ImagePullBackOff")
        ) {
            continue;
        }
        let image = spec_image(pod, &cs.name).unwrap_or_else(|| cs.image.clone());
        let Some((host, repository)) = image_host(&image) else {
            continue;
        };
        // `host:443/repo` is the same registry.
        let Ok(registry) = Registry::parse(host.trim_end_matches(":443")) else {
            continue;
        };
        let newest_event = events
            .iter()
            // The kubelet quotes the image: `Failed to pull image "…": …`
            // (so `web:1` does not take the words about `web:1.2`).
            .filter(|e| {
                e.message
                    .as_deref()
                    .is_some_and(|m| m.contains(&format!("\"{image}\"")))
            })
            .max_by_key(|e| event_time(e))
            .and_then(|e| e.message.clone());
        out.push(FailingPull {
            container: cs.name.clone(),
            repository: repository.to_string(),
            message: newest_event
                .or_else(|| waiting.message.clone())
                .unwrap_or_default(),
            registry,
            image,
        });
    }
    out
}

fn spec_image(pod: &Pod, container: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .find(|c| c.name == container)
        .and_then(|c| c.image.clone())
        .or_else(|| {
            spec.ephemeral_containers
                .iter()
                .flatten()
                .find(|c| c.name == container)
                .and_then(|c| c.image.clone())
        })
}

fn event_time(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or(e.event_time.as_ref().map(|t| t.0))
        .or(e.first_timestamp.as_ref().map(|t| t.0))
}

/// The broken link, as a code for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cause {
    /// No ECRPullSecret lists the registry.
    NoResource,
    /// One lists it but does not target the namespace.
    NotTargeted,
    /// The Secret is not in the namespace.
    SecretMissing,
    /// A Secret of that name is there but it is not ours and not usable.
    ForeignSecret,
    /// The Secret has no entry for the registry.
    RegistryNotInSecret,
    /// The token in the Secret has expired.
    TokenExpired,
    /// The Pod does not reference the Secret, though its ServiceAccount does.
    PodLacksReference,
    /// Neither the Pod nor its ServiceAccount references the Secret.
    ServiceAccountLacksEntry,
    /// The registry refused a live token.
    RegistryRejected,
    /// The pull failed for a reason that is not about pull credentials.
    PullFailed,
}

/// One failing container, its cause and the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The Pod's namespace.
    pub namespace: String,
    /// The Pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// Its image.
    pub image: String,
    /// The broken link.
    pub cause: Cause,
    /// The ECRPullSecret concerned, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The cause and the fix, in one sentence.
    pub message: String,
}

/// What a Pod's pull depends on, read from the live cluster.
pub struct Around<'a> {
    /// Every ECRPullSecret.
    pub resources: &'a [ECRPullSecret],
    /// The Pod's namespace.
    pub namespace: &'a NamespaceInfo,
    /// Secrets in the Pod's namespace, by name (those the resources name).
    pub secrets: &'a HashMap<String, Secret>,
    /// The Pod's ServiceAccount, if it exists.
    pub service_account: Option<&'a ServiceAccount>,
    /// Whether the ECRPullSecret CRD is installed.
    pub crd_installed: bool,
    /// The time now.
    pub now: Timestamp,
}

/// Finds the first broken link for one failing pull.
pub fn diagnose(pod: &Pod, pull: &FailingPull, around: &Around<'_>) -> Finding {
    let ns = around.namespace.name.as_str();
    let (cause, resource, message) = find_cause(pod, pull, around);
    Finding {
        namespace: ns.to_string(),
        pod: pod.metadata.name.clone().unwrap_or_default(),
        container: pull.container.clone(),
        image: pull.image.clone(),
        cause,
        resource,
        message,
    }
}

/// A cause, the resource concerned and the sentence.
type Diagnosis = (Cause, Option<String>, String);

fn found(cause: Cause, resource: Option<&ECRPullSecret>, message: String) -> Diagnosis {
    (
        cause,
        resource.and_then(|r| r.metadata.name.clone()),
        message,
    )
}

fn name(r: &ECRPullSecret) -> &str {
    r.metadata.name.as_deref().unwrap_or_default()
}

/// The host in canonical form, for comparing a spec's registries with an image.
fn canonical(host: &str) -> String {
    host.trim()
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

fn find_cause(pod: &Pod, pull: &FailingPull, around: &Around<'_>) -> Diagnosis {
    let ns = around.namespace.name.as_str();
    let host = pull.registry.host.as_str();

    // 1. Who serves this registry? Those listing it; and those listing none,
    // which use the runner's default registry: only their Secret can tell
    // which (one that is not there yet may be it).
    let lists_host = |r: &&ECRPullSecret| {
        r.spec
            .registries
            .iter()
            .flatten()
            .any(|h| canonical(h) == canonical(host))
    };
    let explicit: Vec<&ECRPullSecret> = around.resources.iter().filter(lists_host).collect();
    let targeting: Vec<&ECRPullSecret> = explicit
        .iter()
        .copied()
        .filter(|r| targets(r, around.namespace))
        .chain(
            around
                .resources
                .iter()
                .filter(|r| r.spec.registries.as_ref().is_none_or(Vec::is_empty))
                .filter(|r| targets(r, around.namespace))
                .filter(|r| {
                    around
                        .secrets
                        .get(&r.spec.secret_name)
                        .is_none_or(|s| registry_hosts(s).contains(&canonical(host)))
                }),
        )
        .collect();

    // 2. Does one of them target the namespace?
    let Some(resource) = pick(&targeting, pod) else {
        if !explicit.is_empty() {
            return not_targeted(&explicit, host, around.namespace);
        }
        let install = if around.crd_installed {
            ""
        } else {
            "the ECRPullSecret CRD is not installed (kubectl ecrcreds install), and "
        };
        return found(
            Cause::NoResource,
            None,
            format!(
                "{install}no ECRPullSecret serves registry {host} in {ns}; create one: kubectl ecrcreds create NAME --secret-name ecr-pull --namespaces {ns} --registries {host}"
            ),
        );
    };
    let rname = name(resource);
    let secret_name = resource.spec.secret_name.as_str();
    let reports = status_report(resource, ns);
    let listed = lists_host(&resource);

    // 3. Is its Secret there, and usable?
    let Some(secret) = around.secrets.get(secret_name) else {
        let why = match &reports {
            Some(r) => format!(
                "ECRPullSecret {rname} reports {r}; fix that, then run kubectl ecrcreds refresh {rname}"
            ),
            None => format!(
                "it was deleted, or not written since the namespace came in; run kubectl ecrcreds refresh {rname} (a running controller writes it within seconds)"
            ),
        };
        return found(
            Cause::SecretMissing,
            Some(resource),
            format!("Secret {secret_name} is missing in {ns}: {why}"),
        );
    };
    let owner = secret
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(OWNER_LABEL));
    let ours = owner.is_some_and(|o| o == rname);
    let hosts = registry_hosts(secret);
    if !hosts.contains(&canonical(host)) {
        if let Some(other) = owner.filter(|o| *o != rname) {
            return found(
                Cause::ForeignSecret,
                Some(resource),
                format!(
                    "Secret {secret_name} in {ns} belongs to ECRPullSecret {other}, not {rname}, and has no entry for {host}; give one of them another spec.secretName"
                ),
            );
        }
        if !ours {
            return found(
                Cause::ForeignSecret,
                Some(resource),
                format!(
                    "Secret {secret_name} in {ns} is not managed by kubectl-ecrcreds (type {}) and has no entry for {host}, so ECRPullSecret {rname} leaves it alone; rename or remove it, or change spec.secretName",
                    secret.type_.as_deref().unwrap_or("Opaque")
                ),
            );
        }
        let has = if hosts.is_empty() {
            "no registry".to_string()
        } else {
            hosts.iter().cloned().collect::<Vec<_>>().join(", ")
        };
        let fix = match (&reports, listed) {
            (Some(r), _) => format!("ECRPullSecret {rname} reports {r}"),
            (None, true) => format!(
                "ECRPullSecret {rname} lists it but has not written it here since; run kubectl ecrcreds refresh {rname} (a running controller does within seconds)"
            ),
            (None, false) => format!(
                "add {host} to ECRPullSecret {rname}'s spec.registries, then run kubectl ecrcreds refresh {rname}"
            ),
        };
        return found(
            Cause::RegistryNotInSecret,
            Some(resource),
            format!("Secret {secret_name} in {ns} has no entry for {host} (it has {has}); {fix}"),
        );
    }

    // 4. Is the token in it live? From the Secret's own record, else the
    // resource's status for a Secret it wrote.
    let expires = secret
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(EXPIRES_ANNOTATION))
        .and_then(|v| v.parse::<Timestamp>().ok())
        .or_else(|| {
            ours.then(|| resource.status.as_ref()?.expires_at.as_ref().map(|t| t.0))
                .flatten()
        });
    if let Some(expired) = expires.filter(|t| *t <= around.now) {
        let ago = short_duration(around.now.as_second() - expired.as_second());
        // A running controller refreshes before the expiry; an expired token
        // with no failure reported means nothing handles the resource.
        let due = resource
            .status
            .as_ref()
            .and_then(|s| s.next_refresh_time.as_ref())
            .filter(|t| t.0 <= around.now)
            .map(|t| format!(" (its refresh was due at {})", t.0))
            .unwrap_or_default();
        let why = match &reports {
            Some(r) => format!("ECRPullSecret {rname} reports {r}"),
            None if resource.spec.suspended() => {
                format!("ECRPullSecret {rname} is suspended; set spec.suspend to false")
            }
            None => format!(
                "nothing is refreshing it{due}, so no controller handles {rname}; run kubectl ecrcreds refresh {rname}, or install the controller"
            ),
        };
        return found(
            Cause::TokenExpired,
            Some(resource),
            format!(
                "the token in Secret {secret_name} in {ns} expired at {expired} ({ago} ago): {why}"
            ),
        );
    }

    // 5. Does the Pod carry a reference to it? The kubelet reads only the
    // Pod's own imagePullSecrets; the ServiceAccount's are copied in at
    // creation, and only into a Pod that lists none of its own.
    let own: Vec<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.image_pull_secrets.as_ref())
        .map(|refs| refs.iter().map(|r| r.name.as_str()).collect())
        .unwrap_or_default();
    if !own.contains(&secret_name) {
        let account = pod
            .spec
            .as_ref()
            .and_then(|s| s.service_account_name.clone())
            .unwrap_or_else(|| "default".into());
        let sa_has = around
            .service_account
            .is_some_and(|sa| lists_pull_secret(sa, secret_name));
        if sa_has && !own.is_empty() {
            return found(
                Cause::PodLacksReference,
                Some(resource),
                format!(
                    "the Pod lists imagePullSecrets of its own ({}), so those of ServiceAccount {account} were not added to it; add {secret_name} to the Pod template's imagePullSecrets",
                    own.join(", ")
                ),
            );
        }
        if sa_has {
            return found(
                Cause::PodLacksReference,
                Some(resource),
                format!(
                    "the Pod was created before ServiceAccount {account} got its entry for Secret {secret_name}, so it has no reference to it; {}",
                    roll_fix(pod, ns)
                ),
            );
        }
        let patched = resource.spec.service_accounts();
        let message = if around.service_account.is_none() {
            format!(
                "the Pod's ServiceAccount {account} does not exist in {ns}; create it or fix the Pod's serviceAccountName"
            )
        } else if !patched.iter().any(|a| a == &account || a == "*") {
            let listed = if patched.is_empty() {
                "none".to_string()
            } else {
                patched.join(", ")
            };
            format!(
                "the Pod runs as ServiceAccount {account}, which ECRPullSecret {rname} does not patch (its serviceAccounts: {listed}); add {account} to spec.serviceAccounts, or list {secret_name} in the Pod's imagePullSecrets"
            )
        } else {
            format!(
                "ServiceAccount {account} in {ns} has no entry for Secret {secret_name} yet; run kubectl ecrcreds refresh {rname}, then {}",
                roll_fix(pod, ns)
            )
        };
        return found(Cause::ServiceAccountLacksEntry, Some(resource), message);
    }

    // 6. Everything in place: what did the registry say? Read without the
    // image reference, whose account ID or digest may hold any digits.
    let said = pull.message.replace(&pull.image, "").to_ascii_lowercase();
    let words: BTreeSet<&str> = said
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains("403") || words.contains("forbidden") || words.contains("denied") {
        return found(
            Cause::RegistryRejected,
            Some(resource),
            format!(
                "{host} refused the live token in Secret {secret_name} for repository {}: the AWS identity ECRPullSecret {rname} uses needs ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on it (check its IAM policy and the repository policy)",
                pull.repository
            ),
        );
    }
    if words.contains("401")
        || words.contains("unauthorized")
        || said.contains("no basic auth credentials")
        || said.contains("authorization failed")
    {
        return found(
            Cause::RegistryRejected,
            Some(resource),
            format!(
                "{host} rejected the token in Secret {secret_name} (401) although it has not expired: it may be for another account or region, or revoked; check it with kubectl ecrcreds verify {rname}, then run kubectl ecrcreds refresh {rname}"
            ),
        );
    }
    let detail = if said.contains("not found") {
        format!(
            "{} was not found in {host}; check the repository and the tag",
            pull.image
        )
    } else {
        format!(
            "the pull credentials are in place, so the cause is elsewhere: {}",
            one_line(&pull.message)
        )
    };
    found(Cause::PullFailed, Some(resource), detail)
}

/// Whether the resource targets `ns` (named or selected), terminating or not.
fn targets(r: &ECRPullSecret, ns: &NamespaceInfo) -> bool {
    let Ok(spec) = TargetSpec::from_spec(&r.spec) else {
        return false;
    };
    let live = NamespaceInfo {
        terminating: false,
        ..ns.clone()
    };
    let t = Targets::select(&spec, std::slice::from_ref(&live));
    t.ready.contains(&ns.name)
}

/// Of the resources targeting the namespace, the one whose Secret the Pod
/// references, else the first.
fn pick<'a>(targeting: &[&'a ECRPullSecret], pod: &Pod) -> Option<&'a ECRPullSecret> {
    let refs: BTreeSet<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.image_pull_secrets.as_ref())
        .map(|r| r.iter().map(|r| r.name.as_str()).collect())
        .unwrap_or_default();
    targeting
        .iter()
        .find(|r| refs.contains(r.spec.secret_name.as_str()))
        .or(targeting.first())
        .copied()
}

/// Nothing serving the registry targets the namespace: which resources
/// would, and how. Every resource a label would bring in is named (that is
/// usually the one meant), else the first few that name namespaces.
fn not_targeted(serving: &[&ECRPullSecret], host: &str, ns: &NamespaceInfo) -> Diagnosis {
    let mut by_label = Vec::new();
    let mut by_name = Vec::new();
    for r in serving {
        match missing_labels(r, ns) {
            Some(labels) => by_label.push((
                *r,
                format!(
                    "ECRPullSecret {} would target it after: kubectl label namespace {} {labels}",
                    name(r),
                    ns.name
                ),
            )),
            None => by_name.push((
                *r,
                format!(
                    "add {} to ECRPullSecret {}'s spec.namespaces (kubectl edit ecrps {})",
                    ns.name,
                    name(r),
                    name(r)
                ),
            )),
        }
    }
    let keep_by_name = if by_label.is_empty() { 3 } else { 1 };
    let fixes: Vec<(&ECRPullSecret, String)> = by_label
        .into_iter()
        .chain(by_name.into_iter().take(keep_by_name))
        .collect();
    let sentences: Vec<&str> = fixes.iter().map(|(_, f)| f.as_str()).collect();
    found(
        Cause::NotTargeted,
        fixes.first().map(|(r, _)| *r),
        format!(
            "no ECRPullSecret serving {host} targets namespace {}; {}",
            ns.name,
            sentences.join("; or ")
        ),
    )
}

/// The `key=value` labels `r`'s selector needs and `ns` lacks, when labels
/// alone would bring `ns` in (a selector of matchLabels only).
fn missing_labels(r: &ECRPullSecret, ns: &NamespaceInfo) -> Option<String> {
    let selector = r.spec.namespace_selector.as_ref()?;
    if selector
        .match_expressions
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        return None;
    }
    let missing: Vec<(&String, &String)> = selector
        .match_labels
        .iter()
        .flatten()
        .filter(|(k, v)| ns.labels.get(*k) != Some(*v))
        .collect();
    // A key the namespace has with another value needs --overwrite.
    let overwrite = missing.iter().any(|(k, _)| ns.labels.contains_key(*k));
    let mut words: Vec<String> = missing.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if overwrite {
        words.push("--overwrite".into());
    }
    (!missing.is_empty()).then(|| words.join(" "))
}

/// How to make a Pod pick up its ServiceAccount's entries: recreate it,
/// through its workload when it has one.
fn roll_fix(pod: &Pod, ns: &str) -> String {
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    match owner {
        Some(o) if o.kind == "ReplicaSet" => match o.name.rsplit_once('-') {
            Some((deployment, _)) => format!(
                "roll the workload: kubectl rollout restart deployment/{deployment} -n {ns}"
            ),
            None => format!("delete the Pod so ReplicaSet {} recreates it", o.name),
        },
        Some(o) if matches!(o.kind.as_str(), "StatefulSet" | "DaemonSet") => format!(
            "roll the workload: kubectl rollout restart {}/{} -n {ns}",
            o.kind.to_ascii_lowercase(),
            o.name
        ),
        Some(o) => format!("delete the Pod so its {} {} recreates it", o.kind, o.name),
        None => "delete the Pod and create it again".into(),
    }
}

/// The registry hosts in a Secret's dockerconfigjson, canonical.
fn registry_hosts(secret: &Secret) -> BTreeSet<String> {
    let Some(bytes) = secret
        .data
        .as_ref()
        .and_then(|d| d.get(DOCKERCONFIGJSON_KEY))
    else {
        return BTreeSet::new();
    };
    serde_json::from_slice::<serde_json::Value>(&bytes.0)
        .ok()
        .and_then(|v| {
            v.get("auths")
                .and_then(|a| a.as_object())
                .map(|a| a.keys().map(|h| canonical(h)).collect())
        })
        .unwrap_or_default()
}

/// What the resource's status says is failing, for this namespace or as a
/// whole: `REASON: message`.
fn status_report(r: &ECRPullSecret, ns: &str) -> Option<String> {
    let status = r.status.as_ref()?;
    if let Some(f) = status
        .namespaces
        .as_ref()
        .and_then(|n| n.failed.iter().find(|f| f.namespace == ns))
    {
        return Some(format!("for {ns}: {}", one_line(&f.reason)));
    }
    status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "False")
        .map(|c| format!("{}: {}", c.reason, one_line(&c.message)))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::secret::DOCKERCONFIGJSON;
    use serde_json::json;

    const HOST: &str = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

    fn resource(spec: serde_json::Value, status: serde_json::Value) -> ECRPullSecret {
        serde_json::from_value(json!({
            "apiVersion": "alchemy.com/v1", "kind": "ECRPullSecret",
            "metadata": {"name": "team"}, "spec": spec, "status": status,
        }))
        .unwrap()
    }

    fn pod(pull_secrets: &[&str], account: &str) -> Pod {
        let refs: Vec<_> = pull_secrets.iter().map(|n| json!({"name": n})).collect();
        serde_json::from_value(json!({
            "metadata": {"name": "web-5d8c7-x2x", "namespace": "apps", "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8c7", "uid": "u", "controller": true}]},
            "spec": {"serviceAccountName": account, "imagePullSecrets": refs,
                     "containers": [{"name": "web", "image": format!("{HOST}/team/web:1.2")}]},
            "status": {"containerStatuses": [{"name": "web", "image": format!("{HOST}/team/web:1.2"),
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}]},
        }))
        .unwrap()
    }

    fn secret(owner: &str, hosts: &[&str], expires: &str) -> Secret {
        let auths: serde_json::Map<String, serde_json::Value> = hosts
            .iter()
            .map(|h| (h.to_string(), json!({"auth": "QVdTOng="})))
            .collect();
        let config = serde_json::to_vec(&json!({ "auths": auths })).unwrap();
        use base64::Engine as _;
        serde_json::from_value(json!({
            "metadata": {"name": "ecr-pull", "namespace": "apps",
                "labels": {OWNER_LABEL: owner},
                "annotations": {EXPIRES_ANNOTATION: expires}},
            "type": DOCKERCONFIGJSON,
            "data": {DOCKERCONFIGJSON_KEY: base64::engine::general_purpose::STANDARD.encode(config)},
        }))
        .unwrap()
    }

    fn account(secrets: &[&str]) -> ServiceAccount {
        let refs: Vec<_> = secrets.iter().map(|n| json!({"name": n})).collect();
        serde_json::from_value(
            json!({"metadata": {"name": "default", "namespace": "apps"}, "imagePullSecrets": refs}),
        )
        .unwrap()
    }

    fn ns(labels: &[(&str, &str)]) -> NamespaceInfo {
        NamespaceInfo {
            name: "apps".into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            terminating: false,
        }
    }

    const NOW: &str = "2026-12-01T12:00:00Z";
    const LIVE: &str = "2026-12-01T20:00:00Z";

    struct Case {
        resources: Vec<ECRPullSecret>,
        namespace: NamespaceInfo,
        secret: Option<Secret>,
        account: Option<ServiceAccount>,
        pod: Pod,
        message: &'static str,
    }

    impl Case {
        /// Everything in place: the pull should work.
        fn healthy() -> Self {
            Case {
                resources: vec![resource(
                    json!({"secretName": "ecr-pull", "namespaces": ["apps"], "registries": [HOST]}),
                    json!({"conditions": [{"type": "Ready", "status": "True", "reason": "Refreshed",
                        "message": "", "lastTransitionTime": NOW}]}),
                )],
                namespace: ns(&[]),
                secret: Some(secret("team", &[HOST], LIVE)),
                account: Some(account(&["ecr-pull"])),
                pod: pod(&["ecr-pull"], "default"),
                message: "Failed to pull image: 401 Unauthorized",
            }
        }

        fn run(&self) -> Finding {
            let secrets: HashMap<String, Secret> = self
                .secret
                .iter()
                .map(|s| ("ecr-pull".to_string(), s.clone()))
                .collect();
            let around = Around {
                resources: &self.resources,
                namespace: &self.namespace,
                secrets: &secrets,
                service_account: self.account.as_ref(),
                crd_installed: true,
                now: NOW.parse().unwrap(),
            };
            let mut pulls = failing_pulls(&self.pod, &[]);
            assert_eq!(pulls.len(), 1);
            pulls[0].message = self.message.into();
            diagnose(&self.pod, &pulls[0], &around)
        }
    }

    #[test]
    fn image_references_name_their_host_and_repository() {
        assert_eq!(
            image_host(&format!("{HOST}/team/web:1.2")),
            Some((HOST, "team/web"))
        );
        assert_eq!(
            image_host(&format!("{HOST}/web@sha256:abc")),
            Some((HOST, "web"))
        );
        assert_eq!(image_host("nginx:1.27"), None);
        let mut p = pod(&[], "default");
        p.status
            .as_mut()
            .unwrap()
            .container_statuses
            .as_mut()
            .unwrap()[0]
            .image = format!("{HOST}:443/team/web:1.2");
        p.spec.as_mut().unwrap().containers[0].image = Some(format!("{HOST}:443/team/web:1.2"));
        assert_eq!(failing_pulls(&p, &[])[0].registry.host, HOST);
        assert_eq!(image_host("library/nginx"), None);
        assert_eq!(
            image_host("localhost:5000/a/b"),
            Some(("localhost:5000", "a/b"))
        );
    }

    #[test]
    fn only_containers_failing_to_pull_ecr_images_are_findings() {
        let mut p = pod(&[], "default");
        let status = p.status.as_mut().unwrap();
        let mut other = status.container_statuses.as_ref().unwrap()[0].clone();
        other.name = "side".into();
        other.image = "docker.io/library/nginx:1".into();
        let mut running = other.clone();
        running.name = "ok".into();
        running.image = format!("{HOST}/ok:1");
        running.state = Some(Default::default());
        status
            .container_statuses
            .as_mut()
            .unwrap()
            .extend([other, running]);
        let pulls = failing_pulls(&p, &[]);
        assert_eq!(pulls.len(), 1);
        assert_eq!(pulls[0].container, "web");
        assert_eq!(pulls[0].repository, "team/web");
        assert_eq!(pulls[0].message, "Back-off pulling image");
    }

    #[test]
    fn each_broken_link_is_named_with_its_fix() {
        let m = |c: &Case, cause: Cause| {
            let f = c.run();
            assert_eq!(f.cause, cause, "{}", f.message);
            f.message
        };

        let mut c = Case::healthy();
        c.resources.clear();
        let msg = m(&c, Cause::NoResource);
        assert!(
            msg.ends_with(&format!(
                "kubectl ecrcreds create NAME --secret-name ecr-pull --namespaces apps --registries {HOST}"
            )),
            "{msg}"
        );

        let mut c = Case::healthy();
        c.resources[0].spec.namespaces = None;
        c.resources[0].spec.namespace_selector =
            Some(serde_json::from_value(json!({"matchLabels": {"ecr": "on"}})).unwrap());
        let msg = m(&c, Cause::NotTargeted);
        assert!(
            msg.ends_with(
                "ECRPullSecret team would target it after: kubectl label namespace apps ecr=on"
            ),
            "{msg}"
        );
        c.namespace = ns(&[("ecr", "off")]);
        assert!(m(&c, Cause::NotTargeted).ends_with("ecr=on --overwrite"));
        c.namespace = ns(&[("ecr", "on")]);
        m(&c, Cause::RegistryRejected);

        // A resource listing no registry (the runner's default) serves the
        // host its Secret holds, or may, when its Secret is not there.
        let mut c = Case::healthy();
        c.resources[0].spec.registries = None;
        m(&c, Cause::RegistryRejected);
        c.secret = None;
        m(&c, Cause::SecretMissing);

        let mut c = Case::healthy();
        c.secret = None;
        let msg = m(&c, Cause::SecretMissing);
        assert!(
            msg.contains("it was deleted, or not written since the namespace came in"),
            "{msg}"
        );
        c.resources[0].status = Some(
            serde_json::from_value(json!({"conditions": [{"type": "Ready", "status": "False",
                "reason": "CredentialsRejected", "message": "ECR rejected the keys",
                "lastTransitionTime": NOW}]}))
            .unwrap(),
        );
        let msg = m(&c, Cause::SecretMissing);
        assert!(
            msg.contains("reports CredentialsRejected: ECR rejected the keys"),
            "{msg}"
        );

        // The Secret lacks the host: not refreshed since the host was added,
        // or the host is not listed at all.
        const EUW1: &str = "444455556666.dkr.ecr.eu-west-1.amazonaws.com";
        let mut c = Case::healthy();
        c.secret = Some(secret("team", &[EUW1], LIVE));
        let msg = m(&c, Cause::RegistryNotInSecret);
        assert!(
            msg.contains(&format!(
                "(it has {EUW1}); ECRPullSecret team lists it but has not written it here since"
            )),
            "{msg}"
        );
        c.resources[0].spec.registries = None;
        let mut other = Case::healthy().resources.remove(0);
        other.metadata.name = Some("other".into());
        other.spec.namespaces = Some(vec!["elsewhere".into()]);
        c.resources.push(other);
        // Only `other` lists the host, and it targets another namespace.
        let mut listed = c.resources.clone();
        listed[0].spec.registries = Some(vec![EUW1.into()]);
        c.resources = listed;
        m(&c, Cause::NotTargeted);

        let mut c = Case::healthy();
        let mut foreign = secret("", &[], LIVE);
        foreign.type_ = Some("Opaque".into());
        foreign.metadata.labels = None;
        c.secret = Some(foreign);
        assert!(
            m(&c, Cause::ForeignSecret)
                .contains("is not managed by kubectl-ecrcreds (type Opaque)")
        );
        c.secret = Some(secret("someone-else", &[], LIVE));
        assert!(
            m(&c, Cause::ForeignSecret).contains("belongs to ECRPullSecret someone-else, not team")
        );

        let mut c = Case::healthy();
        c.secret = Some(secret("team", &[HOST], "2026-12-01T10:00:00Z"));
        c.resources[0].status = Some(
            serde_json::from_value(json!({"nextRefreshTime": "2026-12-01T06:00:00Z"})).unwrap(),
        );
        let msg = m(&c, Cause::TokenExpired);
        assert!(
            msg.contains("expired at 2026-12-01T10:00:00Z (2h ago): nothing is refreshing it (its refresh was due at 2026-12-01T06:00:00Z), so no controller handles team"),
            "{msg}"
        );
        // A refresh time still ahead is not said to be due; and a Secret
        // without the expiry annotation is dated by the resource's status.
        let mut unannotated = secret("team", &[HOST], LIVE);
        unannotated.metadata.annotations = None;
        c.secret = Some(unannotated);
        c.resources[0].status = Some(
            serde_json::from_value(json!({"expiresAt": "2026-12-01T11:00:00Z",
                "nextRefreshTime": "2026-12-01T13:00:00Z"}))
            .unwrap(),
        );
        let msg = m(&c, Cause::TokenExpired);
        assert!(
            msg.contains("(60m ago): nothing is refreshing it, so"),
            "{msg}"
        );

        let mut c = Case::healthy();
        c.pod = pod(&[], "default");
        let msg = m(&c, Cause::PodLacksReference);
        assert!(
            msg.ends_with("kubectl rollout restart deployment/web -n apps"),
            "{msg}"
        );
        // A Pod listing its own gets none of its ServiceAccount's.
        c.pod = pod(&["regcred"], "default");
        let msg = m(&c, Cause::PodLacksReference);
        assert!(
            msg.starts_with("the Pod lists imagePullSecrets of its own (regcred)"),
            "{msg}"
        );
        c.pod = pod(&[], "default");
        c.account = Some(account(&[]));
        m(&c, Cause::ServiceAccountLacksEntry);
        c.pod = pod(&[], "builder");
        let msg = m(&c, Cause::ServiceAccountLacksEntry);
        assert!(
            msg.contains("which ECRPullSecret team does not patch (its serviceAccounts: default)"),
            "{msg}"
        );
        c.resources[0].spec.service_accounts = Some(vec![]);
        assert!(m(&c, Cause::ServiceAccountLacksEntry).contains("(its serviceAccounts: none)"));

        // What the registry said, read without the image's own digits.
        let mut c = Case::healthy();
        c.message =
            "failed to pull: 403 Forbidden: denied: not authorized to perform ecr:BatchGetImage";
        assert!(
            m(&c, Cause::RegistryRejected).contains("for repository team/web: the AWS identity")
        );
        c.message = "failed to authorize: failed to fetch anonymous token: 401 Unauthorized";
        assert!(
            m(&c, Cause::RegistryRejected).contains(
                "rejected the token in Secret ecr-pull (401) although it has not expired"
            )
        );
        let mut c = Case::healthy();
        c.pod = serde_json::from_value(
            serde_json::to_value(&c.pod)
                .unwrap()
                .to_string()
                .replace("team/web:1.2", "team/web:401")
                .parse::<serde_json::Value>()
                .unwrap(),
        )
        .unwrap();
        c.message = "failed to resolve reference \"111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:401\": not found";
        assert!(m(&c, Cause::PullFailed).contains("was not found in"));
    }
}
