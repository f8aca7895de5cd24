
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-ecrcreds' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-ecrcreds'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-ecrcreds' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an ECRPullSecret from flags (asking for what is missing on a terminal)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ECRPullSecret resources and their state')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a resource''s spec, conditions, every target namespace and recent events')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Refresh the pull secrets of ECRPullSecret resources once, from here')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Explain why Pods cannot pull their ECR images, with the fix for each')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Ask each registry whether it accepts the token in the resources'' Secrets')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove managed Secrets and only our imagePullSecrets entries')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the ECRPullSecret CRD as YAML')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or update the ECRPullSecret CRD on the cluster (server-side apply)')
            [CompletionResult]::new('controller', 'controller', [CompletionResultType]::ParameterValue, 'Run the in-cluster controller that keeps every resource''s Secrets fresh')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ecrcreds;create' {
            [CompletionResult]::new('--secret-name', '--secret-name', [CompletionResultType]::ParameterName, 'Name of the Secret to write in each namespace')
            [CompletionResult]::new('--namespaces', '--namespaces', [CompletionResultType]::ParameterName, 'Target namespaces (comma-separated or repeated)')
            [CompletionResult]::new('--namespace-selector', '--namespace-selector', [CompletionResultType]::ParameterName, 'Namespaces whose labels match: k=v, k!=v, k (exists), !k (absent), comma-separated')
            [CompletionResult]::new('--registries', '--registries', [CompletionResultType]::ParameterName, 'ECR registry hosts (comma-separated or repeated)')
            [CompletionResult]::new('--secret-ref', '--secret-ref', [CompletionResultType]::ParameterName, 'Secret holding AWS keys, as NAMESPACE/NAME')
            [CompletionResult]::new('--service-account-ref', '--service-account-ref', [CompletionResultType]::ParameterName, 'ServiceAccount whose token is exchanged for --role-arn (or its eks.amazonaws.com/role-arn annotation) by web identity, as NAMESPACE/NAME')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience of the --service-account-ref token (default sts.amazonaws.com)')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'IAM role to assume')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID for --role-arn')
            [CompletionResult]::new('--service-accounts', '--service-accounts', [CompletionResultType]::ParameterName, 'ServiceAccounts to patch (comma-separated; "*" for all; "" for none)')
            [CompletionResult]::new('--refresh-interval', '--refresh-interval', [CompletionResultType]::ParameterName, 'Refresh interval, between 1m and 11h')
            [CompletionResult]::new('--deletion-policy', '--deletion-policy', [CompletionResultType]::ParameterName, 'What deleting the resource does to its Secrets')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Labels for the resource, k=v comma-separated')
            [CompletionResult]::new('--labels', '--labels', [CompletionResultType]::ParameterName, 'Labels for the resource, k=v comma-separated')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the resource instead of creating it: client (locally) or server (validated, not persisted)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the created (or dry-run) resource')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the created (or dry-run) resource')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('--dual-stack-aliases', '--dual-stack-aliases', [CompletionResultType]::ParameterName, 'Also write each registry''s dual-stack host (dkr-ecr.<region>.on.aws)')
            [CompletionResult]::new('--suspend', '--suspend', [CompletionResultType]::ParameterName, 'Create it paused')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Replace an existing resource of that name instead of failing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only resources matching this label selector')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only resources matching this label selector')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context in the kubeconfig, at once, in one table with a CONTEXT column')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;describe' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (table is the human-readable description)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (table is the human-readable description)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;refresh' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'With --all: only the resources matching this label selector')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'With --all: only the resources matching this label selector')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--secret-access', '--secret-access', [CompletionResultType]::ParameterName, 'read (the default): find our Secrets by label across the cluster. named: read only Secrets of the names our resources use (as the controller''s default; what the Helm chart''s CronJob mode grants)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many namespaces to write at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Refresh every ECRPullSecret on the cluster')
            [CompletionResult]::new('--finalizers', '--finalizers', [CompletionResultType]::ParameterName, 'Keep the cleanup finalizer as the controller does: add it to resources with deletionPolicy Delete, and finish the deletion of those being deleted (their Secrets and ServiceAccount entries removed). For running without a controller (the Helm chart''s CronJob mode); without it, resources being deleted are skipped')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Every context in the kubeconfig, at once (see --context for a few)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;doctor' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace to look in (default: the kubeconfig context''s)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace to look in (default: the kubeconfig context''s)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look at Pods in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look at Pods in every namespace')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;verify' {
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Reach a registry host at this address instead of resolving it (TLS name and Host header stay the registry''s): HOST=ADDRESS:PORT, repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (wide lists the namespaces)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (wide lists the namespaces)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Verify every resource')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;cleanup' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be removed')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format for the list of objects')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format for the list of objects')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every Secret managed by kubectl-ecrcreds')
            [CompletionResult]::new('--orphans', '--orphans', [CompletionResultType]::ParameterName, 'Managed Secrets whose ECRPullSecret no longer exists')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;crd' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;install' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Seconds to wait for the API server to serve the new type')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;controller' {
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Address serving /metrics, /healthz and /readyz')
            [CompletionResult]::new('--leader-elect', '--leader-elect', [CompletionResultType]::ParameterName, 'Elect a leader through a Lease so several replicas can run; only the leader writes')
            [CompletionResult]::new('--lease-name', '--lease-name', [CompletionResultType]::ParameterName, 'Name of the leader-election Lease')
            [CompletionResult]::new('--lease-namespace', '--lease-namespace', [CompletionResultType]::ParameterName, 'Namespace of the Lease (in a pod: its own namespace)')
            [CompletionResult]::new('--lease-duration', '--lease-duration', [CompletionResultType]::ParameterName, 'How long the Lease is held without renewal; a standby takes over after it')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'This replica''s identity in the Lease (default: the pod or host name)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many namespaces are written at once for one resource')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'How many resources are reconciled at once')
            [CompletionResult]::new('--token-reuse', '--token-reuse', [CompletionResultType]::ParameterName, 'How long a fetched token is shared between resources with the same credentials and region that refresh at about the same time (kept well below the shortest interval, 1m)')
            [CompletionResult]::new('--debounce', '--debounce', [CompletionResultType]::ParameterName, 'How long triggers for one resource are gathered before a pass')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only handle ECRPullSecret resources matching this label selector (e.g. for a canary)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only handle ECRPullSecret resources matching this label selector (e.g. for a canary)')
            [CompletionResult]::new('--secret-access', '--secret-access', [CompletionResultType]::ParameterName, 'named: read, watch, patch and delete only Secrets of the names our resources use (every request carries fieldSelector=metadata.name, so RBAC resourceNames can grant exactly those), plus create; edits and deletions are repaired within seconds. read: watch our Secrets cluster-wide by label; needs get/list/watch on all Secrets')
            [CompletionResult]::new('--resync', '--resync', [CompletionResultType]::ParameterName, 'Also pass over every resource this often, re-reading its targets, though nothing changed (a safety net under the watches, which see changes within seconds). Default: never; an idle cluster then costs no request at all')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;completions' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log line format on stderr')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS shared-config profile for the default credential chain')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region for a default registry given as an account ID')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for resources that list none: a host, or a 12-digit account with --region')
            [CompletionResult]::new('--credentials-secret', '--credentials-secret', [CompletionResultType]::ParameterName, 'Name of a Secret with AWS keys for resources that name none')
            [CompletionResult]::new('--credentials-secret-namespace', '--credentials-secret-namespace', [CompletionResultType]::ParameterName, 'Namespace of --credentials-secret')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-ecrcreds;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an ECRPullSecret from flags (asking for what is missing on a terminal)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ECRPullSecret resources and their state')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show a resource''s spec, conditions, every target namespace and recent events')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Refresh the pull secrets of ECRPullSecret resources once, from here')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Explain why Pods cannot pull their ECR images, with the fix for each')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Ask each registry whether it accepts the token in the resources'' Secrets')
            [CompletionResult]::new('cleanup', 'cleanup', [CompletionResultType]::ParameterValue, 'Remove managed Secrets and only our imagePullSecrets entries')
            [CompletionResult]::new('crd', 'crd', [CompletionResultType]::ParameterValue, 'Print the ECRPullSecret CRD as YAML')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install or update the ECRPullSecret CRD on the cluster (server-side apply)')
            [CompletionResult]::new('controller', 'controller', [CompletionResultType]::ParameterValue, 'Run the in-cluster controller that keeps every resource''s Secrets fresh')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-ecrcreds;help;create' {
            break
        }
        'kubectl-ecrcreds;help;list' {
            break
        }
        'kubectl-ecrcreds;help;describe' {
            break
        }
        'kubectl-ecrcreds;help;refresh' {
            break
        }
        'kubectl-ecrcreds;help;doctor' {
            break
        }
        'kubectl-ecrcreds;help;verify' {
            break
        }
        'kubectl-ecrcreds;help;cleanup' {
            break
        }
        'kubectl-ecrcreds;help;crd' {
            break
        }
        'kubectl-ecrcreds;help;install' {
            break
        }
        'kubectl-ecrcreds;help;controller' {
            break
        }
        'kubectl-ecrcreds;help;completions' {
            break
        }
        'kubectl-ecrcreds;help;version' {
            break
        }
        'kubectl-ecrcreds;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
