package rules

import (
	"maps"
	"slices"

	"github.com/ml-platform/ml-platform/conventions"
)

// Profile is a compliance profile: the rules a regulated workload must pass,
// each mapped to the controls it serves. Selecting it (ml-platform:compliance
// in the stack file, or its --policy-pack-config file) makes every listed
// rule mandatory, including the profile-only rules that are off otherwise.
//
// A rule serves a control; it does not make a stack compliant. The mapping
// says which technical safeguard each rule checks, for the auditor's
// evidence, and nothing about the administrative and physical safeguards a
// program also needs.
type Profile struct {
	Name  conventions.ComplianceProfile
	Title string
	URL   string
	// Controls maps each rule to the controls it serves.
	Controls map[string][]string
}

const (
	hipaaAccess       = "§164.312(a)(1) Access control"
	hipaaEncryption   = "§164.312(a)(2)(iv) Encryption and decryption"
	hipaaAudit        = "§164.312(b) Audit controls"
	hipaaIntegrity    = "§164.312(c)(1) Integrity"
	hipaaTransmission = "§164.312(e)(1) Transmission security"
	hipaaBackup       = "§164.308(a)(7)(ii)(A) Data backup plan"

	pciNetwork    = "Req. 1.3/1.4 Network security controls between trusted and untrusted networks"
	pciStored     = "Req. 3.5.1 Stored account data rendered unreadable (strong cryptography)"
	pciKeys       = "Req. 3.6/3.7 Cryptographic key management (cryptoperiods, protection)"
	pciTransit    = "Req. 4.2.1 Strong cryptography in transit"
	pciAccess     = "Req. 7.2 Least-privilege access"
	pciAuditLogs  = "Req. 10.2 Audit logs capture events"
	pciRetention  = "Req. 10.5.1 Audit log history retained at least 12 months"
	pciContinuity = "Req. 12.10.1 Incident response: business recovery and data backup processes"
)

var profiles = []Profile{
	{
		Name:  conventions.ComplianceHIPAA,
		Title: "HIPAA Security Rule, technical and contingency safeguards (45 CFR Part 164, Subpart C)",
		URL:   "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C",
		Controls: map[string][]string{
			"resource-customer-key-required":       {hipaaEncryption},
			"s3-bucket-encryption-kms":             {hipaaEncryption},
			"s3-bucket-encryption-attached":        {hipaaEncryption},
			"ec2-volume-encrypted":                 {hipaaEncryption},
			"eks-cluster-secrets-encrypted":        {hipaaEncryption},
			"logs-group-customer-key":              {hipaaEncryption},
			"fsx-filesystem-customer-key":          {hipaaEncryption},
			"sagemaker-domain-customer-key":        {hipaaEncryption},
			"sagemaker-notebook-customer-key":      {hipaaEncryption},
			"sagemaker-endpoint-customer-key":      {hipaaEncryption},
			"sagemaker-capture-customer-key":       {hipaaEncryption},
			"bedrock-guardrail-customer-key":       {hipaaEncryption},
			"kms-key-rotation-enabled":             {hipaaEncryption},
			"kms-key-deletion-window-long":         {hipaaIntegrity},
			"s3-bucket-versioning-prod":            {hipaaIntegrity, hipaaBackup},
			"storage-backups-enabled":              {hipaaBackup},
			"vpc-flow-logs-enabled":                {hipaaAudit},
			"vpc-flow-logs-enabled-prod":           {hipaaAudit},
			"eks-cluster-logs-enabled":             {hipaaAudit},
			"s3-bucket-access-logging":             {hipaaAudit},
			"logs-group-retention-set":             {hipaaAudit},
			"logs-group-retention-year":            {hipaaAudit},
			"eks-endpoint-private-everywhere":      {hipaaAccess, hipaaTransmission},
			"ec2-imds-hop-limit-low":               {hipaaAccess},
			"iam-policy-no-wildcard-actions":       {hipaaAccess},
			"iam-policy-no-admin-attached":         {hipaaAccess},
			"s3-public-access-blocked":             {hipaaAccess},
			"s3-bucket-policy-not-public":          {hipaaAccess},
			"sagemaker-notebook-internet-disabled": {hipaaAccess},
			"transport-tls-required":               {hipaaTransmission},
			"bedrock-guardrail-filters-complete":   {hipaaIntegrity},
		},
	},
	{
		Name:  conventions.CompliancePCI,
		Title: "PCI DSS v4.0.1, requirements a cloud platform's configuration can evidence",
		URL:   "https://www.pcisecuritystandards.org/document_library/",
		Controls: map[string][]string{
			"resource-customer-key-required":       {pciStored},
			"s3-bucket-encryption-kms":             {pciStored},
			"s3-bucket-encryption-attached":        {pciStored},
			"ec2-volume-encrypted":                 {pciStored},
			"eks-cluster-secrets-encrypted":        {pciStored},
			"logs-group-customer-key":              {pciStored},
			"fsx-filesystem-customer-key":          {pciStored},
			"sagemaker-domain-customer-key":        {pciStored},
			"sagemaker-endpoint-customer-key":      {pciStored},
			"sagemaker-capture-customer-key":       {pciStored},
			"kms-key-rotation-enabled":             {pciKeys},
			"kms-key-deletion-window-long":         {pciKeys},
			"kms-key-policy-not-public":            {pciKeys},
			"transport-tls-required":               {pciTransit},
			"eks-endpoint-private-everywhere":      {pciNetwork},
			"ec2-security-group-no-world-ingress":  {pciNetwork},
			"ec2-public-ip-disabled":               {pciNetwork},
			"sagemaker-notebook-internet-disabled": {pciNetwork},
			"vpc-endpoints-present":                {pciNetwork},
			"iam-policy-no-wildcard-actions":       {pciAccess},
			"iam-policy-no-admin-attached":         {pciAccess},
			"ec2-imds-hop-limit-low":               {pciAccess},
			"vpc-flow-logs-enabled":                {pciAuditLogs},
			"vpc-flow-logs-enabled-prod":           {pciAuditLogs},
			"eks-cluster-logs-enabled":             {pciAuditLogs},
			"s3-bucket-access-logging":             {pciAuditLogs},
			"logs-group-retention-set":             {pciRetention},
			"logs-group-retention-year":            {pciRetention},
			"storage-backups-enabled":              {pciContinuity},
		},
	},
}

// Profiles returns the compliance profiles, in the order of
// conventions.ComplianceProfiles (none has no profile).
func Profiles() []Profile { return slices.Clone(profiles) }

// LookupProfile returns a profile by name; none and unknown names have none.
func LookupProfile(name conventions.ComplianceProfile) (Profile, bool) {
	i := slices.IndexFunc(profiles, func(p Profile) bool { return p.Name == name })
	if i < 0 {
		return Profile{}, false
	}
	return profiles[i], true
}

// Settings returns the profile as pack settings: every rule it lists
// mandatory. It is the content of policies/profiles/<name>.json, the
// --policy-pack-config file for the Pulumi CLI.
func (p Profile) Settings() Settings {
	out := Settings{}
	for name := range p.Controls {
		out[name] = Setting{Level: Mandatory}
	}
	return out
}

// Rules returns the profile's rules, sorted.
func (p Profile) Rules() []string { return slices.Sorted(maps.Keys(p.Controls)) }

// Layer combines settings, later layers winning per rule: a rule's level and
// config each come from the last layer that sets them.
func Layer(layers ...Settings) Settings {
	out := Settings{}
	for _, l := range layers {
		for name, s := range l {
			cur := out[name]
			if s.Level != "" {
				cur.Level = s.Level
			}
			if len(s.Config) > 0 {
				cfg := maps.Clone(cur.Config)
				if cfg == nil {
					cfg = map[string]any{}
				}
				maps.Copy(cfg, s.Config)
				cur.Config = cfg
			}
			out[name] = cur
		}
	}
	return out
}

// StackSettings are the settings a stack's own configuration selects: its
// compliance profile (ml-platform:compliance), overlaid by its policy
// settings (ml-platform:policySettings, in --policy-pack-config form). The
// offline engine and the policy pack both start from them, so the pack
// honours stack-rule settings under the Pulumi CLI too, where policyx
// hands stack rules no --policy-pack-config values.
func StackSettings(profile conventions.ComplianceProfile, policySettings string) (Settings, error) {
	var layers []Settings
	if p, ok := LookupProfile(profile); ok {
		layers = append(layers, p.Settings())
	}
	if policySettings != "" {
		s, err := ParseSettings([]byte(policySettings))
		if err != nil {
			return nil, err
		}
		layers = append(layers, s)
	}
	return Layer(layers...), nil
}
