#compdef kubectl-ecrcreds

autoload -U is-at-least

_kubectl-ecrcreds() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_kubectl-ecrcreds_commands" \
"*::: :->kubectl ecrcreds" \
&& ret=0
    case $state in
    (kubectl ecrcreds)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-ecrcreds-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
'--secret-name=[Name of the Secret to write in each namespace]:NAME:_default' \
'*--namespaces=[Target namespaces (comma-separated or repeated)]:NS,...:_default' \
'--namespace-selector=[Namespaces whose labels match\: k=v, k!=v, k (exists), !k (absent), comma-separated]:SELECTOR:_default' \
'*--registries=[ECR registry hosts (comma-separated or repeated)]:HOST,...:_default' \
'--secret-ref=[Secret holding AWS keys, as NAMESPACE/NAME]:NS/NAME:_default' \
'(--secret-ref)--service-account-ref=[ServiceAccount whose token is exchanged for --role-arn (or its eks.amazonaws.com/role-arn annotation) by web identity, as NAMESPACE/NAME]:NS/NAME:_default' \
'--audience=[Audience of the --service-account-ref token (default sts.amazonaws.com)]:AUDIENCE:_default' \
'--role-arn=[IAM role to assume]:ARN:_default' \
'(--service-account-ref)--external-id=[External ID for --role-arn]:ID:_default' \
'*--service-accounts=[ServiceAccounts to patch (comma-separated; "*" for all; "" for none)]::SA,...:_default' \
'--refresh-interval=[Refresh interval, between 1m and 11h]:DURATION:_default' \
'--deletion-policy=[What deleting the resource does to its Secrets]:POLICY:((Retain\:"Leave Secrets when the resource is deleted"
Delete\:"Remove Secrets when the resource is deleted"))' \
'*-l+[Labels for the resource, k=v comma-separated]:K=V,...:_default' \
'*--labels=[Labels for the resource, k=v comma-separated]:K=V,...:_default' \
'--dry-run=[Print the resource instead of creating it\: client (locally) or server (validated, not persisted)]::MODE:(client server none)' \
'-o+[Output format of the created (or dry-run) resource]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format of the created (or dry-run) resource]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'--dual-stack-aliases[Also write each registry'\''s dual-stack host (dkr-ecr.<region>.on.aws)]' \
'--suspend[Create it paused]' \
'--overwrite[Replace an existing resource of that name instead of failing]' \
'-y[Never prompt]' \
'--yes[Never prompt]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Name of the ECRPullSecret:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'-l+[Only resources matching this label selector]:SELECTOR:_default' \
'--selector=[Only resources matching this label selector]:SELECTOR:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'--all-contexts[Every context in the kubeconfig, at once, in one table with a CONTEXT column]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format (table is the human-readable description)]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format (table is the human-readable description)]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- The ECRPullSecret to describe:_default' \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
'-l+[With --all\: only the resources matching this label selector]:SELECTOR:_default' \
'--selector=[With --all\: only the resources matching this label selector]:SELECTOR:_default' \
'-o+[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--secret-access=[read (the default)\: find our Secrets by label across the cluster. named\: read only Secrets of the names our resources use (as the controller'\''s default; what the Helm chart'\''s CronJob mode grants)]:MODE:((named\:"Read, watch, patch and delete only Secrets of our resources'\'' names (every request names them with \`fieldSelector=metadata.name=…\`, which RBAC \`resourceNames\` can grant), plus create"
read\:"List and watch Secrets cluster-wide (by label), read those named like ours"))' \
'--concurrency=[How many namespaces to write at once]:N:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'--all[Refresh every ECRPullSecret on the cluster]' \
'--finalizers[Keep the cleanup finalizer as the controller does\: add it to resources with deletionPolicy Delete, and finish the deletion of those being deleted (their Secrets and ServiceAccount entries removed). For running without a controller (the Helm chart'\''s CronJob mode); without it, resources being deleted are skipped]' \
'--all-contexts[Every context in the kubeconfig, at once (see --context for a few)]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::names -- ECRPullSecret resources to refresh:_default' \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
'(-A --all-namespaces)-n+[The namespace to look in (default\: the kubeconfig context'\''s)]:NS:_default' \
'(-A --all-namespaces)--namespace=[The namespace to look in (default\: the kubeconfig context'\''s)]:NS:_default' \
'-o+[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'()-A[Look at Pods in every namespace]' \
'()--all-namespaces[Look at Pods in every namespace]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::pod -- One Pod to check (default\: every Pod in the namespace):_default' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'*--connect-to=[Reach a registry host at this address instead of resolving it (TLS name and Host header stay the registry'\''s)\: HOST=ADDRESS\:PORT, repeatable]:HOST=ADDR:PORT:_default' \
'-o+[Output format (wide lists the namespaces)]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format (wide lists the namespaces)]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'--all[Verify every resource]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::names -- ECRPullSecret resources to verify:_default' \
&& ret=0
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
'--dry-run=[Only list what would be removed]::MODE:(client server none)' \
'-o+[Output format for the list of objects]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format for the list of objects]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'(--orphans)--all[Every Secret managed by kubectl-ecrcreds]' \
'--orphans[Managed Secrets whose ECRPullSecret no longer exists]' \
'-y[Do not ask for confirmation]' \
'--yes[Do not ask for confirmation]' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::names -- Resources whose Secrets to remove (they need not exist any more):_default' \
&& ret=0
;;
(crd)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(install)
_arguments "${_arguments_options[@]}" : \
'--wait=[Seconds to wait for the API server to serve the new type]:SECONDS:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(controller)
_arguments "${_arguments_options[@]}" : \
'--metrics-addr=[Address serving /metrics, /healthz and /readyz]:ADDR:_default' \
'--leader-elect=[Elect a leader through a Lease so several replicas can run; only the leader writes]:BOOL:(true false)' \
'--lease-name=[Name of the leader-election Lease]:NAME:_default' \
'--lease-namespace=[Namespace of the Lease (in a pod\: its own namespace)]:NS:_default' \
'--lease-duration=[How long the Lease is held without renewal; a standby takes over after it]:DURATION:_default' \
'--identity=[This replica'\''s identity in the Lease (default\: the pod or host name)]:ID:_default' \
'--concurrency=[How many namespaces are written at once for one resource]:N:_default' \
'--workers=[How many resources are reconciled at once]:N:_default' \
'--token-reuse=[How long a fetched token is shared between resources with the same credentials and region that refresh at about the same time (kept well below the shortest interval, 1m)]:DURATION:_default' \
'--debounce=[How long triggers for one resource are gathered before a pass]:DURATION:_default' \
'-l+[Only handle ECRPullSecret resources matching this label selector (e.g. for a canary)]:SELECTOR:_default' \
'--selector=[Only handle ECRPullSecret resources matching this label selector (e.g. for a canary)]:SELECTOR:_default' \
'--secret-access=[named\: read, watch, patch and delete only Secrets of the names our resources use (every request carries fieldSelector=metadata.name, so RBAC resourceNames can grant exactly those), plus create; edits and deletions are repaired within seconds. read\: watch our Secrets cluster-wide by label; needs get/list/watch on all Secrets]:MODE:((named\:"Read, watch, patch and delete only Secrets of our resources'\'' names (every request names them with \`fieldSelector=metadata.name=…\`, which RBAC \`resourceNames\` can grant), plus create"
read\:"List and watch Secrets cluster-wide (by label), read those named like ours"))' \
'--resync=[Also pass over every resource this often, re-reading its targets, though nothing changed (a safety net under the watches, which see changes within seconds). Default\: never; an idle cluster then costs no request at all]:DURATION:_default' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(version)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--output=[Output format]:OUTPUT:((table\:"A table for people"
wide\:"A table with more columns"
json\:"JSON"
yaml\:"YAML"
name\:"\`kind/name\` only (where it applies)"))' \
'--kubeconfig=[Path to the kubeconfig file (default\: \$KUBECONFIG, then ~/.kube/config, then in-cluster)]:PATH:_files' \
'*--context=[The kubeconfig context to use; \`list\` and \`refresh\` take several (repeated or comma-separated) and work on each cluster at once]:NAME:_default' \
'--log-format=[Log line format on stderr]:LOG_FORMAT:((text\:"Human-readable lines"
json\:"One JSON object per line"))' \
'--profile=[AWS shared-config profile for the default credential chain]:NAME:_default' \
'--region=[AWS region for a default registry given as an account ID]:REGION:_default' \
'--registry=[Registry for resources that list none\: a host, or a 12-digit account with --region]:HOST:_default' \
'--credentials-secret=[Name of a Secret with AWS keys for resources that name none]:NAME:_default' \
'--credentials-secret-namespace=[Namespace of --credentials-secret]:NS:_default' \
'*-v[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'*--verbose[More log output on stderr (-v info, -vv debug, -vvv trace)]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_kubectl-ecrcreds__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:kubectl-ecrcreds-help-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(refresh)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(doctor)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(cleanup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(crd)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(install)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(controller)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(version)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_kubectl-ecrcreds_commands] )) ||
_kubectl-ecrcreds_commands() {
    local commands; commands=(
'create:Create an ECRPullSecret from flags (asking for what is missing on a terminal)' \
'list:List ECRPullSecret resources and their state' \
'describe:Show a resource'\''s spec, conditions, every target namespace and recent events' \
'refresh:Refresh the pull secrets of ECRPullSecret resources once, from here' \
'doctor:Explain why Pods cannot pull their ECR images, with the fix for each' \
'verify:Ask each registry whether it accepts the token in the resources'\'' Secrets' \
'cleanup:Remove managed Secrets and only our imagePullSecrets entries' \
'crd:Print the ECRPullSecret CRD as YAML' \
'install:Install or update the ECRPullSecret CRD on the cluster (server-side apply)' \
'controller:Run the in-cluster controller that keeps every resource'\''s Secrets fresh' \
'completions:Print a shell completion script' \
'version:Print the version' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-ecrcreds commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__cleanup_commands] )) ||
_kubectl-ecrcreds__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds cleanup commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__completions_commands] )) ||
_kubectl-ecrcreds__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds completions commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__controller_commands] )) ||
_kubectl-ecrcreds__subcmd__controller_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds controller commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__crd_commands] )) ||
_kubectl-ecrcreds__subcmd__crd_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds crd commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__create_commands] )) ||
_kubectl-ecrcreds__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds create commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__describe_commands] )) ||
_kubectl-ecrcreds__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds describe commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__doctor_commands] )) ||
_kubectl-ecrcreds__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds doctor commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help_commands] )) ||
_kubectl-ecrcreds__subcmd__help_commands() {
    local commands; commands=(
'create:Create an ECRPullSecret from flags (asking for what is missing on a terminal)' \
'list:List ECRPullSecret resources and their state' \
'describe:Show a resource'\''s spec, conditions, every target namespace and recent events' \
'refresh:Refresh the pull secrets of ECRPullSecret resources once, from here' \
'doctor:Explain why Pods cannot pull their ECR images, with the fix for each' \
'verify:Ask each registry whether it accepts the token in the resources'\'' Secrets' \
'cleanup:Remove managed Secrets and only our imagePullSecrets entries' \
'crd:Print the ECRPullSecret CRD as YAML' \
'install:Install or update the ECRPullSecret CRD on the cluster (server-side apply)' \
'controller:Run the in-cluster controller that keeps every resource'\''s Secrets fresh' \
'completions:Print a shell completion script' \
'version:Print the version' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'kubectl-ecrcreds help commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__cleanup_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__cleanup_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help cleanup commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__completions_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help completions commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__controller_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__controller_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help controller commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__crd_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__crd_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help crd commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__create_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help create commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__describe_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help describe commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__doctor_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__doctor_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help doctor commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__help_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help help commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__install_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__install_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help install commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__list_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help list commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__refresh_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help refresh commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__verify_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help verify commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__help__subcmd__version_commands] )) ||
_kubectl-ecrcreds__subcmd__help__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds help version commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__install_commands] )) ||
_kubectl-ecrcreds__subcmd__install_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds install commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__list_commands] )) ||
_kubectl-ecrcreds__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds list commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__refresh_commands] )) ||
_kubectl-ecrcreds__subcmd__refresh_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds refresh commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__verify_commands] )) ||
_kubectl-ecrcreds__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds verify commands' commands "$@"
}
(( $+functions[_kubectl-ecrcreds__subcmd__version_commands] )) ||
_kubectl-ecrcreds__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'kubectl-ecrcreds version commands' commands "$@"
}

if [ "$funcstack[1]" = "_kubectl-ecrcreds" ]; then
    _kubectl-ecrcreds "$@"
else
    compdef _kubectl-ecrcreds kubectl-ecrcreds
fi
