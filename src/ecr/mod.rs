//! ECR registry hosts ([`hosts`]) and authorization tokens.
//!
//! One `GetAuthorizationToken` call is made per (credentials, scope) group, a
//! scope being a private region or ECR Public: a token is valid for every
//! registry of its scope that the credentials can reach, so asking once per
//! namespace (as the original operator did) is waste. Credentials are the
//! default chain, keys from a Secret, or a ServiceAccount's web identity, with
//! a role assumed on top where asked.
//! Types that hold token or key material ([`Token`], [`ResolvedCredentials`],
//! and the payload built from tokens) print nothing secret in `Debug`, and
//! errors are built from AWS error codes, never from request or response
//! bodies.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials as AwsCredentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use futures::future::BoxFuture;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Secret;
use prometheus_client::metrics::counter::Counter;
use tokio::sync::Mutex;

use crate::crd::SecretRef;

pub mod hosts;
pub use hosts::{
    PARTITIONS, PUBLIC_HOST, Partition, Registry, Scope, Service, partition_of, schema_pattern,
    valid_region,
};

/// The scopes (private regions, ECR Public) of `registries`: one token per
/// credentials serves every registry of a scope.
pub fn scopes(registries: &[Registry]) -> BTreeSet<Scope> {
    registries.iter().map(Registry::scope).collect()
}

/// Where a group's base credentials come from; the part of the credentials that
/// decides grouping. Holds no secret material.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CredentialsSource {
    /// The runner's AWS default chain.
    DefaultChain,
    /// Keys read from a Secret, at the version they were read at: an edited
    /// Secret is other credentials.
    Secret(SecretVersion),
    /// A ServiceAccount's token (TokenRequest) exchanged for the role's
    /// credentials with `AssumeRoleWithWebIdentity`.
    ServiceAccount {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
        /// The token's audience.
        audience: String,
    },
}

/// A Secret at one resourceVersion.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretVersion {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The resourceVersion it was read at.
    pub resource_version: String,
}

/// The identity a token is fetched as: base credentials plus an optional role.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialsKey {
    /// Base credentials.
    pub source: CredentialsSource,
    /// Role assumed on top, if any.
    pub role_arn: Option<String>,
    /// External ID for the role, if any.
    pub external_id: Option<String>,
}

impl fmt::Display for CredentialsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            CredentialsSource::DefaultChain => f.write_str("the AWS default credential chain")?,
            CredentialsSource::Secret(s) => {
                write!(f, "the keys in Secret {}/{}", s.namespace, s.name)?
            }
            CredentialsSource::ServiceAccount {
                namespace, name, ..
            } => {
                write!(f, "ServiceAccount {namespace}/{name}'s web identity")?;
                if let Some(role) = &self.role_arn {
                    return write!(f, " as {role}");
                }
            }
        }
        if let Some(role) = &self.role_arn {
            write!(f, " assuming {role}")?;
        }
        Ok(())
    }
}

/// Asks for a web identity token (a ServiceAccount's, by TokenRequest); the
/// error is one sentence without the token.
pub type WebIdentityToken =
    Arc<dyn Fn() -> BoxFuture<'static, Result<String, String>> + Send + Sync>;

/// Credentials ready to use: the key plus, for a Secret source, the keys
/// themselves, or for a ServiceAccount source, how to get its token.
#[derive(Clone)]
pub struct ResolvedCredentials {
    /// What identifies these credentials.
    pub key: CredentialsKey,
    /// Static keys from a Secret; `None` means the default chain.
    /// `aws_credential_types::Credentials` redacts its secrets in `Debug`.
    pub keys: Option<AwsCredentials>,
    /// For a ServiceAccount source: fetches its token when a call needs one.
    pub web_identity: Option<WebIdentityToken>,
}

impl fmt::Debug for ResolvedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedCredentials")
            .field("key", &self.key)
            .field("keys", &self.keys)
            .field("web_identity", &self.web_identity.is_some())
            .finish()
    }
}

/// The keys a credentials Secret holds.
const SECRET_KEYS: &str =
    "keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN";

impl ResolvedCredentials {
    /// The default chain (with `role_arn` on top, if given).
    pub fn default_chain(role_arn: Option<String>, external_id: Option<String>) -> Self {
        ResolvedCredentials {
            key: CredentialsKey {
                source: CredentialsSource::DefaultChain,
                role_arn,
                external_id,
            },
            keys: None,
            web_identity: None,
        }
    }

    /// A ServiceAccount's web identity, exchanged for `role_arn`'s credentials.
    pub fn service_account(
        namespace: &str,
        name: &str,
        audience: &str,
        role_arn: String,
        token: WebIdentityToken,
    ) -> Self {
        ResolvedCredentials {
            key: CredentialsKey {
                source: CredentialsSource::ServiceAccount {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                    audience: audience.to_string(),
                },
                role_arn: Some(role_arn),
                external_id: None,
            },
            keys: None,
            web_identity: Some(token),
        }
    }

    /// The keys in a credentials Secret (with `role_arn` on top, if given).
    /// Errors name the Secret and the key, never a value.
    pub fn from_secret(
        r: &SecretRef,
        secret: &Secret,
        role_arn: Option<String>,
        external_id: Option<String>,
    ) -> Result<Self, String> {
        let what = format!("credentials Secret {}/{}", r.namespace, r.name);
        let data = secret.data.as_ref();
        let value = |key: &str| -> Result<Option<String>, String> {
            let Some(raw) = data.and_then(|d| d.get(key)) else {
                return Ok(None);
            };
            match std::str::from_utf8(&raw.0).map(str::trim) {
                Ok("") => Err(format!(
                    "{what} has an empty {key}; put the value in it ({SECRET_KEYS})"
                )),
                Ok(v) => Ok(Some(v.to_string())),
                Err(_) => Err(format!(
                    "{what} has an {key} that is not text; put the value in it as plain text ({SECRET_KEYS})"
                )),
            }
        };
        let required = |key: &str| {
            value(key)?.ok_or_else(|| format!("{what} has no {key} key; add it ({SECRET_KEYS})"))
        };
        let id = required("AWS_ACCESS_KEY_ID")?;
        let key = required("AWS_SECRET_ACCESS_KEY")?;
        // An optional key left empty is as good as absent.
        let session = value("AWS_SESSION_TOKEN").unwrap_or(None);
        Ok(ResolvedCredentials {
            key: CredentialsKey {
                source: CredentialsSource::Secret(SecretVersion {
                    namespace: r.namespace.clone(),
                    name: r.name.clone(),
                    resource_version: secret.metadata.resource_version.clone().unwrap_or_default(),
                }),
                role_arn,
                external_id,
            },
            keys: Some(AwsCredentials::new(id, key, session, None, "SecretRef")),
            web_identity: None,
        })
    }
}

/// An ECR password and when it expires. Never logged: `Debug` is redacted.
#[derive(Clone)]
pub struct Token {
    /// The registry password (the part after `AWS:`).
    pub password: String,
    /// When ECR says the token expires.
    pub expires_at: Option<Timestamp>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("password", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a token could not be had, in words for a person.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No credentials anywhere in the chain.
    #[error(
        "no AWS credentials found (tried environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the shared profile in ~/.aws, web identity (IRSA), container credentials (EKS Pod Identity/ECS) and{imds}); set credentials for one of them or set spec.credentials.secretRef"
    )]
    NoCredentials {
        /// How the instance-metadata step went.
        imds: String,
    },
    /// AWS answered 403 or an auth error code.
    #[error(
        "AWS rejected the credentials ({detail}) while fetching an ECR token in {region} with {creds}; check {what} {actions}"
    )]
    Rejected {
        /// Region asked.
        region: String,
        /// Credentials used (no secrets).
        creds: String,
        /// Code or status.
        detail: String,
        /// The IAM actions the call needs.
        actions: &'static str,
        /// What to check: the keys, or the role.
        what: &'static str,
    },
    /// STS refused the role.
    #[error("could not assume role {role} in {region} ({detail}); {hint}")]
    AssumeRole {
        /// The role.
        role: String,
        /// Region asked.
        region: String,
        /// Code or status.
        detail: String,
        /// What to check.
        hint: &'static str,
    },
    /// The ServiceAccount token could not be had.
    #[error("no web identity token for {account}: {detail}")]
    WebIdentity {
        /// `namespace/name`.
        account: String,
        /// Why, with the next step.
        detail: String,
    },
    /// ECR throttled us.
    #[error("ECR throttled the token request in {region}; it will be retried with backoff")]
    Throttled {
        /// Region asked.
        region: String,
    },
    /// The endpoint could not be reached.
    #[error(
        "could not reach ECR in {region} ({detail}); check network access to the endpoint{endpoint}"
    )]
    Unreachable {
        /// Region asked.
        region: String,
        /// What failed.
        detail: String,
        /// The endpoint override, if any.
        endpoint: String,
    },
    /// Anything else ECR said.
    #[error("ECR refused the token request in {region}: {detail}")]
    Other {
        /// Region asked.
        region: String,
        /// Code and message.
        detail: String,
    },
}

impl TokenError {
    /// Short machine-readable reason, for status conditions and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            TokenError::NoCredentials { .. } => "NoCredentials",
            TokenError::Rejected { .. } => "CredentialsRejected",
            TokenError::AssumeRole { .. } => "AssumeRoleFailed",
            TokenError::WebIdentity { .. } => "ServiceAccountTokenFailed",
            TokenError::Throttled { .. } => "Throttled",
            TokenError::Unreachable { .. } => "EcrUnreachable",
            TokenError::Other { .. } => "TokenFetchFailed",
        }
    }
}

/// One cached token and when it was fetched, filled by the first asker while
/// the others wait.
type TokenSlot = Arc<Mutex<Option<(Token, Instant)>>>;

/// What a token is cached by: who asks, and for what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct TokenKey {
    credentials: CredentialsKey,
    scope: Scope,
}

/// Fetches ECR tokens; counts its calls and shares each token between the
/// resources that need it while it is young.
pub struct TokenSource {
    base: SdkConfig,
    calls: Counter,
    max_age: Option<Duration>,
    cache: Mutex<HashMap<TokenKey, TokenSlot>>,
}

impl TokenSource {
    /// Loads the AWS base configuration: `AWS_*` environment, the profile, and
    /// `AWS_ENDPOINT_URL` (how tests reach moto). A token is reused for
    /// `max_age` (`None`: for the life of this source, as in a one-shot run).
    pub async fn load(profile: Option<&str>, calls: Counter, max_age: Option<Duration>) -> Self {
        // Bounded waits: a stalled endpoint must fail the pass (and be retried
        // with backoff) rather than hang it.
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .operation_attempt_timeout(Duration::from_secs(10))
            .operation_timeout(Duration::from_secs(30))
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts);
        if let Some(p) = profile {
            loader = loader.profile_name(p);
        }
        TokenSource {
            base: loader.load().await,
            calls,
            max_age,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The token for `scope` as `creds`, fetched once per (credentials, scope)
    /// while the cached one is young enough; concurrent askers share one call.
    /// `fresh_after` refuses a token fetched before that instant (an explicit
    /// refresh request wants a new one).
    pub async fn token(
        &self,
        creds: &ResolvedCredentials,
        scope: &Scope,
        fresh_after: Option<Instant>,
    ) -> Result<Token, TokenError> {
        let slot = {
            let mut cache = self.cache.lock().await;
            // Slots no one is filling and whose token is too old to share are
            // dropped: the cache holds only what the last `max_age` fetched,
            // not one slot per credentials Secret version ever seen.
            if let Some(max) = self.max_age {
                cache.retain(|_, slot| match slot.try_lock() {
                    Ok(held) => held.as_ref().is_some_and(|(_, at)| at.elapsed() < max),
                    Err(_) => true,
                });
            }
            cache
                .entry(TokenKey {
                    credentials: creds.key.clone(),
                    scope: scope.clone(),
                })
                .or_default()
                .clone()
        };
        let mut slot = slot.lock().await;
        if let Some((token, at)) = slot.as_ref()
            && self.max_age.is_none_or(|max| at.elapsed() < max)
            && fresh_after.is_none_or(|t| *at >= t)
        {
            return Ok(token.clone());
        }
        let token = self.fetch(creds, scope).await?;
        *slot = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// How many (credentials, scope) slots the cache holds.
    pub async fn cached(&self) -> usize {
        self.cache.lock().await.len()
    }

    async fn fetch(&self, creds: &ResolvedCredentials, scope: &Scope) -> Result<Token, TokenError> {
        let region = scope.region.as_str();
        let mut conf = self
            .base
            .clone()
            .into_builder()
            .region(Region::new(region.to_string()));
        if let Some(keys) = &creds.keys {
            conf = conf.credentials_provider(SharedCredentialsProvider::new(keys.clone()));
        }
        let mut conf = conf.build();

        let assumed = match (&creds.web_identity, &creds.key.role_arn) {
            (Some(token), Some(role)) => Some(
                self.assume_web_identity(creds, scope, role, token, &conf)
                    .await?,
            ),
            (None, Some(role)) => {
                let sts = aws_sdk_sts::Client::new(&conf);
                let out = sts
                    .assume_role()
                    .role_arn(role)
                    .role_session_name(SESSION_NAME)
                    .set_external_id(creds.key.external_id.clone())
                    .send()
                    .await
                    .map_err(|e| self.classify(e, scope, creds, Some((role, ROLE_HINT))))?;
                Some(session_credentials(
                    out.credentials(),
                    role,
                    scope,
                    "AssumeRole",
                )?)
            }
            _ => None,
        };
        if let Some(assumed) = assumed {
            conf = conf
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(assumed))
                .build();
        }

        self.calls.inc();
        let (encoded, expires_at) = match scope.service {
            Service::Private => {
                tracing::debug!(region, credentials = %creds.key, "calling ecr:GetAuthorizationToken");
                let out = aws_sdk_ecr::Client::new(&conf)
                    .get_authorization_token()
                    .send()
                    .await
                    .map_err(|e| self.classify(e, scope, creds, None))?;
                let data = out
                    .authorization_data()
                    .first()
                    .ok_or_else(|| TokenError::Other {
                        region: scope.to_string(),
                        detail: "the response held no authorization data".into(),
                    })?;
                (
                    data.authorization_token().unwrap_or_default().to_string(),
                    data.expires_at().copied(),
                )
            }
            Service::Public => {
                tracing::debug!(region, credentials = %creds.key, "calling ecr-public:GetAuthorizationToken");
                let out = aws_sdk_ecrpublic::Client::new(&conf)
                    .get_authorization_token()
                    .send()
                    .await
                    .map_err(|e| self.classify(e, scope, creds, None))?;
                let data = out.authorization_data().ok_or_else(|| TokenError::Other {
                    region: scope.to_string(),
                    detail: "the response held no authorization data".into(),
                })?;
                (
                    data.authorization_token().unwrap_or_default().to_string(),
                    data.expires_at().copied(),
                )
            }
        };
        let password = decode_authorization_token(&encoded).ok_or_else(|| TokenError::Other {
            region: scope.to_string(),
            detail: "the authorization token was not base64 of AWS:<password>".into(),
        })?;
        let expires_at =
            expires_at.and_then(|t| Timestamp::new(t.secs(), t.subsec_nanos() as i32).ok());
        Ok(Token {
            password,
            expires_at,
        })
    }

    /// A ServiceAccount token exchanged for `role`'s credentials. The STS call
    /// is unsigned: the token is the proof.
    async fn assume_web_identity(
        &self,
        creds: &ResolvedCredentials,
        scope: &Scope,
        role: &str,
        token: &WebIdentityToken,
        conf: &SdkConfig,
    ) -> Result<AwsCredentials, TokenError> {
        let account = match &creds.key.source {
            CredentialsSource::ServiceAccount {
                namespace, name, ..
            } => format!("ServiceAccount {namespace}/{name}"),
            _ => "the web identity".to_string(),
        };
        let jwt = token()
            .await
            .map_err(|detail| TokenError::WebIdentity { account, detail })?;
        let out = aws_sdk_sts::Client::new(conf)
            .assume_role_with_web_identity()
            .role_arn(role)
            .role_session_name(SESSION_NAME)
            .web_identity_token(jwt)
            .send()
            .await
            .map_err(|e| self.classify(e, scope, creds, Some((role, WEB_IDENTITY_HINT))))?;
        session_credentials(out.credentials(), role, scope, "AssumeRoleWithWebIdentity")
    }

    /// Turns any SDK error into one sentence, using codes and statuses only.
    fn classify<E, R>(
        &self,
        err: SdkError<E, R>,
        scope: &Scope,
        creds: &ResolvedCredentials,
        role: Option<(&str, &'static str)>,
    ) -> TokenError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug + HasStatus + 'static,
    {
        let region = scope.to_string();
        let creds_desc = creds.key.to_string();
        let status = err.raw_response().map(|r| r.status_code());
        let code = err.code().map(str::to_string);
        let message = err.message().map(str::to_string);

        // Missing credentials surface deep in the source chain.
        if find_source::<CredentialsError>(&err).is_some_and(|c| {
            matches!(
                c,
                CredentialsError::CredentialsNotLoaded(_) | CredentialsError::ProviderError(_)
            )
        }) && creds.keys.is_none()
            && creds.web_identity.is_none()
        {
            let imds = if std::env::var("AWS_EC2_METADATA_DISABLED")
                .is_ok_and(|v| v.eq_ignore_ascii_case("true"))
            {
                " the EC2 instance metadata service (disabled by AWS_EC2_METADATA_DISABLED)".into()
            } else {
                " the EC2 instance metadata service".into()
            };
            return TokenError::NoCredentials { imds };
        }

        let detail = match (&code, status) {
            (Some(c), Some(s)) => format!("{c}, HTTP {s}"),
            (Some(c), None) => c.clone(),
            (None, Some(s)) => format!("HTTP {s}"),
            (None, None) => String::new(),
        };
        const AUTH_CODES: &[&str] = &[
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "ExpiredTokenException",
            "ExpiredToken",
            "AccessDeniedException",
            "AccessDenied",
            "IncompleteSignature",
            "MissingAuthenticationToken",
        ];
        let auth_failure = status == Some(403)
            || status == Some(401)
            || code.as_deref().is_some_and(|c| AUTH_CODES.contains(&c));

        if let Some((role, hint)) = role
            && (status.is_some() || code.is_some())
        {
            let detail = match (&message, auth_failure) {
                (Some(m), _) => format!("{detail}: {m}"),
                (None, true) => format!("{detail}: the base credentials were rejected"),
                (None, false) => detail,
            };
            return TokenError::AssumeRole {
                role: role.to_string(),
                region,
                detail,
                hint,
            };
        }
        if auth_failure {
            return TokenError::Rejected {
                region,
                creds: creds_desc,
                detail,
                actions: scope.iam_actions(),
                what: if creds.web_identity.is_some() || creds.key.role_arn.is_some() {
                    "that the role allows"
                } else {
                    "the keys and that they allow"
                },
            };
        }
        if code.as_deref().is_some_and(|c| c.contains("Throttl")) || status == Some(429) {
            return TokenError::Throttled { region };
        }
        if matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
        ) {
            let detail = match &err {
                SdkError::TimeoutError(_) => "timed out".to_string(),
                SdkError::DispatchFailure(d) if d.is_timeout() => "timed out".to_string(),
                SdkError::DispatchFailure(d) if d.is_io() => "connection failed".to_string(),
                _ => "request could not be sent".to_string(),
            };
            let endpoint = self
                .base
                .endpoint_url()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            return TokenError::Unreachable {
                region,
                detail,
                endpoint,
            };
        }
        let detail = match message {
            Some(m) if !detail.is_empty() => format!("{detail}: {m}"),
            Some(m) => m,
            None if !detail.is_empty() => detail,
            None => "unexpected response".into(),
        };
        TokenError::Other { region, detail }
    }
}

/// Access to an HTTP status on the SDK's raw response type.
pub trait HasStatus {
    /// The HTTP status code.
    fn status_code(&self) -> u16;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// The session name of every role we assume, as CloudTrail shows it.
const SESSION_NAME: &str = "kubectl-ecrcreds";
/// What to check when a role cannot be assumed with keys.
const ROLE_HINT: &str = "check the role's trust policy and externalId";
/// What to check when a role cannot be assumed with a ServiceAccount token.
const WEB_IDENTITY_HINT: &str = "check that the role trusts the cluster's ServiceAccount issuer as an OIDC provider, for this ServiceAccount's subject and the token's audience";

/// The temporary credentials an STS answer holds.
fn session_credentials(
    c: Option<&aws_sdk_sts::types::Credentials>,
    role: &str,
    scope: &Scope,
    provider: &'static str,
) -> Result<AwsCredentials, TokenError> {
    let c = c.ok_or_else(|| TokenError::AssumeRole {
        role: role.to_string(),
        region: scope.to_string(),
        detail: "STS returned no credentials".into(),
        hint: ROLE_HINT,
    })?;
    Ok(AwsCredentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        provider,
    ))
}

fn find_source<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        cur = e.source();
    }
    None
}

/// Decodes ECR's `base64("AWS:<password>")` into the password.
pub fn decode_authorization_token(encoded: &str) -> Option<String> {
    let raw = B64.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, password) = text.split_once(':')?;
    (user == "AWS" && !password.is_empty()).then(|| password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_tokens_decode_to_the_password_only() {
        let enc = B64.encode("AWS:s3cr3t");
        assert_eq!(decode_authorization_token(&enc).as_deref(), Some("s3cr3t"));
        assert_eq!(decode_authorization_token(&B64.encode("bob:x")), None);
        assert_eq!(decode_authorization_token("%%%"), None);
    }

    fn secret(data: &[(&str, &[u8])]) -> Secret {
        let mut s = Secret::default();
        s.metadata.resource_version = Some("42".into());
        s.data = Some(
            data.iter()
                .map(|(k, v)| (k.to_string(), k8s_openapi::ByteString(v.to_vec())))
                .collect(),
        );
        s
    }

    #[test]
    fn credentials_secrets_are_read_by_version_and_refused_key_by_key() {
        let r = SecretRef {
            name: "aws".into(),
            namespace: "ops".into(),
        };
        let read = |data: &[(&str, &[u8])]| {
            ResolvedCredentials::from_secret(&r, &secret(data), None, None)
        };
        let good = read(&[
            ("AWS_ACCESS_KEY_ID", b"AKIAX"),
            ("AWS_SECRET_ACCESS_KEY", b"hunter2 \n"),
            ("AWS_SESSION_TOKEN", b""),
        ])
        .unwrap();
        assert_eq!(
            good.key.source,
            CredentialsSource::Secret(SecretVersion {
                namespace: "ops".into(),
                name: "aws".into(),
                resource_version: "42".into(),
            })
        );
        assert_eq!(good.key.to_string(), "the keys in Secret ops/aws");
        assert!(!format!("{good:?}").contains("hunter2"));

        let missing = read(&[("AWS_ACCESS_KEY_ID", b"AKIAX")]).unwrap_err();
        assert!(
            missing
                .starts_with("credentials Secret ops/aws has no AWS_SECRET_ACCESS_KEY key; add it"),
            "{missing}"
        );
        let empty =
            read(&[("AWS_ACCESS_KEY_ID", b" "), ("AWS_SECRET_ACCESS_KEY", b"k")]).unwrap_err();
        assert!(
            empty.starts_with("credentials Secret ops/aws has an empty AWS_ACCESS_KEY_ID;"),
            "{empty}"
        );
        let binary = read(&[
            ("AWS_ACCESS_KEY_ID", &[0xff, 0xfe]),
            ("AWS_SECRET_ACCESS_KEY", b"k"),
        ])
        .unwrap_err();
        assert!(
            binary.contains("AWS_ACCESS_KEY_ID that is not text"),
            "{binary}"
        );
    }

    #[test]
    fn token_debug_never_shows_the_password() {
        let t = Token {
            password: "hunter2".into(),
            expires_at: None,
        };
        assert!(!format!("{t:?}").contains("hunter2"));
    }
}
