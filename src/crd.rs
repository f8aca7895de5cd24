//! The `ECRPullSecret` custom resource: its Rust types, from which the CRD (with
//! its OpenAPI validation and CEL rules) is generated, and the defaults that make
//! the original operator's two-field resources keep working unchanged.

use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector, Time};
use kube::{CustomResource, CustomResourceExt, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The API group, shared with the operator this project replaces.
pub const GROUP: &str = "alchemy.com";
/// Field manager for every write this tool makes, so the API server can tell
/// what we own.
pub const FIELD_MANAGER: &str = "kubectl-ecrcreds";
/// Label put on every Secret we write.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// Value of [`MANAGED_BY_LABEL`].
pub const MANAGED_BY_VALUE: &str = "kubectl-ecrcreds";
/// Label naming the `ECRPullSecret` a Secret belongs to.
pub const OWNER_LABEL: &str = "alchemy.com/ecrpullsecret";
/// Annotation carrying the earliest token expiry in the Secret (RFC 3339).
pub const EXPIRES_ANNOTATION: &str = "alchemy.com/token-expires-at";
/// Annotation on an `ECRPullSecret` that asks the controller for an immediate
/// refresh: set it to any new value (a timestamp is customary).
pub const REFRESH_ANNOTATION: &str = "alchemy.com/refresh-requested-at";
/// Finalizer added while `deletionPolicy: Delete`, so Secrets and ServiceAccount
/// entries are removed before the resource goes.
pub const FINALIZER: &str = "alchemy.com/cleanup";

/// A DNS-1123 subdomain (Secret and ServiceAccount names), as the schema checks it.
const DNS_SUBDOMAIN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/// A DNS-1123 label (namespace names), as the schema checks it.
const DNS_LABEL: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

/// Default refresh interval: the original operator's fixed timer.
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(6 * 3600);
/// Shortest refresh interval the schema accepts.
pub const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// Longest refresh interval the schema accepts: ECR tokens live 12 hours, so
/// anything longer would let a Secret go stale.
pub const MAX_REFRESH_INTERVAL: Duration = Duration::from_secs(11 * 3600);

/// Keeps a `kubernetes.io/dockerconfigjson` Secret filled with a fresh AWS ECR
/// token in every target namespace.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "alchemy.com",
    version = "v1alpha1",
    kind = "ECRPullSecret",
    plural = "ecrpullsecrets",
    singular = "ecrpullsecret",
    shortname = "ecrps",
    status = "ECRPullSecretStatus",
    derive = "PartialEq",
    doc = "Keeps an image pull Secret filled with fresh AWS ECR tokens in a set of namespaces.",
    printcolumn = r#"{"name":"Secret","type":"string","jsonPath":".spec.secretName"}"#,
    printcolumn = r#"{"name":"Namespaces","type":"integer","description":"Number of target namespaces","jsonPath":".status.namespaces.desired"}"#,
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    // A "date" column shows an age, and kubectl prints `<invalid>` for a time
    // in the future; an expiry is always in the future while it matters.
    printcolumn = r#"{"name":"Expires","type":"string","description":"Earliest token expiry (UTC)","jsonPath":".status.expiresAt"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[x_kube(validation = Rule::new("has(self.namespaces) || has(self.namespaceSelector)").message("set namespaces, namespaceSelector or both"))]
#[serde(rename_all = "camelCase")]
pub struct ECRPullSecretSpec {
    /// Name of the Secret written into every target namespace (a DNS-1123 subdomain).
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = DNS_SUBDOMAIN)
    )]
    pub secret_name: String,

    /// Namespaces that get the Secret. Namespaces that do not exist are reported in
    /// the status and picked up once they are created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(
        length(min = 1, max = 63),
        regex(pattern = DNS_LABEL)
    ))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub namespaces: Option<Vec<String>>,

    /// Namespaces whose labels match this selector get the Secret too, including
    /// namespaces created or relabelled later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,

    /// ECR registry hosts written into the Secret:
    /// `<account>.dkr.ecr[-fips].<region>.amazonaws.com`, dual-stack
    /// `<account>.dkr-ecr[-fips].<region>.on.aws`, the China
    /// (`.amazonaws.com.cn`, `.on.amazonwebservices.com.cn`), ISO
    /// (`.c2s.ic.gov`, `.sc2s.sgov.gov`, `.cloud.adc-e.uk`, `.csp.hci.ic.gov`)
    /// and European Sovereign Cloud (`.amazonaws.eu`,
    /// `.on.amazonwebservices.eu`) forms, or `public.ecr.aws` (ECR Public,
    /// tokens from us-east-1). The region comes from the host. Default: the
    /// registry the controller or plugin was started with (`--registry` or
    /// `REGISTRY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(regex(pattern = crate::ecr::schema_pattern())))]
    #[schemars(length(max = 64), extend("x-kubernetes-list-type" = "set"))]
    pub registries: Option<Vec<String>>,

    /// Also write each IPv4 registry's dual-stack host next to it
    /// (`….dkr.ecr.<region>.amazonaws.com` → `….dkr-ecr.<region>.on.aws`), with
    /// the same token, so Pods pulling by either name find credentials.
    /// Partitions without dual-stack endpoints (ISO) get no alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dual_stack_aliases: Option<bool>,

    /// AWS credentials used to fetch tokens. Default: the runner's AWS default
    /// chain (environment, profile, IRSA, Pod Identity, instance role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,

    /// ServiceAccounts in each target namespace that get the Secret added to their
    /// `imagePullSecrets`; entries owned by others are never touched. `[]` patches
    /// none, `["*"]` patches all. Default: `[default]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(inner(
        length(min = 1, max = 253),
        regex(pattern = r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$")
    ))]
    #[schemars(length(max = 64), extend("x-kubernetes-list-type" = "set"))]
    #[x_kube(validation = Rule::new("!self.exists(s, s == '*') || size(self) == 1").message("'*' must be the only entry"))]
    pub service_accounts: Option<Vec<String>>,

    /// How often tokens are refreshed, as a duration such as `6h` or `90m`
    /// (between 1m and 11h). Default: 6h. A refresh also happens before the
    /// token expires, whichever comes first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^([0-9]+h)?([0-9]+m)?([0-9]+s)?$"),
        length(min = 2, max = 16)
    )]
    #[x_kube(validation = Rule::new("duration(self) >= duration('1m') && duration(self) <= duration('11h')").message("refreshInterval must be between 1m and 11h"))]
    pub refresh_interval: Option<String>,

    /// What happens to the written Secrets and ServiceAccount entries when this
    /// resource is deleted: `Retain` (default, the original behaviour) leaves them,
    /// `Delete` removes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,

    /// Pauses refreshing while true; existing Secrets are left as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
}

/// Where the AWS credentials come from.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq, Hash)]
#[x_kube(validation = Rule::new("!has(self.externalId) || has(self.roleArn)").message("externalId needs roleArn"))]
#[x_kube(validation = Rule::new("!has(self.secretRef) || !has(self.serviceAccountRef)").message("set secretRef or serviceAccountRef, not both"))]
#[x_kube(validation = Rule::new("!has(self.serviceAccountRef) || !has(self.externalId)").message("externalId is for keys assuming a role; a serviceAccountRef's role is assumed with its web identity"))]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// A Secret holding `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally
    /// `AWS_SESSION_TOKEN`. Without it (and without `serviceAccountRef`) the
    /// default chain is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretRef>,

    /// A ServiceAccount whose token (asked of the API server by TokenRequest)
    /// is exchanged with `sts:AssumeRoleWithWebIdentity` for `roleArn`, or for
    /// the role in its `eks.amazonaws.com/role-arn` annotation: keyless access
    /// once IAM trusts the cluster's ServiceAccount issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_ref: Option<ServiceAccountRef>,

    /// IAM role to assume on top of the base credentials, e.g. for another
    /// account; with `serviceAccountRef`, the role its web identity assumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$"))]
    pub role_arn: Option<String>,

    /// External ID passed when assuming `roleArn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224), regex(pattern = r"^[\w+=,.@:/-]+$"))]
    pub external_id: Option<String>,
}

/// A reference to a Secret in a given namespace.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecretRef {
    /// Name of the Secret.
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = DNS_SUBDOMAIN)
    )]
    pub name: String,
    /// Namespace of the Secret.
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = DNS_LABEL)
    )]
    pub namespace: String,
}

/// A ServiceAccount whose token stands for AWS credentials.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceAccountRef {
    /// Name of the ServiceAccount.
    #[schemars(
        length(min = 1, max = 253),
        regex(pattern = DNS_SUBDOMAIN)
    )]
    pub name: String,
    /// Namespace of the ServiceAccount.
    #[schemars(
        length(min = 1, max = 63),
        regex(pattern = DNS_LABEL)
    )]
    pub namespace: String,
    /// Audience of the token, as the IAM OIDC provider expects. Default
    /// `sts.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253), regex(pattern = r"^[^\s]+$"))]
    pub audience: Option<String>,
}

/// The audience a ServiceAccount token is asked for by default, as EKS uses.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";
/// The ServiceAccount annotation naming the role its web identity assumes (IRSA's).
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";

/// What to do with written Secrets when the resource is deleted.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DeletionPolicy {
    /// Leave Secrets and ServiceAccount entries in place.
    #[default]
    Retain,
    /// Remove the Secrets and our ServiceAccount entries.
    Delete,
}

/// Observed state, written after every pass.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ECRPullSecretStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Standard conditions; `Ready` says whether every target namespace holds a fresh Secret.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// When tokens were last fetched and written successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_refresh_time: Option<Time>,
    /// Earliest expiry among the tokens in the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    /// When the next refresh is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_refresh_time: Option<Time>,
    /// Per-namespace counts and failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<NamespaceStatus>,
    /// The value of the `alchemy.com/refresh-requested-at` annotation that the
    /// last refresh honoured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_refresh_request: Option<String>,
}

/// Counts of target namespaces.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceStatus {
    /// Namespaces that should hold the Secret.
    pub desired: u32,
    /// Namespaces whose Secret and ServiceAccounts are up to date.
    pub ready: u32,
    /// Namespaces that could not be brought up to date, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<NamespaceFailure>,
}

/// One namespace that could not be brought up to date.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
pub struct NamespaceFailure {
    /// The namespace.
    pub namespace: String,
    /// Why, in one sentence.
    pub reason: String,
}

impl ECRPullSecretSpec {
    /// The ServiceAccounts to patch; the original operator patched `default`.
    pub fn service_accounts(&self) -> Vec<String> {
        self.service_accounts
            .clone()
            .unwrap_or_else(|| vec!["default".to_string()])
    }

    /// The deletion policy, `Retain` when unset.
    pub fn deletion_policy(&self) -> DeletionPolicy {
        self.deletion_policy.unwrap_or_default()
    }

    /// Whether refreshing is paused.
    pub fn suspended(&self) -> bool {
        self.suspend.unwrap_or(false)
    }

    /// The refresh interval, parsed and range-checked. The schema already
    /// rejects bad values; this guards against resources written before it.
    pub fn refresh_interval(&self) -> Result<Duration, String> {
        match &self.refresh_interval {
            None => Ok(DEFAULT_REFRESH_INTERVAL),
            Some(s) => parse_interval(s),
        }
    }
}

/// Parses a refresh interval (`6h`, `90m`, `1h30m`) and checks it lies in 1m..=11h.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|_| {
        format!("invalid duration {s:?}: use a number with h, m or s, such as 6h or 90m")
    })?;
    if d < MIN_REFRESH_INTERVAL || d > MAX_REFRESH_INTERVAL {
        return Err(format!(
            "refresh interval {s} is out of range: it must be between 1m and 11h"
        ));
    }
    Ok(d)
}

/// The CRD as YAML, exactly what `kubectl ecrcreds crd` prints and `chart/crds/` holds.
pub fn crd_yaml() -> String {
    serde_yaml::to_string(&ECRPullSecret::crd()).expect("the CRD always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_operator_shape_deserializes_with_original_defaults() {
        let spec: ECRPullSecretSpec =
            serde_json::from_str(r#"{"secretName":"ecr","namespaces":["a","b"]}"#).unwrap();
        assert_eq!(spec.service_accounts(), vec!["default"]);
        assert_eq!(spec.deletion_policy(), DeletionPolicy::Retain);
        assert_eq!(spec.refresh_interval().unwrap(), DEFAULT_REFRESH_INTERVAL);
        assert!(!spec.suspended());
    }

    #[test]
    fn interval_parsing_accepts_the_schema_range_only() {
        assert_eq!(parse_interval("90m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_interval("1h30m").unwrap(), Duration::from_secs(5400));
        assert!(parse_interval("30s").is_err());
        assert!(parse_interval("12h").is_err());
        assert!(parse_interval("soon").is_err());
    }

    #[test]
    fn crd_carries_status_subresource_and_validation() {
        let crd = serde_json::to_value(ECRPullSecret::crd()).unwrap();
        let version = &crd["spec"]["versions"][0];
        assert!(version["subresources"]["status"].is_object());
        let text = crd.to_string();
        assert!(text.contains("x-kubernetes-validations"));
        assert!(text.contains("duration('11h')"));
        assert_eq!(crd["spec"]["scope"], "Cluster");
    }
}
