//! `kubectl ecrcreds controller`: the in-cluster mode. Watches ECRPullSecret
//! resources, namespaces, managed Secrets and ServiceAccounts, and keeps every
//! target namespace's Secret fresh.

use std::net::SocketAddr;
use std::time::Duration;

use super::{GlobalArgs, exit};
use crate::controller::{self, LeaseSettings, Settings};
use crate::error::{Error, Result};
use crate::reconcile::SecretAccess;

/// Arguments of `controller`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Defaults for resources that leave fields out come from the global flags or the
original operator's environment variables: REGISTRY, AWS_REGION,
AWS_CREDENTIALS_SECRET_NAME and AWS_CREDENTIALS_SECRET_NAMESPACE.

Examples:
  kubectl ecrcreds controller --metrics-addr 127.0.0.1:8080 --leader-elect=false
  kubectl ecrcreds controller --lease-namespace ecr-system --log-format json")]
pub struct Args {
    /// Address serving /metrics, /healthz and /readyz.
    #[arg(long, default_value = "0.0.0.0:8080", value_name = "ADDR")]
    pub metrics_addr: SocketAddr,
    /// Elect a leader through a Lease so several replicas can run; only the leader writes.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub leader_elect: bool,
    /// Name of the leader-election Lease.
    #[arg(long, default_value = "kubectl-ecrcreds", value_name = "NAME")]
    pub lease_name: String,
    /// Namespace of the Lease (in a pod: its own namespace).
    #[arg(
        long,
        env = "POD_NAMESPACE",
        default_value = "default",
        value_name = "NS"
    )]
    pub lease_namespace: String,
    /// How long the Lease is held without renewal; a standby takes over after it.
    #[arg(long, default_value = "15s", value_parser = parse_duration, value_name = "DURATION")]
    pub lease_duration: Duration,
    /// This replica's identity in the Lease (default: the pod or host name).
    #[arg(long, env = "POD_NAME", value_name = "ID")]
    pub identity: Option<String>,
    /// How many namespaces are written at once for one resource.
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
    /// How many resources are reconciled at once.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub workers: u16,
    /// How long a fetched token is shared between resources with the same credentials and
    /// region that refresh at about the same time (kept well below the shortest interval, 1m).
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub token_reuse: Duration,
    /// How long triggers for one resource are gathered before a pass.
    #[arg(long, default_value = "50ms", value_parser = parse_duration, value_name = "DURATION")]
    pub debounce: Duration,
    /// Only handle ECRPullSecret resources matching this label selector (e.g. for a canary).
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// named: read, watch, patch and delete only Secrets of the names our resources use (every
    /// request carries fieldSelector=metadata.name, so RBAC resourceNames can grant exactly
    /// those), plus create; edits and deletions are repaired within seconds. read: watch our
    /// Secrets cluster-wide by label; needs get/list/watch on all Secrets.
    #[arg(long, value_enum, default_value = "named", value_name = "MODE")]
    pub secret_access: SecretAccess,
    /// Also pass over every resource this often, re-reading its targets, though nothing
    /// changed (a safety net under the watches, which see changes within seconds). Default:
    /// never; an idle cluster then costs no request at all.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub resync: Option<Duration>,
}

fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|_| format!("invalid duration {s:?}: use a number with a unit, such as 15s or 2m"))
}

/// Runs the controller until SIGTERM.
pub async fn run(global: &GlobalArgs, args: Args) -> Result<i32> {
    if args.token_reuse >= Duration::from_secs(60) {
        return Err(Error::Invalid(
            "--token-reuse must be shorter than 1m, the shortest refresh interval".into(),
        ));
    }
    if args.resync.is_some_and(|r| r < Duration::from_secs(1)) {
        return Err(Error::Invalid("--resync must be at least 1s".into()));
    }
    let lease = if args.leader_elect {
        if args.lease_duration < Duration::from_secs(2) {
            return Err(Error::Invalid(
                "--lease-duration must be at least 2s".into(),
            ));
        }
        let identity = args
            .identity
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| format!("kubectl-ecrcreds-{}", std::process::id()));
        Some(LeaseSettings {
            name: args.lease_name,
            namespace: args.lease_namespace,
            identity,
            duration: args.lease_duration,
        })
    } else {
        None
    };
    let runner = global
        .runner(
            args.concurrency.into(),
            Some(args.token_reuse),
            args.secret_access,
        )
        .await?;
    controller::run(
        runner,
        Settings {
            metrics_addr: args.metrics_addr,
            lease,
            workers: args.workers,
            debounce: args.debounce,
            selector: args.selector,
            resync: args.resync,
        },
    )
    .await?;
    Ok(exit::OK)
}
