| Paquet Go | Version | Licence | Texte |
|---|---|---|---|
{{ range . }}| `{{ .Name }}` | {{ .Version }} | {{ .LicenseName }} | {{ .LicenseURL }} |
{{ end }}
