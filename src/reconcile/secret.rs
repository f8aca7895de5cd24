//! The pull Secret: the `.dockerconfigjson` payload built from the tokens, the
//! Secret we want in each namespace, and what to do about the one there.
//! Pure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use jiff::{SignedDuration, Timestamp};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::crd::{EXPIRES_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL};
use crate::ecr::{CredentialsKey, Registry, Scope, Token};

/// The Secret type we write.
pub const DOCKERCONFIGJSON: &str = "kubernetes.io/dockerconfigjson";
/// The data key of a dockerconfigjson Secret.
pub const DOCKERCONFIGJSON_KEY: &str = ".dockerconfigjson";

/// The `.dockerconfigjson` bytes of a resource and the earliest expiry of the
/// tokens in them. It holds tokens: its `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct Payload {
    /// The bytes, shared between every namespace's Secret.
    pub bytes: Arc<Vec<u8>>,
    /// The earliest expiry among the tokens, if any reported one.
    pub expires_at: Option<Timestamp>,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field(
                "bytes",
                &format_args!("** {} bytes redacted **", self.bytes.len()),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a payload was made for: the same resource generation, credentials and
/// registries. A payload made for anything else is never written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// The resource's `metadata.generation`.
    pub generation: Option<i64>,
    /// Whose tokens.
    pub credentials: CredentialsKey,
    /// Which hosts.
    pub registries: Vec<Registry>,
}

impl Payload {
    /// One `auths` entry per registry host, with its scope's token, in a
    /// stable order so the same tokens always give the same bytes.
    pub fn build(registries: &[Registry], tokens: &BTreeMap<Scope, Token>) -> Self {
        let mut auths = serde_json::Map::new();
        for r in registries {
            let Some(token) = tokens.get(&r.scope()) else {
                continue;
            };
            let auth = B64.encode(format!("AWS:{}", token.password));
            auths.insert(
                r.host.clone(),
                serde_json::json!({"username": "AWS", "password": token.password, "auth": auth}),
            );
        }
        let bytes = serde_json::to_vec(&serde_json::json!({ "auths": auths }))
            .expect("a JSON map always serializes");
        Payload {
            bytes: Arc::new(bytes),
            expires_at: tokens.values().filter_map(|t| t.expires_at).min(),
        }
    }
}

/// The Secret we want in `namespace`.
pub fn desired_secret(
    resource: &str,
    secret_name: &str,
    namespace: &str,
    payload: &Payload,
) -> Secret {
    let labels = BTreeMap::from([
        (MANAGED_BY_LABEL.to_string(), MANAGED_BY_VALUE.to_string()),
        (OWNER_LABEL.to_string(), resource.to_string()),
    ]);
    let annotations = payload.expires_at.map(|t| {
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
            ByteString(payload.bytes.to_vec()),
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
    /// Someone else's Secret of that name: refuse, so nobody's data is
    /// overwritten.
    Conflict(Refusal),
}

/// Why a Secret of the wanted name is left alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// It is not a dockerconfigjson Secret.
    OtherType,
    /// A dockerconfigjson without our owner label that holds credentials for
    /// registries other than ECR (a Docker Hub `regcred`, say).
    OtherRegistries,
    /// Another ECRPullSecret's.
    OtherResource,
}

impl Refusal {
    /// One sentence for the namespace's failure, naming the Secret.
    pub fn message(self, namespace: &str, name: &str) -> String {
        let why = match self {
            Refusal::OtherType => "exists with another type",
            Refusal::OtherRegistries => "holds credentials for registries other than ECR",
            Refusal::OtherResource => "belongs to another ECRPullSecret",
        };
        format!(
            "Conflict: Secret {namespace}/{name} {why} and is not managed by this resource; left as it is: delete or rename it, or choose another spec.secretName"
        )
    }
}

impl SecretAction {
    /// Whether this action sends an apply.
    pub fn writes(self) -> bool {
        matches!(self, SecretAction::Create | SecretAction::Update)
    }
}

/// Whether every `auths` entry of a dockerconfigjson payload is an ECR
/// registry: such a Secret without our label is one the original operator
/// wrote, and ours to adopt.
fn only_ecr_entries(payload: Option<&ByteString>) -> bool {
    let Some(payload) = payload else {
        return true;
    };
    let Ok(parsed) = serde_json::from_slice::<serde_json::Value>(&payload.0) else {
        return false;
    };
    match parsed.get("auths").and_then(|a| a.as_object()) {
        Some(auths) => auths.keys().all(|host| Registry::parse(host).is_ok()),
        None => parsed.as_object().is_some_and(|o| o.is_empty()),
    }
}

/// Compares the live Secret with the desired one. Only our labels, our
/// annotation, the type and our data key matter; other people's labels,
/// annotations and data keys stay as they are (server-side apply leaves
/// fields it does not own). A Secret that is not ours is taken over only when
/// it is a dockerconfigjson for ECR registries alone, as the original operator
/// wrote them.
pub fn secret_action(
    existing: Option<&Secret>,
    desired: &Secret,
    other_owners: &std::collections::HashSet<String>,
) -> SecretAction {
    let Some(existing) = existing else {
        return SecretAction::Create;
    };
    if existing.type_.as_deref() != Some(DOCKERCONFIGJSON) {
        return SecretAction::Conflict(Refusal::OtherType);
    }
    let owner = |s: &Secret| {
        s.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(OWNER_LABEL))
            .cloned()
    };
    let payload_of = |s: &Secret| {
        s.data
            .as_ref()
            .and_then(|d| d.get(DOCKERCONFIGJSON_KEY))
            .cloned()
    };
    match owner(existing) {
        // Another ECRPullSecret's, while that one exists: two resources must
        // not fight over a Secret. One whose resource is gone (deleted with
        // Retain) is an orphan of ours, taken over like the original
        // operator's.
        Some(theirs)
            if Some(&theirs) != owner(desired).as_ref() && other_owners.contains(&theirs) =>
        {
            return SecretAction::Conflict(Refusal::OtherResource);
        }
        Some(theirs)
            if Some(&theirs) != owner(desired).as_ref()
                && !only_ecr_entries(payload_of(existing).as_ref()) =>
        {
            return SecretAction::Conflict(Refusal::OtherRegistries);
        }
        Some(_) => {}
        None if !only_ecr_entries(
            existing
                .data
                .as_ref()
                .and_then(|d| d.get(DOCKERCONFIGJSON_KEY)),
        ) =>
        {
            return SecretAction::Conflict(Refusal::OtherRegistries);
        }
        None => {}
    }
    let subset = |want: &Option<BTreeMap<String, String>>,
                  have: &Option<BTreeMap<String, String>>| {
        want.iter()
            .flatten()
            .all(|(k, v)| have.as_ref().and_then(|h| h.get(k)) == Some(v))
    };
    let payload = |s: &Secret| {
        s.data
            .as_ref()
            .and_then(|d| d.get(DOCKERCONFIGJSON_KEY))
            .cloned()
    };
    if payload(existing) == payload(desired)
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

/// The longest an ECR token lives: an expiry annotation further ahead than
/// this (plus some clock skew) was not written from an ECR answer.
const LONGEST_TOKEN: SignedDuration = SignedDuration::from_hours(12);

/// The newest payload among `resource`'s Secrets in the cluster: type and
/// owner label ours, entries exactly `registries`, expiry annotation in the
/// future (and no later than a token can live). Another runner that refreshed
/// since this process did left it there.
pub fn newest_in_cluster(
    live: &HashMap<String, Secret>,
    resource: &str,
    registries: &[Registry],
    now: Timestamp,
) -> Option<Payload> {
    let wanted: BTreeSet<&str> = registries.iter().map(|r| r.host.as_str()).collect();
    let latest_possible = now + LONGEST_TOKEN + SignedDuration::from_mins(10);
    live.values()
        .filter_map(|s| {
            let ours = s.type_.as_deref() == Some(DOCKERCONFIGJSON)
                && s.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(OWNER_LABEL))
                    .map(String::as_str)
                    == Some(resource);
            if !ours {
                return None;
            }
            let expiry = s
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(EXPIRES_ANNOTATION))
                .and_then(|v| v.parse::<Timestamp>().ok())
                .filter(|t| *t > now && *t <= latest_possible)?;
            let bytes = &s.data.as_ref()?.get(DOCKERCONFIGJSON_KEY)?.0;
            let parsed: serde_json::Value = serde_json::from_slice(bytes).ok()?;
            let hosts: BTreeSet<&str> = parsed
                .get("auths")?
                .as_object()?
                .keys()
                .map(String::as_str)
                .collect();
            (hosts == wanted).then(|| Payload {
                bytes: Arc::new(bytes.clone()),
                expires_at: Some(expiry),
            })
        })
        .max_by_key(|p| p.expires_at)
}

/// Where a repair's payload comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepairSource {
    /// This process's own, from its last refresh.
    Memory,
    /// Our Secrets in the cluster: another runner refreshed since.
    Cluster,
}

/// What a repair may write without fetching tokens: the newer of this
/// process's cached payload and the newest one in the cluster (the cluster's
/// when both are from the same second), unless the status reports a later
/// token than either (written by a runner whose Secrets are gone): then only a
/// refresh will do. A repair never downgrades. Expiries are compared in
/// seconds, the status's precision.
pub fn repair_payload(
    cached: Option<Payload>,
    in_cluster: Option<Payload>,
    status_expiry: Option<Timestamp>,
) -> Option<(Payload, RepairSource)> {
    let secs = |t: Option<Timestamp>| t.map(|t| t.as_second());
    let best = match (cached, in_cluster) {
        // Two tokens fetched in the same second are equally fresh; the one
        // already in the cluster then wins, as writing the other gains nothing.
        (Some(c), Some(k)) if secs(k.expires_at) >= secs(c.expires_at) && k != c => {
            (k, RepairSource::Cluster)
        }
        (Some(c), _) => (c, RepairSource::Memory),
        (None, Some(k)) => (k, RepairSource::Cluster),
        (None, None) => return None,
    };
    (secs(best.0.expires_at) >= secs(status_expiry)).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(bytes: &[u8]) -> Payload {
        Payload {
            bytes: Arc::new(bytes.to_vec()),
            expires_at: None,
        }
    }

    fn token(password: &str, expires_at: Timestamp) -> Token {
        Token {
            password: password.into(),
            expires_at: Some(expires_at),
        }
    }

    #[test]
    fn docker_config_has_one_entry_per_host_with_aws_user() {
        let regs = vec![
            Registry::parse("111122223333.dkr.ecr.us-east-1.amazonaws.com").unwrap(),
            Registry::parse("444455556666.dkr.ecr.eu-west-1.amazonaws.com").unwrap(),
        ];
        let soon: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let later: Timestamp = "2026-01-01T13:00:00Z".parse().unwrap();
        let tokens = BTreeMap::from([
            (Scope::private("us-east-1"), token("p1", later)),
            (Scope::private("eu-west-1"), token("p2", soon)),
        ]);
        let p = Payload::build(&regs, &tokens);
        assert_eq!(p.expires_at, Some(soon), "the earliest expiry");
        let v: serde_json::Value = serde_json::from_slice(&p.bytes).unwrap();
        let auths = v["auths"].as_object().unwrap();
        assert_eq!(auths.len(), 2);
        let e = &auths["444455556666.dkr.ecr.eu-west-1.amazonaws.com"];
        assert_eq!(e["username"], "AWS");
        assert_eq!(e["password"], "p2");
        assert_eq!(e["auth"], B64.encode("AWS:p2"));
        assert!(!format!("{p:?}").contains("p2"), "Debug is redacted");
    }

    #[test]
    fn unchanged_secret_needs_no_write_but_foreign_types_conflict() {
        let want = desired_secret("r", "ecr", "a", &payload(b"{}"));
        let none = std::collections::HashSet::new();
        assert_eq!(secret_action(None, &want, &none), SecretAction::Create);
        assert_eq!(
            secret_action(Some(&want), &want, &none),
            SecretAction::Unchanged
        );
        let mut labelled = want.clone();
        labelled
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("team".into(), "x".into());
        assert_eq!(
            secret_action(Some(&labelled), &want, &none),
            SecretAction::Unchanged
        );
        let mut changed = want.clone();
        changed.data = Some(BTreeMap::from([(
            DOCKERCONFIGJSON_KEY.into(),
            ByteString(b"{\"auths\":{}}".to_vec()),
        )]));
        assert_eq!(
            secret_action(Some(&changed), &want, &none),
            SecretAction::Update
        );
        let mut opaque = want.clone();
        opaque.type_ = Some("Opaque".into());
        assert_eq!(
            secret_action(Some(&opaque), &want, &none),
            SecretAction::Conflict(Refusal::OtherType)
        );
    }

    #[test]
    fn a_repair_takes_the_newest_payload_and_never_one_older_than_the_status() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let later = now + SignedDuration::from_hours(11);
        let earlier = now + SignedDuration::from_hours(5);
        let regs = vec![Registry::parse("111122223333.dkr.ecr.us-east-1.amazonaws.com").unwrap()];
        let payload = |password: &str, exp: Timestamp| {
            let tokens = BTreeMap::from([(
                Scope::private("us-east-1"),
                Token {
                    password: password.into(),
                    expires_at: Some(exp),
                },
            )]);
            Payload::build(&regs, &tokens)
        };
        let (old, new) = (payload("old", earlier), payload("new", later));
        let cluster = |items: &[(&str, &Payload, Timestamp, &str)]| {
            items
                .iter()
                .map(|(ns, p, exp, owner)| {
                    let stamped = Payload {
                        bytes: p.bytes.clone(),
                        expires_at: Some(*exp),
                    };
                    (ns.to_string(), desired_secret(owner, "ecr", ns, &stamped))
                })
                .collect::<HashMap<_, _>>()
        };
        // The newest of ours wins; someone else's, expired or impossibly far
        // expiries, and other registries, never.
        let far = now + SignedDuration::from_hours(30);
        let past = now - SignedDuration::from_secs(1);
        let live = cluster(&[
            ("a", &old, earlier, "r"),
            ("b", &new, later, "r"),
            ("c", &old, far, "r"),
            ("d", &old, later + SignedDuration::from_hours(1), "other"),
            ("e", &old, past, "r"),
        ]);
        assert_eq!(newest_in_cluster(&live, "r", &regs, now), Some(new.clone()));
        let more = vec![
            regs[0].clone(),
            Registry::parse("444455556666.dkr.ecr.eu-west-1.amazonaws.com").unwrap(),
        ];
        assert_eq!(newest_in_cluster(&live, "r", &more, now), None);

        let pick = |c: Option<&Payload>, k: Option<&Payload>, status: Timestamp| {
            repair_payload(c.cloned(), k.cloned(), Some(status))
        };
        // Someone refreshed after us, whether or not the status says so yet.
        for status in [later, earlier] {
            assert_eq!(
                pick(Some(&old), Some(&new), status),
                Some((new.clone(), RepairSource::Cluster))
            );
        }
        // Fetched in the same second: what is in the cluster stays.
        let same_second = payload("other", later);
        assert_eq!(
            pick(Some(&same_second), Some(&new), later),
            Some((new.clone(), RepairSource::Cluster))
        );
        // Ours is the newest (or the same): ours.
        assert_eq!(
            pick(Some(&new), Some(&old), later),
            Some((new.clone(), RepairSource::Memory))
        );
        assert_eq!(
            pick(Some(&new), Some(&new), later),
            Some((new.clone(), RepairSource::Memory))
        );
        // The status knows of a newer token than any in sight: refresh.
        assert_eq!(pick(Some(&old), None, later), None);
        assert_eq!(pick(None, None, later), None);
        // After a restart, with nothing in memory: the cluster's.
        assert_eq!(
            pick(None, Some(&new), later),
            Some((new, RepairSource::Cluster))
        );
    }
}
