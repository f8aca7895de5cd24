//! Plan: from what was observed and the payload, every write a pass will make,
//! decided without I/O. Which namespaces are targeted and which cannot be,
//! what to do with the Secret in each (create, update, leave, refuse a foreign
//! type, or apply blind when Secrets cannot be read), and which ServiceAccount
//! entries to add, which are there already and which ServiceAccounts are
//! missing.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;

use super::observe::{Observed, Wanted};
use super::secret::{Payload, SecretAction, desired_secret, secret_action};
use super::targets::Targets;
use crate::crd::NamespaceFailure;
use crate::kube_api::service_accounts::{Entry, pull_secret_patch};

/// Every write of a pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The namespaces to write, sorted by name.
    pub namespaces: Vec<NamespacePlan>,
    /// Targets that cannot be written now (missing, terminating), with why.
    pub unavailable: Vec<NamespaceFailure>,
}

impl Plan {
    /// All namespaces that should hold the Secret.
    pub fn desired(&self) -> usize {
        self.namespaces.len() + self.unavailable.len()
    }
}

/// What a pass does in one namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespacePlan {
    /// The namespace.
    pub namespace: String,
    /// What to do with the Secret.
    pub secret: SecretAction,
    /// Our entry in each wanted ServiceAccount, in the order they are wanted;
    /// none when the Secret is refused.
    pub service_accounts: Vec<EntryStep>,
}

/// Our `imagePullSecrets` entry in one wanted ServiceAccount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryStep {
    /// The ServiceAccount lacks it (or has it twice, from two writers racing):
    /// write it in, once.
    Add(String),
    /// There exactly once: nothing to write.
    Present(String),
    /// No ServiceAccount of that name: a failure of the namespace.
    Missing(String),
}

/// Decides every write; see the module header.
pub fn plan(observed: &Observed, payload: &Payload) -> Plan {
    let wanted = &observed.wanted;
    let targets = Targets::select(&wanted.targets, &observed.namespaces);
    let no_accounts = BTreeMap::new();
    let namespaces = targets
        .ready
        .iter()
        .map(|ns| {
            let secret = secret_action(
                observed.secrets.get(ns),
                &desired_secret(&wanted.resource, &wanted.secret_name, ns, payload),
                &observed.other_owners,
            );
            let service_accounts = if matches!(secret, SecretAction::Conflict(_)) {
                Vec::new()
            } else {
                entries(
                    wanted,
                    observed.service_accounts.get(ns).unwrap_or(&no_accounts),
                )
            };
            NamespacePlan {
                namespace: ns.clone(),
                secret,
                service_accounts,
            }
        })
        .collect();
    Plan {
        namespaces,
        unavailable: targets.unavailable,
    }
}

/// The wanted ServiceAccounts of one namespace: those named (each must
/// exist), or with `*` every one there.
fn entries(wanted: &Wanted, present: &BTreeMap<String, ServiceAccount>) -> Vec<EntryStep> {
    let names: Vec<&String> = if wanted.service_accounts.iter().any(|w| w == "*") {
        present.keys().collect()
    } else {
        wanted.service_accounts.iter().collect()
    };
    names
        .into_iter()
        .map(|name| match present.get(name) {
            None => EntryStep::Missing(name.clone()),
            Some(sa)
                if pull_secret_patch(
                    sa.image_pull_secrets.as_deref(),
                    &wanted.secret_name,
                    Entry::Add,
                )
                .is_none() =>
            {
                EntryStep::Present(name.clone())
            }
            Some(_) => EntryStep::Add(name.clone()),
        })
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    //! The plan with plain values: a cluster described in a few lines, no API
    //! server.

    use crate::reconcile::secret::Refusal;
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::sync::Arc;
    use std::time::Duration;

    use k8s_openapi::api::core::v1::{LocalObjectReference, Secret, ServiceAccount};

    use super::*;
    use crate::ecr::{CredentialsKey, CredentialsSource, Registry};
    use crate::reconcile::secret::Fingerprint;
    use crate::reconcile::targets::{NamespaceInfo, TargetSpec};

    pub fn payload(bytes: &str) -> Payload {
        Payload {
            bytes: Arc::new(bytes.as_bytes().to_vec()),
            expires_at: None,
        }
    }

    pub fn sa(ns: &str, name: &str, pull_secrets: &[&str]) -> ServiceAccount {
        let mut sa = ServiceAccount::default();
        sa.metadata.namespace = Some(ns.into());
        sa.metadata.name = Some(name.into());
        sa.image_pull_secrets = Some(
            pull_secrets
                .iter()
                .map(|n| LocalObjectReference {
                    name: n.to_string(),
                })
                .collect(),
        );
        sa
    }

    /// A cluster with `namespaces` (each with a `default` ServiceAccount) for
    /// a resource `r` writing Secret `ecr` to `targets`, with Secrets read.
    pub fn observed(targets: &[&str], namespaces: &[&str]) -> Observed {
        let namespaces: Vec<NamespaceInfo> = namespaces
            .iter()
            .map(|n| NamespaceInfo {
                name: n.to_string(),
                labels: BTreeMap::new(),
                terminating: false,
            })
            .collect();
        let service_accounts = namespaces
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    BTreeMap::from([("default".to_string(), sa(&n.name, "default", &[]))]),
                )
            })
            .collect();
        Observed {
            wanted: Wanted {
                resource: "r".into(),
                secret_name: "ecr".into(),
                interval: Duration::from_secs(6 * 3600),
                registries: vec![
                    Registry::parse("111122223333.dkr.ecr.us-east-1.amazonaws.com").unwrap(),
                ],
                targets: TargetSpec {
                    names: targets.iter().map(|s| s.to_string()).collect(),
                    selector: None,
                },
                service_accounts: vec!["default".into()],
            },
            namespaces,
            secrets: HashMap::new(),
            service_accounts,
            other_owners: HashSet::new(),
            refreshed: true,
            fingerprint: Fingerprint {
                generation: Some(1),
                credentials: CredentialsKey {
                    source: CredentialsSource::DefaultChain,
                    role_arn: None,
                    external_id: None,
                },
                registries: Vec::new(),
            },
        }
    }

    fn live(o: &mut Observed, ns: &str, secret: Secret) {
        o.secrets.insert(ns.into(), secret);
    }

    fn actions(p: &Plan) -> Vec<(&str, SecretAction)> {
        p.namespaces
            .iter()
            .map(|n| (n.namespace.as_str(), n.secret))
            .collect()
    }

    fn add(name: &str) -> EntryStep {
        EntryStep::Add(name.into())
    }

    #[test]
    fn every_available_target_gets_a_plan_and_the_rest_a_reason() {
        let o = observed(&["b", "a", "gone"], &["a", "b", "other"]);
        let p = plan(&o, &payload("{}"));
        assert_eq!(
            actions(&p),
            vec![("a", SecretAction::Create), ("b", SecretAction::Create)]
        );
        assert_eq!(
            p.unavailable,
            vec![NamespaceFailure {
                namespace: "gone".into(),
                reason: "namespace not found".into()
            }]
        );
        assert_eq!(p.desired(), 3);
    }

    #[test]
    fn no_target_at_all_plans_nothing() {
        let p = plan(&observed(&[], &["a"]), &payload("{}"));
        assert_eq!(p, Plan::default());
    }

    #[test]
    fn a_secret_is_left_when_current_and_updated_when_stale() {
        let mut o = observed(&["same", "stale", "new"], &["same", "stale", "new"]);
        let p = payload("{\"auths\":{}}");
        live(&mut o, "same", desired_secret("r", "ecr", "same", &p));
        live(
            &mut o,
            "stale",
            desired_secret("r", "ecr", "stale", &payload("old")),
        );
        assert_eq!(
            actions(&plan(&o, &p)),
            vec![
                ("new", SecretAction::Create),
                ("same", SecretAction::Unchanged),
                ("stale", SecretAction::Update),
            ]
        );
    }

    #[test]
    fn only_an_ecr_only_dockerconfigjson_of_no_live_resource_is_adopted() {
        let names = ["adopt", "opaque", "orphan", "regcred", "sibling"];
        let mut o = observed(&names, &names);
        let p = payload("{}");
        let unlabelled = |ns: &str, auths: &str| {
            let mut s = desired_secret("x", "ecr", ns, &payload(auths));
            s.metadata.labels = None;
            s
        };
        // The original operator's: ECR hosts only, no label of ours.
        let ecr =
            r#"{"auths":{"111122223333.dkr.ecr.us-east-1.amazonaws.com":{"auth":"QVdTOng="}}}"#;
        live(&mut o, "adopt", unlabelled("adopt", ecr));
        let mut opaque = desired_secret("r", "ecr", "opaque", &p);
        opaque.type_ = Some("Opaque".into());
        live(&mut o, "opaque", opaque);
        // A user's Docker Hub credentials under the same name.
        let hub = r#"{"auths":{"111122223333.dkr.ecr.us-east-1.amazonaws.com":{},"https://index.docker.io/v1/":{"auth":"dTpw"}}}"#;
        live(&mut o, "regcred", unlabelled("regcred", hub));
        // Another ECRPullSecret writing the same name there.
        live(
            &mut o,
            "sibling",
            desired_secret("other", "ecr", "sibling", &p),
        );
        o.other_owners = HashSet::from(["other".to_string()]);
        // Left by a resource deleted with Retain: ours to take over.
        live(
            &mut o,
            "orphan",
            desired_secret("gone", "ecr", "orphan", &p),
        );
        let planned = plan(&o, &p);
        assert_eq!(
            actions(&planned),
            vec![
                ("adopt", SecretAction::Update),
                ("opaque", SecretAction::Conflict(Refusal::OtherType)),
                ("orphan", SecretAction::Update),
                ("regcred", SecretAction::Conflict(Refusal::OtherRegistries)),
                ("sibling", SecretAction::Conflict(Refusal::OtherResource)),
            ]
        );
        assert_eq!(planned.namespaces[0].service_accounts, vec![add("default")]);
        for refused in planned
            .namespaces
            .iter()
            .filter(|n| n.namespace != "orphan")
            .skip(1)
        {
            assert!(
                refused.service_accounts.is_empty(),
                "a refused Secret touches no ServiceAccount"
            );
        }
        let msg = Refusal::OtherRegistries.message("regcred", "ecr");
        assert!(
            msg.starts_with(
                "Conflict: Secret regcred/ecr holds credentials for registries other than ECR"
            ),
            "{msg}"
        );
    }

    #[test]
    fn other_labels_and_data_keys_are_left_to_their_owners() {
        let mut o = observed(&["labelled", "extra-key"], &["labelled", "extra-key"]);
        let p = payload("{}");
        let mut labelled = desired_secret("r", "ecr", "labelled", &p);
        labelled
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .insert("team".into(), "a".into());
        live(&mut o, "labelled", labelled);
        let mut extra = desired_secret("r", "ecr", "extra-key", &p);
        extra
            .data
            .as_mut()
            .unwrap()
            .insert("other".into(), k8s_openapi::ByteString(b"x".to_vec()));
        live(&mut o, "extra-key", extra);
        assert_eq!(
            actions(&plan(&o, &p)),
            vec![
                ("extra-key", SecretAction::Unchanged),
                ("labelled", SecretAction::Unchanged)
            ]
        );
    }

    #[test]
    fn service_account_entries_are_added_only_where_missing_in_the_order_wanted() {
        let mut o = observed(&["a"], &["a"]);
        o.wanted.service_accounts = vec!["default".into(), "builder".into(), "ghost".into()];
        let accounts = o.service_accounts.get_mut("a").unwrap();
        accounts.insert("builder".into(), sa("a", "builder", &["theirs", "ecr"]));
        accounts.insert("twice".into(), sa("a", "twice", &["ecr", "theirs", "ecr"]));
        o.wanted.service_accounts.push("twice".into());
        let steps = &plan(&o, &payload("{}")).namespaces[0].service_accounts;
        assert_eq!(
            steps,
            &vec![
                add("default"),
                EntryStep::Present("builder".into()),
                EntryStep::Missing("ghost".into()),
                add("twice"),
            ],
            "a duplicate of ours is a write, to remove it"
        );
    }

    #[test]
    fn a_star_means_every_service_account_there_and_none_means_none() {
        let mut o = observed(&["a", "b"], &["a", "b"]);
        o.wanted.service_accounts = vec!["*".into()];
        let accounts = o.service_accounts.get_mut("a").unwrap();
        accounts.insert("zeta".into(), sa("a", "zeta", &[]));
        accounts.insert("alpha".into(), sa("a", "alpha", &["ecr"]));
        o.service_accounts.remove("b");
        let p = plan(&o, &payload("{}"));
        assert_eq!(
            p.namespaces[0].service_accounts,
            vec![
                EntryStep::Present("alpha".into()),
                add("default"),
                add("zeta")
            ]
        );
        assert!(
            p.namespaces[1].service_accounts.is_empty(),
            "'*' in a namespace without ServiceAccounts wants none"
        );
        o.wanted.service_accounts.clear();
        assert!(
            plan(&o, &payload("{}"))
                .namespaces
                .iter()
                .all(|n| n.service_accounts.is_empty())
        );
    }

    #[test]
    fn a_named_service_account_missing_from_a_namespace_is_a_step_not_a_skip() {
        let mut o = observed(&["a"], &["a"]);
        o.service_accounts.clear();
        assert_eq!(
            plan(&o, &payload("{}")).namespaces[0].service_accounts,
            vec![EntryStep::Missing("default".into())]
        );
    }
}
