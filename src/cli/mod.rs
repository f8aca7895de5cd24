//! The command line: global kubectl- and AWS-style flags, one module per
//! subcommand (each an `Args` and a `run`), and how a run becomes an exit code.

pub mod cleanup;
pub mod completions;
pub mod controller;
pub mod crd;
pub mod create;
pub mod describe;
pub mod doctor;
pub mod list;
pub mod refresh;
pub mod verify;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::events::{Recorder, Reporter};

use crate::crd::SecretRef;
use crate::ecr::{Registry, TokenSource, valid_region};
use crate::error::{Error, Result};
use crate::metrics::Metrics;
pub use crate::output::OutputFormat;
use crate::reconcile::{Defaults, Runner, SecretAccess};

/// Exit codes, as documented in `--help`.
pub mod exit {
    /// Everything succeeded.
    pub const OK: i32 = 0;
    /// The command failed; nothing or not everything was done.
    pub const FAILED: i32 = 1;
    /// The command line was wrong.
    pub const USAGE: i32 = 2;
    /// The command ran, but at least one namespace could not be brought up to date.
    pub const PARTIAL: i32 = 3;
}

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  failure: the command could not do its job (the message says why)
  2  usage error
  3  partial: the command ran, but at least one namespace failed

Examples:
  kubectl ecrcreds install
  kubectl ecrcreds refresh --all
  kubectl ecrcreds refresh team-a -o yaml";

/// Keep Kubernetes image pull secrets filled with fresh AWS ECR tokens.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl ecrcreds",
    bin_name = "kubectl ecrcreds",
    version,
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Cluster connection and AWS flags shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `-o name` prints bare names, which cannot say which cluster each is on.
pub fn refuse_names_of_several(format: OutputFormat) -> Result<()> {
    if format == OutputFormat::Name {
        return Err(Error::Invalid(
            "-o name cannot tell which cluster a name is on; with several contexts use -o json (an entry per context) or a table".into(),
        ));
    }
    Ok(())
}

/// One table over several clusters: a CONTEXT column before `headers`; each
/// row starts with its context.
pub fn context_table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut all = vec!["context"];
    all.extend_from_slice(headers);
    let mut t = crate::output::table(&all);
    t.add_rows(rows);
    crate::output::lines(&t)
}

/// The worst of several exit codes: a failure over a partial result over success.
pub fn worst_exit(codes: impl IntoIterator<Item = i32>) -> i32 {
    codes
        .into_iter()
        .max_by_key(|c| match *c {
            exit::OK => 0,
            exit::PARTIAL => 1,
            _ => 2,
        })
        .unwrap_or(exit::OK)
}

/// Flags accepted by every subcommand.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use; `list` and `refresh` take several (repeated or
    /// comma-separated) and work on each cluster at once.
    #[arg(long, global = true, value_name = "NAME", value_delimiter = ',')]
    pub context: Vec<String>,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log line format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "ECRCREDS_LOG_FORMAT")]
    pub log_format: LogFormat,
    /// AWS shared-config profile for the default credential chain.
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region for a default registry given as an account ID.
    #[arg(long, global = true, env = "AWS_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Registry for resources that list none: a host, or a 12-digit account with --region.
    #[arg(long, global = true, env = "REGISTRY", value_name = "HOST")]
    pub registry: Option<String>,
    /// Name of a Secret with AWS keys for resources that name none.
    #[arg(
        long,
        global = true,
        env = "AWS_CREDENTIALS_SECRET_NAME",
        value_name = "NAME"
    )]
    pub credentials_secret: Option<String>,
    /// Namespace of --credentials-secret.
    #[arg(
        long,
        global = true,
        env = "AWS_CREDENTIALS_SECRET_NAMESPACE",
        value_name = "NS"
    )]
    pub credentials_secret_namespace: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an ECRPullSecret from flags (asking for what is missing on a terminal).
    Create(create::Args),
    /// List ECRPullSecret resources and their state.
    List(list::Args),
    /// Show a resource's spec, conditions, every target namespace and recent events.
    Describe(describe::Args),
    /// Refresh the pull secrets of ECRPullSecret resources once, from here.
    Refresh(refresh::Args),
    /// Explain why Pods cannot pull their ECR images, with the fix for each.
    Doctor(doctor::Args),
    /// Ask each registry whether it accepts the token in the resources' Secrets.
    Verify(verify::Args),
    /// Remove managed Secrets and only our imagePullSecrets entries.
    Cleanup(cleanup::Args),
    /// Print the ECRPullSecret CRD as YAML.
    Crd(crd::PrintArgs),
    /// Install or update the ECRPullSecret CRD on the cluster (server-side apply).
    Install(crd::InstallArgs),
    /// Run the in-cluster controller that keeps every resource's Secrets fresh.
    Controller(controller::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the version.
    Version(VersionArgs),
}

/// Arguments of `version`.
#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

fn version(args: VersionArgs) -> Result<i32> {
    let v = serde_json::json!({
        "name": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "kubernetesApi": "v1.37",
    });
    let text = match args.output {
        OutputFormat::Json | OutputFormat::Yaml => crate::output::structured(&v, args.output),
        _ => format!("kubectl-ecrcreds {}\n", env!("CARGO_PKG_VERSION")),
    };
    crate::output::print(&text)?;
    Ok(exit::OK)
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl GlobalArgs {
    /// A client from --kubeconfig/--context, KUBECONFIG, ~/.kube/config, or the
    /// in-cluster service account, in that order.
    pub async fn client(&self) -> Result<Client> {
        let context = self.context.first().cloned();
        let options = KubeConfigOptions {
            context: context.clone(),
            ..Default::default()
        };
        let config = match &self.kubeconfig {
            Some(path) => {
                let kc = Kubeconfig::read_from(path).map_err(|e| {
                    Error::Config(format!(
                        "cannot read kubeconfig {}: {}; check the --kubeconfig path",
                        path.display(),
                        crate::error::root_cause(&e)
                    ))
                })?;
                kube::Config::from_custom_kubeconfig(kc, &options)
                    .await
                    .map_err(|e| kubeconfig_error(&e, context.as_deref()))?
            }
            None => match kube::Config::from_kubeconfig(&options).await {
                Ok(c) => c,
                Err(e) if context.is_some() => {
                    return Err(kubeconfig_error(&e, context.as_deref()));
                }
                Err(kube_err) => kube::Config::incluster().map_err(|_| {
                    Error::Config(format!(
                        "no usable kubeconfig ({}) and not running inside a cluster; set --kubeconfig or KUBECONFIG",
                        crate::error::root_cause(&kube_err)
                    ))
                })?,
            },
        };
        Client::try_from(config).map_err(|e| {
            Error::Config(format!(
                "cannot build a Kubernetes client: {}; check the kubeconfig's cluster and user",
                crate::error::root_cause(&e)
            ))
        })
    }

    /// The contexts a command that can work on several clusters runs on: every
    /// context in the kubeconfig with `all`, or the `--context` values when
    /// there are several; `None` for one cluster as usual.
    pub fn several_contexts(&self, all: bool) -> Result<Option<Vec<String>>> {
        if !all {
            return Ok((self.context.len() > 1).then(|| self.context.clone()));
        }
        self.all_contexts()
    }

    /// Every context of the kubeconfig, sorted.
    fn all_contexts(&self) -> Result<Option<Vec<String>>> {
        if !self.context.is_empty() {
            return Err(Error::Invalid(
                "--all-contexts and --context both name the clusters; give one of them".into(),
            ));
        }
        let read = match &self.kubeconfig {
            Some(path) => Kubeconfig::read_from(path),
            None => Kubeconfig::read(),
        };
        let kc = read.map_err(|e| {
            Error::Config(format!(
                "cannot read the kubeconfig for --all-contexts: {}; check KUBECONFIG or pass --kubeconfig",
                crate::error::root_cause(&e)
            ))
        })?;
        let mut names: Vec<String> = kc.contexts.into_iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return Err(Error::Config(
                "the kubeconfig has no contexts; add one with `kubectl config set-context`".into(),
            ));
        }
        Ok(Some(names))
    }

    /// These flags for one context.
    pub fn with_context(&self, context: &str) -> GlobalArgs {
        GlobalArgs {
            context: vec![context.to_string()],
            ..self.clone()
        }
    }

    /// The runner's defaults for resources that leave fields out, checked:
    /// `--region` must be a region and `--registry` a registry host (or an
    /// account with a region).
    pub fn defaults(&self) -> Result<Defaults> {
        let region = match self.region.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if valid_region(r) => Some(r),
            Some(r) => {
                return Err(Error::Invalid(format!(
                    "invalid --region {r:?} (or AWS_REGION): use an AWS region such as us-east-1"
                )));
            }
        };
        let registry = match self.registry.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if r.len() == 12 && r.bytes().all(|b| b.is_ascii_digit()) => {
                let region = region.ok_or_else(|| {
                    Error::Invalid(format!(
                        "registry {r} is an account ID, which needs a region; set --region or AWS_REGION"
                    ))
                })?;
                Some(Registry::for_account(r, region).map_err(Error::Invalid)?)
            }
            Some(r) => Some(Registry::parse(r).map_err(Error::Invalid)?),
        };
        let credentials = match (&self.credentials_secret, &self.credentials_secret_namespace) {
            (Some(name), ns) if !name.is_empty() => Some(SecretRef {
                name: name.clone(),
                namespace: ns
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "default".into()),
            }),
            _ => None,
        };
        Ok(Defaults {
            registry,
            credentials,
        })
    }

    /// What a reconcile runs with, from these flags: the defaults are checked
    /// before anything connects. Tokens are reused for `token_max_age`
    /// (`None`: for the whole run).
    pub async fn runner(
        &self,
        concurrency: usize,
        token_max_age: Option<std::time::Duration>,
        secret_access: SecretAccess,
    ) -> Result<Runner> {
        let defaults = self.defaults()?;
        let client = self.client().await?;
        let metrics = Arc::new(Metrics::new());
        let tokens = TokenSource::load(
            self.profile.as_deref(),
            metrics.token_calls.clone(),
            token_max_age,
        )
        .await;
        let recorder = Recorder::new(
            client.clone(),
            Reporter {
                controller: crate::crd::FIELD_MANAGER.into(),
                instance: std::env::var("HOSTNAME").ok(),
            },
        );
        Ok(Runner {
            client,
            tokens,
            defaults,
            concurrency,
            recorder,
            metrics,
            secret_access,
        })
    }
}

fn kubeconfig_error(e: &kube::config::KubeconfigError, context: Option<&str>) -> Error {
    let cause = crate::error::root_cause(e);
    match context {
        Some(c) if cause.contains(c) || cause.to_lowercase().contains("context") => {
            Error::Config(format!(
                "kubeconfig has no usable context {c:?} ({cause}); list them with `kubectl config get-contexts`"
            ))
        }
        _ => Error::Config(format!(
            "cannot load the kubeconfig: {cause}; check KUBECONFIG or pass --kubeconfig"
        )),
    }
}

/// Runs the parsed command line and returns the exit code.
pub async fn run(cli: Cli) -> Result<i32> {
    if cli.global.context.len() > 1
        && !matches!(cli.command, Command::List(_) | Command::Refresh(_))
    {
        return Err(Error::Invalid(
            "several --context values are for list and refresh only; give this command one".into(),
        ));
    }
    match cli.command {
        Command::Create(args) => create::run(&cli.global, args).await,
        Command::List(args) => list::run(&cli.global, args).await,
        Command::Describe(args) => describe::run(&cli.global, args).await,
        Command::Refresh(args) => refresh::run(&cli.global, args).await,
        Command::Doctor(args) => doctor::run(&cli.global, args).await,
        Command::Verify(args) => verify::run(&cli.global, args).await,
        Command::Cleanup(args) => cleanup::run(&cli.global, args).await,
        Command::Completions(args) => completions::run(args),
        Command::Version(args) => version(args),
        Command::Crd(args) => crd::print(args),
        Command::Install(args) => crd::install(&cli.global, args).await,
        Command::Controller(args) => controller::run(&cli.global, args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_registry_flags_are_checked_before_anything_runs() {
        let flags = |region: Option<&str>, registry: Option<&str>| GlobalArgs {
            region: region.map(String::from),
            registry: registry.map(String::from),
            ..Default::default()
        };
        let err = flags(Some("us east 1!"), None).defaults().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid --region \"us east 1!\" (or AWS_REGION): use an AWS region such as us-east-1"
        );
        let d = flags(Some("eu-west-1"), Some("111122223333"))
            .defaults()
            .unwrap();
        assert_eq!(
            d.registry.unwrap().host,
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert!(flags(None, Some("111122223333")).defaults().is_err());
        assert!(flags(Some(""), None).defaults().unwrap().registry.is_none());
    }
}
