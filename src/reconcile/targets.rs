//! Target namespaces: the resource's `namespaces` ∪ the namespaces its
//! `namespaceSelector` matches (evaluated with kube's [`Selector`]), split into
//! those that can be written and those that cannot, with why. Pure.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::ResourceExt;
use kube::core::{PartialObjectMeta, Selector, SelectorExt};

use crate::crd::{ECRPullSecretSpec, NamespaceFailure};

/// What we need to know of a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceInfo {
    /// Its name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Whether it is being deleted.
    pub terminating: bool,
}

impl NamespaceInfo {
    /// The parts of a namespace's metadata that targeting uses.
    pub fn from_meta(n: PartialObjectMeta<Namespace>) -> Self {
        NamespaceInfo {
            terminating: n.metadata.deletion_timestamp.is_some(),
            name: n.name_any(),
            labels: n.metadata.labels.unwrap_or_default(),
        }
    }
}

/// Which namespaces a resource asks for, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetSpec {
    /// Named namespaces.
    pub names: Vec<String>,
    /// Namespaces whose labels match.
    pub selector: Option<Selector>,
}

impl TargetSpec {
    /// The spec's `namespaces` and `namespaceSelector`; a selector the API
    /// server could not evaluate is refused with a sentence saying why.
    pub fn from_spec(spec: &ECRPullSecretSpec) -> Result<Self, String> {
        Ok(TargetSpec {
            names: spec.namespaces.clone().unwrap_or_default(),
            selector: spec.namespace_selector.as_ref().map(selector).transpose()?,
        })
    }
}

/// A `namespaceSelector` as a kube [`Selector`]. An `In` or `NotIn` without
/// values is taken as an empty set (`In` matches nothing, `NotIn` everything).
fn selector(s: &LabelSelector) -> Result<Selector, String> {
    let mut s = s.clone();
    for req in s.match_expressions.iter_mut().flatten() {
        match req.operator.as_str() {
            "In" | "NotIn" => {
                req.values.get_or_insert_with(Vec::new);
            }
            "Exists" | "DoesNotExist" => {}
            other => {
                return Err(format!(
                    "namespaceSelector has unknown operator {other:?}: use In, NotIn, Exists or DoesNotExist"
                ));
            }
        }
    }
    Selector::try_from(s).map_err(|e| format!("namespaceSelector cannot be used: {e}"))
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
    /// Resolves `namespaces` ∪ selector matches against the cluster's
    /// namespaces. A named namespace that is missing or terminating is
    /// reported, not targeted.
    pub fn select(spec: &TargetSpec, cluster: &[NamespaceInfo]) -> Self {
        let by_name: BTreeMap<&str, &NamespaceInfo> =
            cluster.iter().map(|n| (n.name.as_str(), n)).collect();
        let mut ready = BTreeSet::new();
        let mut unavailable = Vec::new();
        for name in &spec.names {
            let why = match by_name.get(name.as_str()) {
                None => "namespace not found",
                Some(ns) if ns.terminating => "namespace is terminating",
                Some(_) => {
                    ready.insert(name.clone());
                    continue;
                }
            };
            unavailable.push(NamespaceFailure {
                namespace: name.clone(),
                reason: why.into(),
            });
        }
        if let Some(selector) = &spec.selector {
            for ns in cluster {
                if !ns.terminating && selector.matches(&ns.labels) {
                    ready.insert(ns.name.clone());
                }
            }
        }
        unavailable.sort_by(|a, b| a.namespace.cmp(&b.namespace));
        unavailable.dedup();
        Targets {
            ready: ready.into_iter().collect(),
            unavailable,
        }
    }

    /// All namespaces that should hold the Secret.
    pub fn desired(&self) -> usize {
        self.ready.len() + self.unavailable.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn ns(name: &str, labels: &[(&str, &str)]) -> NamespaceInfo {
        NamespaceInfo {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            terminating: false,
        }
    }

    fn spec(namespaces: &[&str], selector: Option<serde_json::Value>) -> ECRPullSecretSpec {
        let mut v = serde_json::json!({"secretName": "ecr", "namespaces": namespaces});
        if let Some(s) = selector {
            v["namespaceSelector"] = s;
        }
        serde_json::from_value(v).unwrap()
    }

    fn select(spec: &ECRPullSecretSpec, cluster: &[NamespaceInfo]) -> Targets {
        Targets::select(&TargetSpec::from_spec(spec).unwrap(), cluster)
    }

    #[test]
    fn missing_and_terminating_namespaces_are_reported_not_targeted() {
        let mut gone = ns("gone", &[]);
        gone.terminating = true;
        let cluster = [ns("a", &[]), ns("b", &[]), gone];
        let t = select(&spec(&["b", "a", "nope", "gone", "nope"], None), &cluster);
        assert_eq!(t.ready, vec!["a", "b"]);
        let reasons: Vec<_> = t
            .unavailable
            .iter()
            .map(|f| (f.namespace.as_str(), f.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("gone", "namespace is terminating"),
                ("nope", "namespace not found")
            ]
        );
        assert_eq!(t.desired(), 4);
    }

    #[test]
    fn selector_adds_matching_namespaces_once_but_never_terminating_ones() {
        let s = spec(
            &["a"],
            Some(serde_json::json!({
                "matchLabels": {"pull": "yes"},
                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["legacy"]}],
            })),
        );
        let mut leaving = ns("e", &[("pull", "yes")]);
        leaving.terminating = true;
        let cluster = [
            ns("a", &[("pull", "yes")]),
            ns("b", &[("pull", "yes")]),
            ns("c", &[("pull", "yes"), ("tier", "legacy")]),
            ns("d", &[]),
            leaving,
        ];
        assert_eq!(select(&s, &cluster).ready, vec!["a", "b"]);
    }

    #[test]
    fn every_operator_matches_as_the_api_server_does() {
        let cluster = [
            ns("gold", &[("tier", "gold")]),
            ns("iron", &[("tier", "iron")]),
            ns("bare", &[]),
        ];
        let with = |op: &str, values: Option<&[&str]>| {
            let req = LabelSelectorRequirement {
                key: "tier".into(),
                operator: op.into(),
                values: values.map(|v| v.iter().map(|s| s.to_string()).collect()),
            };
            let mut s = spec(&[], None);
            s.namespace_selector = Some(LabelSelector {
                match_expressions: Some(vec![req]),
                match_labels: None,
            });
            select(&s, &cluster).ready
        };
        assert_eq!(with("In", Some(&["gold"])), vec!["gold"]);
        assert_eq!(with("NotIn", Some(&["gold"])), vec!["bare", "iron"]);
        assert_eq!(with("Exists", None), vec!["gold", "iron"]);
        assert_eq!(with("DoesNotExist", None), vec!["bare"]);
        // Without values: an empty set.
        assert!(with("In", None).is_empty());
        assert_eq!(with("NotIn", None).len(), 3);
        // An empty selector matches every namespace.
        let mut all = spec(&[], None);
        all.namespace_selector = Some(LabelSelector::default());
        assert_eq!(select(&all, &cluster).ready.len(), 3);
    }

    #[test]
    fn an_unknown_operator_is_refused_naming_it() {
        let s = spec(
            &[],
            Some(serde_json::json!({"matchExpressions": [{"key": "a", "operator": "Near"}]})),
        );
        let err = TargetSpec::from_spec(&s).unwrap_err();
        assert!(err.contains("unknown operator \"Near\""), "{err}");
    }
}
