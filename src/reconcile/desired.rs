//! Pure builders: from a resource and what the cluster looks like, compute the
//! target namespaces, the registry groups, the Secret to write, the
//! ServiceAccount lists, the status and the next refresh time. No I/O here.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use jiff::{SignedDuration, Timestamp};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{LocalObjectReference, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    Condition, LabelSelector, LabelSelectorRequirement, ObjectMeta, Time,
};

use crate::crd::{
    ECRPullSecretSpec, ECRPullSecretStatus, EXPIRES_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE,
    NamespaceFailure, NamespaceStatus, OWNER_LABEL,
};
use crate::ecr::{Registry, Token};

/// The Secret type we write.
pub const DOCKERCONFIGJSON: &str = "kubernetes.io/dockerconfigjson";
/// The data key of a dockerconfigjson Secret.
pub const DOCKERCONFIGJSON_KEY: &str = ".dockerconfigjson";

/// What we need to know of a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceInfo {
    /// Its name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Whether it is being deleted.
    pub terminating: bool,
    /// Its UID: a namespace deleted and created again under the same name is
    /// another namespace.
    pub uid: String,
}

/// The namespaces a resource targets, split into usable and not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    /// Namespaces to write into, sorted.
    pub ready: Vec<String>,
    /// Named namespaces that cannot be written now, with why.
    pub unavailable: Vec<NamespaceFailure>,
}

impl Targets {
    /// All namespaces that should hold the Secret.
    pub fn desired(&self) -> usize {
        self.ready.len() + self.unavailable.len()
    }
}

/// Resolves `namespaces` ∪ selector matches against the cluster's namespaces.
/// A named namespace that is missing or terminating is reported, not targeted.
pub fn select_namespaces(
    spec: &ECRPullSecretSpec,
    cluster: &[NamespaceInfo],
) -> Result<Targets, String> {
    let by_name: BTreeMap<&str, &NamespaceInfo> =
        cluster.iter().map(|n| (n.name.as_str(), n)).collect();
    let mut ready = BTreeSet::new();
    let mut unavailable = Vec::new();
    for name in spec.namespaces.iter().flatten() {
        match by_name.get(name.as_str()) {
            None => unavailable.push(NamespaceFailure {
                namespace: name.clone(),
                reason: "namespace not found".into(),
            }),
            Some(ns) if ns.terminating => unavailable.push(NamespaceFailure {
                namespace: name.clone(),
                reason: "namespace is terminating".into(),
            }),
            Some(_) => {
                ready.insert(name.clone());
            }
        }
    }
    if let Some(selector) = &spec.namespace_selector {
        for ns in cluster {
            if !ns.terminating && selector_matches(selector, &ns.labels)? {
                ready.insert(ns.name.clone());
            }
        }
    }
    unavailable.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    unavailable.dedup();
    Ok(Targets {
        ready: ready.into_iter().collect(),
        unavailable,
    })
}

/// Evaluates a label selector the way the API server does. An empty selector
/// matches everything.
pub fn selector_matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    for (k, v) in selector.match_labels.iter().flatten() {
        if labels.get(k) != Some(v) {
            return Ok(false);
        }
    }
    for req in selector.match_expressions.iter().flatten() {
        if !requirement_matches(req, labels)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn requirement_matches(
    req: &LabelSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    let values = req.values.as_deref().unwrap_or_default();
    let value = labels.get(&req.key);
    match req.operator.as_str() {
        "In" => Ok(value.is_some_and(|v| values.contains(v))),
        "NotIn" => Ok(!value.is_some_and(|v| values.contains(v))),
        "Exists" => Ok(value.is_some()),
        "DoesNotExist" => Ok(value.is_none()),
        other => Err(format!(
            "namespaceSelector has unknown operator {other:?}: use In, NotIn, Exists or DoesNotExist"
        )),
    }
}

/// The registries a resource writes: its own, or the runner's default.
pub fn resolve_registries(
    spec: &ECRPullSecretSpec,
    default: Option<&Registry>,
) -> Result<Vec<Registry>, String> {
    let listed = spec.registries.as_deref().unwrap_or_default();
    if listed.is_empty() {
        return default.cloned().map(|r| vec![r]).ok_or_else(|| {
            "no registry to write: set spec.registries, or start with --registry / REGISTRY"
                .to_string()
        });
    }
    let mut out: Vec<Registry> = listed
        .iter()
        .map(|h| Registry::parse(h))
        .collect::<Result<_, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Groups registries by region: one token serves a whole region.
pub fn regions(registries: &[Registry]) -> BTreeSet<String> {
    registries.iter().map(|r| r.region.clone()).collect()
}

/// The `.dockerconfigjson` payload: one `auths` entry per registry host, in a
/// stable order so the same tokens always give the same bytes.
pub fn docker_config_json(registries: &[Registry], tokens: &BTreeMap<String, Token>) -> Vec<u8> {
    let mut auths = serde_json::Map::new();
    for r in registries {
        let Some(token) = tokens.get(&r.region) else {
            continue;
        };
        let auth = B64.encode(format!("AWS:{}", token.password));
        auths.insert(
            r.host.clone(),
            serde_json::json!({"username": "AWS", "password": token.password, "auth": auth}),
        );
    }
    serde_json::to_vec(&serde_json::json!({ "auths": auths }))
        .expect("a JSON map always serializes")
}

/// The earliest expiry among the tokens, if any reported one.
pub fn earliest_expiry(tokens: &BTreeMap<String, Token>) -> Option<Timestamp> {
    tokens.values().filter_map(|t| t.expires_at).min()
}

/// The Secret we want in `namespace`.
pub fn desired_secret(
    resource: &str,
    secret_name: &str,
    namespace: &str,
    payload: &[u8],
    expires_at: Option<Timestamp>,
) -> Secret {
    let labels = BTreeMap::from([
        (MANAGED_BY_LABEL.to_string(), MANAGED_BY_VALUE.to_string()),
        (OWNER_LABEL.to_string(), resource.to_string()),
    ]);
    let annotations = expires_at.map(|t| {
        BTreeMap::from([(
            EXPIRES_ANNOTATION.to_string(),
            t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )])
    });
    Secret {
        metadata: ObjectMeta {
            name: Some(secret_name.to_string()),
            namespace: Some(namespace.to_string()),
            labels: Some(labels),
            annotations,
            ..Default::default()
        },
        type_: Some(DOCKERCONFIGJSON.to_string()),
        data: Some(BTreeMap::from([(
            DOCKERCONFIGJSON_KEY.to_string(),
            ByteString(payload.to_vec()),
        )])),
        ..Default::default()
    }
}

/// What to do with an existing Secret of the wanted name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretAction {
    /// None exists: create it.
    Create,
    /// Ours (or a dockerconfigjson we adopt) but different: update it.
    Update,
    /// Already exactly as wanted: write nothing.
    Unchanged,
    /// Exists with another type: refuse, so nobody's data is overwritten.
    Conflict,
    /// Not known: this runner may not read Secrets. Apply, and learn from
    /// the answer what happened (see [`applied_action`]).
    Unknown,
}

/// What an apply turned out to do, for a runner that could not read the Secret
/// first. `before` is the resourceVersion of a list made at the start of the
/// pass: a Secret whose resourceVersion is newer was written since, by this
/// apply; an older one was already as wanted and the apply changed nothing.
/// resourceVersions are meant to be opaque; they are compared as the etcd
/// revisions they are only to count writes, and anything unparsable counts as
/// a write, never as unchanged.
pub fn applied_action(response: &Secret, before: Option<&str>) -> SecretAction {
    let revision = |rv: Option<&str>| rv.and_then(|v| v.parse::<u64>().ok());
    let now = revision(response.metadata.resource_version.as_deref());
    if let (Some(now), Some(before)) = (now, revision(before))
        && now <= before
    {
        return SecretAction::Unchanged;
    }
    // Our field-manager entry is stamped when the apply changes something; on
    // the apply that created the object, that is its creation time.
    let ours = response
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .find(|m| m.manager.as_deref() == Some(crate::crd::FIELD_MANAGER));
    let created = response.metadata.creation_timestamp.as_ref();
    match (ours.and_then(|m| m.time.as_ref()), created) {
        (Some(t), Some(c)) if t == c => SecretAction::Create,
        _ => SecretAction::Update,
    }
}

/// Compares the live Secret with the desired one. Only our labels, our
/// annotation, the type and the payload matter; other people's labels stay.
pub fn secret_action(existing: Option<&Secret>, desired: &Secret) -> SecretAction {
    let Some(existing) = existing else {
        return SecretAction::Create;
    };
    if existing.type_.as_deref() != Some(DOCKERCONFIGJSON) {
        return SecretAction::Conflict;
    }
    let subset = |want: &Option<BTreeMap<String, String>>,
                  have: &Option<BTreeMap<String, String>>| {
        want.iter()
            .flatten()
            .all(|(k, v)| have.as_ref().and_then(|h| h.get(k)) == Some(v))
    };
    let same_payload = existing
        .data
        .as_ref()
        .and_then(|d| d.get(DOCKERCONFIGJSON_KEY))
        == desired
            .data
            .as_ref()
            .and_then(|d| d.get(DOCKERCONFIGJSON_KEY));
    let only_our_key = existing.data.as_ref().is_some_and(|d| d.len() == 1);
    if same_payload
        && only_our_key
        && subset(&desired.metadata.labels, &existing.metadata.labels)
        && subset(
            &desired.metadata.annotations,
            &existing.metadata.annotations,
        )
    {
        SecretAction::Unchanged
    } else {
        SecretAction::Update
    }
}

/// The JSON patch that puts our entry into (`add`) or takes it out of a
/// ServiceAccount's `imagePullSecrets`, given the list as last read, or `None`
/// when the list is already as wanted (ours exactly once, or not at all).
///
/// The patch never carries the object's resourceVersion, so a busy co-writer
/// cannot starve it; instead each operation guards only what it relies on:
/// appending needs nothing, creating the list tests that it is still absent,
/// and each removal tests that our entry is still at that index. Entries of
/// others are never rewritten. A duplicate of ours (two writers raced to
/// append) is removed, keeping the first.
pub fn pull_secret_patch(
    current: Option<&[LocalObjectReference]>,
    secret_name: &str,
    add: bool,
) -> Option<Vec<serde_json::Value>> {
    let current = current.unwrap_or_default();
    let ours = serde_json::json!({ "name": secret_name });
    let at: Vec<usize> = current
        .iter()
        .enumerate()
        .filter(|(_, r)| r.name == secret_name)
        .map(|(i, _)| i)
        .collect();
    let remove = |indices: &[usize]| -> Vec<serde_json::Value> {
        // Highest index first, so earlier removals do not shift later ones.
        indices
            .iter()
            .rev()
            .flat_map(|i| {
                let path = format!("/imagePullSecrets/{i}");
                [
                    serde_json::json!({"op": "test", "path": path, "value": ours}),
                    serde_json::json!({"op": "remove", "path": path}),
                ]
            })
            .collect()
    };
    match (add, at.as_slice()) {
        (true, []) if current.is_empty() => Some(vec![
            serde_json::json!({"op": "test", "path": "/imagePullSecrets", "value": null}),
            serde_json::json!({"op": "add", "path": "/imagePullSecrets", "value": [ours]}),
        ]),
        (true, []) => Some(vec![
            serde_json::json!({"op": "add", "path": "/imagePullSecrets/-", "value": ours}),
        ]),
        (true, [_]) | (false, []) => None,
        (true, [_, extra @ ..]) => Some(remove(extra)),
        (false, all) => Some(remove(all)),
    }
}

/// When the next pass is due and whether the token's expiry could be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextRefresh {
    /// When to refresh next.
    pub at: Timestamp,
    /// The reported expiry was already past (an old token or clock skew), so
    /// the interval alone set the time.
    pub expiry_in_past: bool,
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

/// Delay before retrying a failed pass: 5s doubling to 5 minutes. A token
/// lives 12 hours, so even the longest wait retries well before it expires.
pub fn backoff(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(6);
    (Duration::from_secs(5) * 2u32.pow(exp)).min(Duration::from_secs(300))
}

/// Inputs to the status written after a pass.
#[derive(Clone, Debug)]
pub struct StatusInput<'a> {
    /// The resource's generation.
    pub generation: Option<i64>,
    /// The previous status, for times that should not move.
    pub previous: Option<&'a ECRPullSecretStatus>,
    /// Now.
    pub now: Timestamp,
    /// Target namespaces (desired count).
    pub desired: usize,
    /// Namespaces done.
    pub ready: usize,
    /// Namespaces that failed, with why.
    pub failed: Vec<NamespaceFailure>,
    /// A failure that stopped the whole pass (token, spec), with its reason code.
    pub fatal: Option<(&'static str, String)>,
    /// Earliest token expiry, when tokens were fetched.
    pub expires_at: Option<Timestamp>,
    /// When the next pass is due.
    pub next: Option<NextRefresh>,
    /// Whether tokens were fetched in this pass. A repair pass (Secrets put
    /// back with the token already in hand) keeps the refresh times.
    pub refreshed: bool,
    /// The refresh-request annotation value this pass honoured.
    pub refresh_request: Option<String>,
}

/// Builds the status: `Ready` condition, counts, failures and times.
pub fn build_status(input: StatusInput<'_>) -> ECRPullSecretStatus {
    let prev = input.previous.cloned().unwrap_or_default();
    let (status, reason, mut message) = match &input.fatal {
        Some((reason, msg)) => ("False", *reason, msg.clone()),
        None if input.failed.is_empty() => (
            "True",
            "Refreshed",
            format!("{}/{} namespaces", input.ready, input.desired),
        ),
        None => (
            "False",
            "PartialFailure",
            format!(
                "{}/{} namespaces; failed: {}",
                input.ready,
                input.desired,
                summarize_failures(&input.failed)
            ),
        ),
    };
    if input.fatal.is_none() && input.next.is_some_and(|n| n.expiry_in_past) {
        message.push_str(
            "; the token's reported expiry is already past (clock skew?), so the refresh interval sets the schedule",
        );
    }
    let previous_ready = prev.conditions.iter().find(|c| c.type_ == "Ready");
    let transition = match previous_ready {
        Some(c) if c.status == status => c.last_transition_time.clone(),
        _ => Time(input.now),
    };
    let ready = Condition {
        type_: "Ready".into(),
        status: status.into(),
        reason: reason.into(),
        message,
        last_transition_time: transition,
        observed_generation: input.generation,
    };
    let succeeded = input.fatal.is_none();
    let refreshed = succeeded && input.refreshed;
    ECRPullSecretStatus {
        observed_generation: input.generation,
        conditions: vec![ready],
        last_refresh_time: if refreshed {
            Some(Time(input.now))
        } else {
            prev.last_refresh_time
        },
        expires_at: if refreshed {
            input.expires_at.map(Time)
        } else {
            prev.expires_at
        },
        next_refresh_time: match (refreshed, input.next) {
            (true, Some(n)) => Some(Time(n.at)),
            _ => prev.next_refresh_time,
        },
        last_refresh_request: if refreshed {
            input.refresh_request
        } else {
            prev.last_refresh_request
        },
        // A pass that stopped early changed no namespace: keep the counts it found.
        namespaces: if succeeded {
            Some(NamespaceStatus {
                desired: input.desired as u32,
                ready: input.ready as u32,
                failed: input.failed,
            })
        } else {
            prev.namespaces
        },
    }
}

fn summarize_failures(failed: &[NamespaceFailure]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = failed
        .iter()
        .take(SHOWN)
        .map(|f| format!("{} ({})", f.namespace, f.reason))
        .collect();
    if failed.len() > SHOWN {
        parts.push(format!("and {} more", failed.len() - SHOWN));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(name: &str, labels: &[(&str, &str)]) -> NamespaceInfo {
        NamespaceInfo {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            terminating: false,
            uid: format!("uid-{name}"),
        }
    }

    fn spec(namespaces: &[&str]) -> ECRPullSecretSpec {
        serde_json::from_value(serde_json::json!({
            "secretName": "ecr",
            "namespaces": namespaces,
        }))
        .unwrap()
    }

    #[test]
    fn missing_and_terminating_namespaces_are_reported_not_targeted() {
        let mut gone = ns("gone", &[]);
        gone.terminating = true;
        let cluster = [ns("a", &[]), ns("b", &[]), gone];
        let t = select_namespaces(&spec(&["b", "a", "nope", "gone"]), &cluster).unwrap();
        assert_eq!(t.ready, vec!["a", "b"]);
        let reasons: Vec<_> = t.unavailable.iter().map(|f| f.namespace.as_str()).collect();
        assert_eq!(reasons, vec!["gone", "nope"]);
        assert_eq!(t.desired(), 4);
    }

    #[test]
    fn selector_adds_matching_namespaces_once() {
        let mut s = spec(&["a"]);
        s.namespace_selector = Some(LabelSelector {
            match_labels: Some(BTreeMap::from([("pull".into(), "yes".into())])),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: Some(vec!["legacy".into()]),
            }]),
        });
        let cluster = [
            ns("a", &[("pull", "yes")]),
            ns("b", &[("pull", "yes")]),
            ns("c", &[("pull", "yes"), ("tier", "legacy")]),
            ns("d", &[]),
        ];
        assert_eq!(
            select_namespaces(&s, &cluster).unwrap().ready,
            vec!["a", "b"]
        );
    }

    #[test]
    fn docker_config_has_one_entry_per_host_with_aws_user() {
        let regs = vec![
            Registry::parse("111122223333.dkr.ecr.us-east-1.amazonaws.com").unwrap(),
            Registry::parse("444455556666.dkr.ecr.eu-west-1.amazonaws.com").unwrap(),
        ];
        let tokens = BTreeMap::from([
            (
                "us-east-1".to_string(),
                Token {
                    password: "p1".into(),
                    expires_at: None,
                },
            ),
            (
                "eu-west-1".to_string(),
                Token {
                    password: "p2".into(),
                    expires_at: None,
                },
            ),
        ]);
        let v: serde_json::Value =
            serde_json::from_slice(&docker_config_json(&regs, &tokens)).unwrap();
        let auths = v["auths"].as_object().unwrap();
        assert_eq!(auths.len(), 2);
        let e = &auths["444455556666.dkr.ecr.eu-west-1.amazonaws.com"];
        assert_eq!(e["username"], "AWS");
        assert_eq!(e["password"], "p2");
        assert_eq!(e["auth"], B64.encode("AWS:p2"));
    }

    #[test]
    fn unchanged_secret_needs_no_write_but_foreign_types_conflict() {
        let want = desired_secret("r", "ecr", "a", b"{}", None);
        assert_eq!(secret_action(None, &want), SecretAction::Create);
        assert_eq!(secret_action(Some(&want), &want), SecretAction::Unchanged);
        let mut labelled = want.clone();
        labelled
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("team".into(), "x".into());
        assert_eq!(
            secret_action(Some(&labelled), &want),
            SecretAction::Unchanged
        );
        let mut changed = want.clone();
        changed.data = Some(BTreeMap::from([(
            DOCKERCONFIGJSON_KEY.into(),
            ByteString(b"{\"auths\":{}}".to_vec()),
        )]));
        assert_eq!(secret_action(Some(&changed), &want), SecretAction::Update);
        let mut opaque = want.clone();
        opaque.type_ = Some("Opaque".into());
        assert_eq!(secret_action(Some(&opaque), &want), SecretAction::Conflict);
    }

    #[test]
    fn an_apply_is_counted_as_a_write_only_when_it_changed_the_secret() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ManagedFieldsEntry, Time};
        let at = |s: &str| Time(s.parse().unwrap());
        let answer = |rv: &str, created: &str, ours: &str| {
            let mut s = Secret::default();
            s.metadata.resource_version = Some(rv.into());
            s.metadata.creation_timestamp = Some(at(created));
            s.metadata.managed_fields = Some(vec![
                ManagedFieldsEntry {
                    manager: Some("kubectl-create".into()),
                    time: Some(at("2026-01-01T00:00:00Z")),
                    ..Default::default()
                },
                ManagedFieldsEntry {
                    manager: Some(crate::crd::FIELD_MANAGER.into()),
                    time: Some(at(ours)),
                    ..Default::default()
                },
            ]);
            s
        };
        let t0 = "2026-01-01T00:00:00Z";
        let t1 = "2026-01-02T00:00:00Z";
        // Older than the pass: the apply was a no-op.
        assert_eq!(
            applied_action(&answer("90", t0, t1), Some("100")),
            SecretAction::Unchanged
        );
        // Newer, stamped at creation: this apply created it.
        assert_eq!(
            applied_action(&answer("120", t1, t1), Some("100")),
            SecretAction::Create
        );
        // Newer, created earlier: updated (or adopted).
        assert_eq!(
            applied_action(&answer("120", t0, t1), Some("100")),
            SecretAction::Update
        );
        // Versions that are not numbers never read as unchanged.
        assert_eq!(
            applied_action(&answer("x", t0, t1), Some("100")),
            SecretAction::Update
        );
        assert_eq!(
            applied_action(&answer("90", t0, t1), None),
            SecretAction::Update
        );
    }

    #[test]
    fn pull_secret_patches_append_create_dedupe_and_remove_by_guarded_index() {
        let refs = |names: &[&str]| -> Vec<LocalObjectReference> {
            names
                .iter()
                .map(|n| LocalObjectReference {
                    name: n.to_string(),
                })
                .collect()
        };
        let ops = |p: Option<Vec<serde_json::Value>>| serde_json::Value::Array(p.unwrap());
        let ours = serde_json::json!({"name": "ecr"});
        // Others' entries: append after them, guarding nothing.
        assert_eq!(
            ops(pull_secret_patch(Some(&refs(&["x", "y"])), "ecr", true)),
            serde_json::json!([{"op": "add", "path": "/imagePullSecrets/-", "value": ours}])
        );
        // No list: create it only if it is still absent.
        for empty in [None, Some(&[][..])] {
            assert_eq!(
                ops(pull_secret_patch(empty, "ecr", true)),
                serde_json::json!([
                    {"op": "test", "path": "/imagePullSecrets", "value": null},
                    {"op": "add", "path": "/imagePullSecrets", "value": [ours]},
                ])
            );
        }
        // Already there once: nothing to do; not there: nothing to remove.
        assert_eq!(
            pull_secret_patch(Some(&refs(&["x", "ecr"])), "ecr", true),
            None
        );
        assert_eq!(pull_secret_patch(Some(&refs(&["x"])), "ecr", false), None);
        assert_eq!(pull_secret_patch(None, "ecr", false), None);
        // A duplicate is removed, the first kept; removal tests each index.
        assert_eq!(
            ops(pull_secret_patch(
                Some(&refs(&["ecr", "x", "ecr"])),
                "ecr",
                true
            )),
            serde_json::json!([
                {"op": "test", "path": "/imagePullSecrets/2", "value": ours},
                {"op": "remove", "path": "/imagePullSecrets/2"},
            ])
        );
        assert_eq!(
            ops(pull_secret_patch(
                Some(&refs(&["ecr", "x", "ecr"])),
                "ecr",
                false
            )),
            serde_json::json!([
                {"op": "test", "path": "/imagePullSecrets/2", "value": ours},
                {"op": "remove", "path": "/imagePullSecrets/2"},
                {"op": "test", "path": "/imagePullSecrets/0", "value": ours},
                {"op": "remove", "path": "/imagePullSecrets/0"},
            ])
        );
    }

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
        // Token lives 12h: interval (6h) wins.
        let n = next_refresh(
            now,
            six_h,
            Some(now + SignedDuration::from_hours(12)),
            Duration::ZERO,
        );
        assert_eq!(n.at, now + SignedDuration::from_hours(6));
        // Token lives 3h: refresh an hour before it expires.
        let n = next_refresh(
            now,
            six_h,
            Some(now + SignedDuration::from_hours(3)),
            Duration::ZERO,
        );
        assert_eq!(n.at, now + SignedDuration::from_hours(2));
        // Token expiry in the past (moto, clock skew): interval, flagged.
        let past: Timestamp = "2015-01-01T00:00:00Z".parse().unwrap();
        let n = next_refresh(now, six_h, Some(past), Duration::ZERO);
        assert_eq!(n.at, now + SignedDuration::from_hours(6));
        assert!(n.expiry_in_past);
        // Token about to expire: never sooner than the floor.
        let n = next_refresh(
            now,
            six_h,
            Some(now + SignedDuration::from_secs(30)),
            Duration::ZERO,
        );
        assert_eq!(n.at, now + SignedDuration::from_secs(60));
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
    fn backoff_doubles_to_five_minutes_and_jitter_stays_in_its_window() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(30), Duration::from_secs(300));
        let j = jitter("team-a", Duration::from_secs(3600));
        assert!(j < Duration::from_secs(180));
        assert_eq!(j, jitter("team-a", Duration::from_secs(3600)));
    }

    #[test]
    fn failed_pass_keeps_previous_times_and_says_why() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let earlier = Time("2025-12-31T20:00:00Z".parse().unwrap());
        let previous = ECRPullSecretStatus {
            last_refresh_time: Some(earlier.clone()),
            expires_at: Some(earlier.clone()),
            ..Default::default()
        };
        let s = build_status(StatusInput {
            generation: Some(2),
            previous: Some(&previous),
            now,
            desired: 3,
            ready: 0,
            failed: vec![],
            fatal: Some(("EcrUnreachable", "could not reach ECR".into())),
            expires_at: None,
            next: None,
            refreshed: false,
            refresh_request: None,
        });
        assert_eq!(s.last_refresh_time, Some(earlier.clone()));
        assert_eq!(s.expires_at, Some(earlier));
        let ready = &s.conditions[0];
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("False", "EcrUnreachable")
        );
    }
}
