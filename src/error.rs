//! The library's error type. Every variant names the operation and the object,
//! and its text ends with what to do next. No variant carries secret material.

use crate::ecr::TokenError;

/// Errors at the library boundary.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kubernetes API call failed.
    #[error("{}", describe_kube_error(.op, .source))]
    Kube {
        /// What we were doing, e.g. `apply Secret payments/ecr-pull`.
        op: String,
        /// The client error.
        #[source]
        source: kube::Error,
    },
    /// The CRD is not installed on the cluster.
    #[error(
        "the ECRPullSecret CRD (ecrpullsecrets.alchemy.com) is not installed on this cluster; run `kubectl ecrcreds install`"
    )]
    CrdMissing,
    /// A named resource does not exist.
    #[error("ECRPullSecret {name:?} not found{hint}")]
    NotFound {
        /// The name asked for.
        name: String,
        /// A suggestion, starting with `; `.
        hint: String,
    },
    /// No usable kubeconfig or cluster connection settings.
    #[error("{0}")]
    Config(String),
    /// Input the user can fix.
    #[error("{0}")]
    Invalid(String),
    /// An ECR token could not be fetched.
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl Error {
    /// Wraps a client error with the operation it came from.
    pub fn kube(op: impl Into<String>, source: kube::Error) -> Self {
        let op = op.into();
        if is_crd_missing(&source, &op) {
            return Error::CrdMissing;
        }
        Error::Kube { op, source }
    }
}

/// A 404 on the resource type itself (not on one object) means the CRD is missing.
fn is_crd_missing(err: &kube::Error, op: &str) -> bool {
    match err {
        // An unknown resource type answers with a plain-text 404, or with the
        // generic "could not find the requested resource"; a missing object
        // answers with a NotFound Status naming it.
        kube::Error::Api(s) => {
            s.code == 404
                && op.contains("ECRPullSecret")
                && (s.message.contains("page not found")
                    || s.message.contains("could not find the requested resource"))
        }
        _ => false,
    }
}

/// One sentence for a failed API call: what failed, why, and what to do.
pub fn describe_kube_error(op: &str, err: &kube::Error) -> String {
    match err {
        kube::Error::Api(s) if s.code == 403 => format!(
            "forbidden: the current user may not {op} ({}); ask a cluster admin for that RBAC permission",
            s.message
        ),
        kube::Error::Api(s) if s.code == 401 => format!(
            "the cluster rejected the credentials in the kubeconfig while trying to {op}; log in again or pick another --context"
        ),
        kube::Error::Api(s) if s.code == 404 => {
            format!("failed to {op}: not found ({})", s.message)
        }
        kube::Error::Api(s) if s.code == 409 => {
            format!("failed to {op}: conflict ({}); try again", s.message)
        }
        kube::Error::Api(s) if s.code == 422 => {
            format!("the API server rejected the request to {op}: {}", s.message)
        }
        kube::Error::Api(s) => format!("failed to {op}: {} (HTTP {})", s.message, s.code),
        kube::Error::HyperError(_) | kube::Error::Service(_) => format!(
            "cannot reach the Kubernetes API server to {op} ({}); check that the cluster is up and that --kubeconfig/--context point at it",
            root_cause(err)
        ),
        other => format!("failed to {op}: {}", root_cause(other)),
    }
}

/// The innermost message of an error chain: usually the useful part.
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// "; did you mean ...?" for the closest names, or advice to list them: the
/// hint of a [`Error::NotFound`].
pub fn suggest(name: &str, candidates: &[String]) -> String {
    let mut near: Vec<(usize, &String)> = candidates
        .iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, c)| {
            *d <= 2.max(name.len() / 3) || c.contains(name) || name.contains(c.as_str())
        })
        .collect();
    near.sort();
    match near.as_slice() {
        [] => "; list them with `kubectl ecrcreds list` or `kubectl get ecrps`".into(),
        list => format!(
            "; did you mean {}?",
            list.iter()
                .take(3)
                .map(|(_, c)| format!("{c:?}"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_name_close_matches_first() {
        let names = vec!["team-a".to_string(), "team-b".into(), "payments".into()];
        assert_eq!(
            suggest("teama", &names),
            "; did you mean \"team-a\" or \"team-b\"?"
        );
        assert!(suggest("zzzzzzzz", &names).contains("kubectl ecrcreds list"));
    }
}
