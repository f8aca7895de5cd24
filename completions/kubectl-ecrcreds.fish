# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_ecrcreds_global_optspecs
    string join \n kubeconfig= context= v/verbose log-format= profile= region= registry= credentials-secret= credentials-secret-namespace= h/help V/version
end

function __fish_kubectl_ecrcreds_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_ecrcreds_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_ecrcreds_using_subcommand
    set -l cmd (__fish_kubectl_ecrcreds_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "create" -d 'Create an ECRPullSecret from flags (asking for what is missing on a terminal)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "list" -d 'List ECRPullSecret resources and their state'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "describe" -d 'Show a resource\'s spec, conditions, every target namespace and recent events'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "refresh" -d 'Refresh the pull secrets of ECRPullSecret resources once, from here'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "doctor" -d 'Explain why Pods cannot pull their ECR images, with the fix for each'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "verify" -d 'Ask each registry whether it accepts the token in the resources\' Secrets'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "cleanup" -d 'Remove managed Secrets and only our imagePullSecrets entries'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "crd" -d 'Print the ECRPullSecret CRD as YAML'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "install" -d 'Install or update the ECRPullSecret CRD on the cluster (server-side apply)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "controller" -d 'Run the in-cluster controller that keeps every resource\'s Secrets fresh'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "version" -d 'Print the version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l secret-name -d 'Name of the Secret to write in each namespace' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l namespaces -d 'Target namespaces (comma-separated or repeated)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l namespace-selector -d 'Namespaces whose labels match: k=v, k!=v, k (exists), !k (absent), comma-separated' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l registries -d 'ECR registry hosts (comma-separated or repeated)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l secret-ref -d 'Secret holding AWS keys, as NAMESPACE/NAME' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l service-account-ref -d 'ServiceAccount whose token is exchanged for --role-arn (or its eks.amazonaws.com/role-arn annotation) by web identity, as NAMESPACE/NAME' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l audience -d 'Audience of the --service-account-ref token (default sts.amazonaws.com)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l role-arn -d 'IAM role to assume' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l external-id -d 'External ID for --role-arn' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l service-accounts -d 'ServiceAccounts to patch (comma-separated; "*" for all; "" for none)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l refresh-interval -d 'Refresh interval, between 1m and 11h' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l deletion-policy -d 'What deleting the resource does to its Secrets' -r -f -a "Retain\t'Leave Secrets when the resource is deleted'
Delete\t'Remove Secrets when the resource is deleted'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s l -l labels -d 'Labels for the resource, k=v comma-separated' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l dry-run -d 'Print the resource instead of creating it: client (locally) or server (validated, not persisted)' -r -f -a "client\t''
server\t''
none\t''"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s o -l output -d 'Output format of the created (or dry-run) resource' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l dual-stack-aliases -d 'Also write each registry\'s dual-stack host (dkr-ecr.<region>.on.aws)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l suspend -d 'Create it paused'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -l overwrite -d 'Replace an existing resource of that name instead of failing'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s y -l yes -d 'Never prompt'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand create" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -s o -l output -d 'Output format' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -s l -l selector -d 'Only resources matching this label selector' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -l all-contexts -d 'Every context in the kubeconfig, at once, in one table with a CONTEXT column'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand list" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -s o -l output -d 'Output format (table is the human-readable description)' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand describe" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -s l -l selector -d 'With --all: only the resources matching this label selector' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -s o -l output -d 'Output format' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l secret-access -d 'read (the default): find our Secrets by label across the cluster. named: read only Secrets of the names our resources use (as the controller\'s default; what the Helm chart\'s CronJob mode grants)' -r -f -a "named\t'Read, watch, patch and delete only Secrets of our resources\' names (every request names them with `fieldSelector=metadata.name=…`, which RBAC `resourceNames` can grant), plus create'
read\t'List and watch Secrets cluster-wide (by label), read those named like ours'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l concurrency -d 'How many namespaces to write at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l all -d 'Refresh every ECRPullSecret on the cluster'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l finalizers -d 'Keep the cleanup finalizer as the controller does: add it to resources with deletionPolicy Delete, and finish the deletion of those being deleted (their Secrets and ServiceAccount entries removed). For running without a controller (the Helm chart\'s CronJob mode); without it, resources being deleted are skipped'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -l all-contexts -d 'Every context in the kubeconfig, at once (see --context for a few)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand refresh" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s n -l namespace -d 'The namespace to look in (default: the kubeconfig context\'s)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s o -l output -d 'Output format' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s A -l all-namespaces -d 'Look at Pods in every namespace'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l connect-to -d 'Reach a registry host at this address instead of resolving it (TLS name and Host header stay the registry\'s): HOST=ADDRESS:PORT, repeatable' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -s o -l output -d 'Output format (wide lists the namespaces)' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -l all -d 'Verify every resource'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand verify" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l dry-run -d 'Only list what would be removed' -r -f -a "client\t''
server\t''
none\t''"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -s o -l output -d 'Output format for the list of objects' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l all -d 'Every Secret managed by kubectl-ecrcreds'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -l orphans -d 'Managed Secrets whose ECRPullSecret no longer exists'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -s y -l yes -d 'Do not ask for confirmation'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand cleanup" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand crd" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l wait -d 'Seconds to wait for the API server to serve the new type' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand install" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l metrics-addr -d 'Address serving /metrics, /healthz and /readyz' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l leader-elect -d 'Elect a leader through a Lease so several replicas can run; only the leader writes' -r -f -a "true\t''
false\t''"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l lease-name -d 'Name of the leader-election Lease' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l lease-namespace -d 'Namespace of the Lease (in a pod: its own namespace)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l lease-duration -d 'How long the Lease is held without renewal; a standby takes over after it' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l identity -d 'This replica\'s identity in the Lease (default: the pod or host name)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l concurrency -d 'How many namespaces are written at once for one resource' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l workers -d 'How many resources are reconciled at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l token-reuse -d 'How long a fetched token is shared between resources with the same credentials and region that refresh at about the same time (kept well below the shortest interval, 1m)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l debounce -d 'How long triggers for one resource are gathered before a pass' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -s l -l selector -d 'Only handle ECRPullSecret resources matching this label selector (e.g. for a canary)' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l secret-access -d 'named: read, watch, patch and delete only Secrets of the names our resources use (every request carries fieldSelector=metadata.name, so RBAC resourceNames can grant exactly those), plus create; edits and deletions are repaired within seconds. read: watch our Secrets cluster-wide by label; needs get/list/watch on all Secrets' -r -f -a "named\t'Read, watch, patch and delete only Secrets of our resources\' names (every request names them with `fieldSelector=metadata.name=…`, which RBAC `resourceNames` can grant), plus create'
read\t'List and watch Secrets cluster-wide (by label), read those named like ours'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l resync -d 'Also pass over every resource this often, re-reading its targets, though nothing changed (a safety net under the watches, which see changes within seconds). Default: never; an idle cluster then costs no request at all' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand controller" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "table\t'A table for people'
wide\t'A table with more columns'
json\t'JSON'
yaml\t'YAML'
name\t'`kind/name` only (where it applies)'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)' -r -F
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l context -d 'The kubeconfig context to use; `list` and `refresh` take several (repeated or comma-separated) and work on each cluster at once' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l log-format -d 'Log line format on stderr' -r -f -a "text\t'Human-readable lines'
json\t'One JSON object per line'"
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l profile -d 'AWS shared-config profile for the default credential chain' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l region -d 'AWS region for a default registry given as an account ID' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l registry -d 'Registry for resources that list none: a host, or a 12-digit account with --region' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l credentials-secret -d 'Name of a Secret with AWS keys for resources that name none' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -l credentials-secret-namespace -d 'Namespace of --credentials-secret' -r
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand version" -s V -l version -d 'Print version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "create" -d 'Create an ECRPullSecret from flags (asking for what is missing on a terminal)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "list" -d 'List ECRPullSecret resources and their state'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "describe" -d 'Show a resource\'s spec, conditions, every target namespace and recent events'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "refresh" -d 'Refresh the pull secrets of ECRPullSecret resources once, from here'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "doctor" -d 'Explain why Pods cannot pull their ECR images, with the fix for each'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "verify" -d 'Ask each registry whether it accepts the token in the resources\' Secrets'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "cleanup" -d 'Remove managed Secrets and only our imagePullSecrets entries'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "crd" -d 'Print the ECRPullSecret CRD as YAML'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "install" -d 'Install or update the ECRPullSecret CRD on the cluster (server-side apply)'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "controller" -d 'Run the in-cluster controller that keeps every resource\'s Secrets fresh'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "completions" -d 'Print a shell completion script'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "version" -d 'Print the version'
complete -c kubectl-ecrcreds -n "__fish_kubectl_ecrcreds_using_subcommand help; and not __fish_seen_subcommand_from create list describe refresh doctor verify cleanup crd install controller completions version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
