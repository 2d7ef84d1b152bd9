{{/* Chart name, overridable. */}}
{{- define "pipeline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: <release>-<chart>, or the release alone when it already contains the chart name. */}}
{{- define "pipeline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pipeline.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "pipeline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector of the worker pods (Deployment, PDB, Service). */}}
{{- define "pipeline.workerSelectorLabels" -}}
app.kubernetes.io/name: {{ include "pipeline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end -}}

{{- define "pipeline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pipeline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pipeline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* worker.drainTimeoutSeconds as the hh:mm:ss the worker's options expect. */}}
{{- define "pipeline.drainTimeout" -}}
{{- $s := int .Values.worker.drainTimeoutSeconds -}}
{{- printf "%02d:%02d:%02d" (div $s 3600) (mod (div $s 60) 60) (mod $s 60) -}}
{{- end -}}

{{/* The CronJob's one job source as `pipeline enqueue` arguments; fails unless exactly one is set. */}}
{{- define "pipeline.schedulerSource" -}}
{{- $source := .Values.scheduler.source -}}
{{- $set := 0 -}}
{{- range $value := list $source.container $source.manifest.configMap $source.manifest.path $source.folder -}}
{{- if $value }}{{ $set = add1 $set }}{{ end -}}
{{- end -}}
{{- if ne (int $set) 1 -}}
{{- fail "scheduler.source: set exactly one of container, manifest.configMap, manifest.path or folder (or scheduler.enabled=false)" -}}
{{- end -}}
{{- if $source.container }}
- --container
- {{ $source.container | quote }}
{{- with $source.prefix }}
- --prefix
- {{ . | quote }}
{{- end }}
{{- else if $source.manifest.configMap }}
- --manifest
- {{ printf "/etc/pipeline/manifest/%s" $source.manifest.key | quote }}
{{- else if $source.manifest.path }}
- --manifest
- {{ $source.manifest.path | quote }}
{{- else }}
- --folder
- {{ $source.folder | quote }}
{{- end }}
{{- end -}}

{{/*
The URI policy's file roots of one workload as env entries: uriPolicy.allowedFileRoots, else the mountPaths of the
workload's extra volume mounts (where its images are), else no local files at all (http and https only).
Call with (dict "root" $ "mounts" <the workload's extraVolumeMounts>).
*/}}
{{- define "pipeline.fileRootsEnv" -}}
{{- $roots := .root.Values.uriPolicy.allowedFileRoots -}}
{{- if not $roots -}}
{{- $roots = list -}}
{{- range .mounts }}{{ $roots = append $roots .mountPath }}{{ end -}}
{{- end -}}
{{- if $roots }}
{{- range $i, $root := $roots }}
- name: {{ printf "PIPELINE_UriPolicy__AllowedFileRoots__%d" $i }}
  value: {{ $root | quote }}
{{- end }}
{{- else }}
- name: PIPELINE_UriPolicy__AllowedSchemes__0
  value: http
- name: PIPELINE_UriPolicy__AllowedSchemes__1
  value: https
{{- end }}
{{- end -}}
