{{- define "ecrcreds.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ecrcreds.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ecrcreds.labels" -}}
app.kubernetes.io/name: {{ include "ecrcreds.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ecrcreds.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecrcreds.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ecrcreds.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ecrcreds.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- /* The AWS settings of the controller and the CronJob: the original
operator's (from the original chart's values), the web identity, extraEnv. */}}
{{- define "ecrcreds.awsEnv" -}}
{{- with .Values.aws.region }}
- name: AWS_REGION
  value: {{ . | quote }}
{{- end }}
{{- with .Values.aws.registry }}
- name: REGISTRY
  value: {{ . | quote }}
{{- end }}
{{- with .Values.aws.credentials.secretName }}
- name: AWS_CREDENTIALS_SECRET_NAME
  value: {{ . | quote }}
- name: AWS_CREDENTIALS_SECRET_NAMESPACE
  value: {{ default $.Release.Namespace $.Values.aws.credentials.namespace | quote }}
{{- end }}
{{- with .Values.aws.webIdentity.roleArn }}
# Keyless ("IRSA anywhere"): the AWS SDK's default chain exchanges the
# projected ServiceAccount token below for this role.
- name: AWS_ROLE_ARN
  value: {{ . | quote }}
- name: AWS_WEB_IDENTITY_TOKEN_FILE
  value: /var/run/secrets/kubectl-ecrcreds/web-identity/token
- name: AWS_ROLE_SESSION_NAME
  value: kubectl-ecrcreds
{{- end }}
{{- with .Values.controller.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ecrcreds.webIdentityMount" -}}
{{- if .Values.aws.webIdentity.roleArn -}}
volumeMounts:
  - name: web-identity
    mountPath: /var/run/secrets/kubectl-ecrcreds/web-identity
    readOnly: true
{{- end -}}
{{- end -}}

{{- define "ecrcreds.webIdentityVolume" -}}
{{- with .Values.aws.webIdentity -}}
{{- if .roleArn -}}
volumes:
  - name: web-identity
    projected:
      sources:
        - serviceAccountToken:
            audience: {{ .audience | quote }}
            expirationSeconds: {{ int .expirationSeconds }}
            path: token
{{- end -}}
{{- end -}}
{{- end -}}
