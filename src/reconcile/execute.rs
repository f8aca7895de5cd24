//! Execute: the writes of a [`Plan`], a bounded number of namespaces at a
//! time. A failure stays in its namespace: the others go on.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, stream};

use super::Runner;
use super::observe::Observed;
use super::plan::{EntryStep, NamespacePlan, Plan};
use super::report::{NamespaceReport, SecretResult};
use super::secret::{Payload, Refusal, SecretAction, desired_secret};
use crate::kube_api;
use crate::kube_api::service_accounts::Entry;

/// How far a pass is, for a progress display to poll.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// Namespaces done and namespaces the pass writes.
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    fn start(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    fn one_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Carries out the plan; one report per planned namespace, in no set order.
pub async fn execute(
    runner: &Runner,
    observed: &Observed,
    plan: &Plan,
    payload: &Payload,
    progress: Option<&Progress>,
) -> Vec<NamespaceReport> {
    if let Some(p) = progress {
        p.start(plan.namespaces.len());
    }
    // Owned steps: a stream of borrowed ones makes a future the compiler
    // cannot prove Send for the controller.
    stream::iter(plan.namespaces.iter().cloned())
        .map(|step| async move {
            let report = namespace(runner, observed, &step, payload).await;
            if let Some(p) = progress {
                p.one_done();
            }
            report
        })
        .buffer_unordered(runner.concurrency.max(1))
        .collect()
        .await
}

/// The Secret, then the ServiceAccount entries, of one namespace.
async fn namespace(
    runner: &Runner,
    observed: &Observed,
    step: &NamespacePlan,
    payload: &Payload,
) -> NamespaceReport {
    let wanted = &observed.wanted;
    let ns = step.namespace.as_str();
    let mut report = NamespaceReport::untouched(ns);
    let action = if step.secret.writes() {
        runner.metrics.secret_applied();
        let desired = desired_secret(&wanted.resource, &wanted.secret_name, ns, payload);
        match kube_api::secrets::apply(&runner.client, &desired).await {
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
            Ok(None) => SecretAction::Conflict(Refusal::OtherType),
            Ok(Some(_)) => step.secret,
        }
    } else {
        step.secret
    };
    report.secret = match action {
        SecretAction::Conflict(why) => {
            report.error = Some(why.message(ns, &wanted.secret_name));
            return report;
        }
        SecretAction::Create => SecretResult::Created,
        SecretAction::Unchanged => SecretResult::Unchanged,
        SecretAction::Update => SecretResult::Updated,
    };

    let mut errors = Vec::new();
    let accounts = observed.service_accounts.get(ns);
    for entry in &step.service_accounts {
        let (name, sa) = match entry {
            EntryStep::Present(name) => {
                report.service_accounts.push(name.clone());
                continue;
            }
            EntryStep::Add(name) => (name, accounts.and_then(|a| a.get(name))),
            EntryStep::Missing(name) => (name, None),
        };
        let Some(sa) = sa else {
            errors.push(format!("serviceaccount {name} not found"));
            continue;
        };
        match kube_api::service_accounts::edit_pull_secret(
            &runner.client,
            sa.clone(),
            &wanted.secret_name,
            Entry::Add,
        )
        .await
        {
            Ok(wrote) => {
                if wrote {
                    report.patched.push(name.clone());
                }
                report.service_accounts.push(name.clone());
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    report
}
