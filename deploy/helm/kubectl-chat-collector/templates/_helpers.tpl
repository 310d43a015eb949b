{{- define "collector.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "collector.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "collector.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "collector.serviceAccount" -}}
{{- default (include "collector.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "collector.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* The Service's in-cluster name: the generated certificate is made for it. */}}
{{- define "collector.serviceHost" -}}
{{- printf "%s.%s.svc" (include "collector.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/* The URL users (and `helm test`) reach the collector at. */}}
{{- define "collector.url" -}}
{{- default (printf "https://%s:%v" (include "collector.serviceHost" .) .Values.service.port) .Values.discovery.url -}}
{{- end -}}

{{- define "collector.keysSecret" -}}
{{- default (printf "%s-keys" (include "collector.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}

{{- define "collector.tlsSecret" -}}
{{- default (printf "%s-tls" (include "collector.fullname" .)) .Values.tls.existingSecret -}}
{{- end -}}

{{/*
The generated TLS Secret's data (base64 values, JSON): the one already in the cluster when there
is one (kept on upgrade), else a new CA and a certificate it signs. Worked out once per render,
so the Secret and the discovery ConfigMap carry the same CA.
*/}}
{{- define "collector.generatedTLS" -}}
{{- if not (hasKey $ "collectorGeneratedTLS") -}}
{{- $name := include "collector.tlsSecret" . -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace $name -}}
{{- $data := dict -}}
{{- if and $existing $existing.data -}}
{{- $data = pick $existing.data "tls.crt" "tls.key" "ca.crt" -}}
{{- else -}}
{{- $fullname := include "collector.fullname" . -}}
{{- $ips := list -}}
{{- $names := list $fullname (printf "%s.%s" $fullname .Release.Namespace) (include "collector.serviceHost" .) (printf "%s.cluster.local" (include "collector.serviceHost" .)) -}}
{{- range .Values.tls.extraHosts -}}
{{- if regexMatch "^[0-9.]+$|:" . -}}
{{- $ips = append $ips . -}}
{{- else -}}
{{- $names = append $names . -}}
{{- end -}}
{{- end -}}
{{- $ca := genCA (printf "%s-ca" $fullname) (int .Values.tls.validityDays) -}}
{{- $cert := genSignedCert (include "collector.serviceHost" .) $ips $names (int .Values.tls.validityDays) $ca -}}
{{- $data = dict "tls.crt" ($cert.Cert | b64enc) "tls.key" ($cert.Key | b64enc) "ca.crt" ($ca.Cert | b64enc) -}}
{{- end -}}
{{- $_ := set $ "collectorGeneratedTLS" $data -}}
{{- end -}}
{{- toJson $.collectorGeneratedTLS -}}
{{- end -}}

{{/* PEM of the CA users verify the collector with ("" when it cannot be known: system trust). */}}
{{- define "collector.caBundle" -}}
{{- if .Values.discovery.caBundle -}}
{{- .Values.discovery.caBundle -}}
{{- else if not .Values.tls.existingSecret -}}
{{- index (include "collector.generatedTLS" . | fromJson) "ca.crt" | b64dec -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace .Values.tls.existingSecret -}}
{{- if and $existing $existing.data (hasKey $existing.data "ca.crt") -}}
{{- index $existing.data "ca.crt" | b64dec -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Where the collector runs: shared by its pod and the test pod (which uses the same image). */}}
{{- define "collector.placement" -}}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "collector.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  fsGroup: 65532
  seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "collector.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: ["ALL"]}
{{- end -}}

{{/* The API server's front-proxy CA and allowed names, as JSON {ca, names}: from values, else
from kube-system/extension-apiserver-authentication (what an aggregated API reads). */}}
{{- define "collector.frontProxy" -}}
{{- $ca := .Values.aggregatedAPI.frontProxyCA -}}
{{- $names := .Values.aggregatedAPI.allowedNames -}}
{{- /* A CA given here is often one that also signs other clients: without names the collector
would take identity headers from any certificate it issued. */ -}}
{{- if and $ca (not $names) -}}
{{- fail "aggregatedAPI.frontProxyCA needs aggregatedAPI.allowedNames (the API server's requestheader-allowed-names, e.g. front-proxy-client): without them any certificate of that CA could claim to be the API server" -}}
{{- end -}}
{{- if not $ca -}}
{{- $auth := lookup "v1" "ConfigMap" "kube-system" "extension-apiserver-authentication" -}}
{{- $ca = dig "data" "requestheader-client-ca-file" "" ($auth | default dict) -}}
{{- if not $names -}}
{{- $names = dig "data" "requestheader-allowed-names" "[]" ($auth | default dict) | fromJsonArray -}}
{{- end -}}
{{- end -}}
{{- if not $ca -}}
{{- fail "aggregatedAPI.enabled: the cluster's kube-system/extension-apiserver-authentication has no requestheader-client-ca-file (start the API server with --requestheader-client-ca-file) and aggregatedAPI.frontProxyCA is empty" -}}
{{- end -}}
{{- dict "ca" $ca "names" $names | toJson -}}
{{- end -}}
