package rules

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultForbiddenPolicies are managed policies no role, user or group of
// the platform may hold: they grant every action on every resource.
var DefaultForbiddenPolicies = []string{"AdministratorAccess"}

// policyDocumentTypes maps the resources that carry an identity policy
// document to the property holding it.
var policyDocumentTypes = map[string]string{
	iamPolicyType:      "policy",
	iamRolePolicyType:  "policy",
	iamUserPolicyType:  "policy",
	iamGroupPolicyType: "policy",
}

// policyArnKeys maps the resources that attach managed policies to the
// property (one ARN, or a list) naming them.
var policyArnKeys = map[string]string{
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                       "policyArn",
	"aws:iam/userPolicyAttachment:UserPolicyAttachment":                       "policyArn",
	"aws:iam/groupPolicyAttachment:GroupPolicyAttachment":                     "policyArn",
	"aws:iam/policyAttachment:PolicyAttachment":                               "policyArn",
	"aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":   "policyArns",
	"aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive":   "policyArns",
	"aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
	iamRoleType:         "managedPolicyArns",
	eksAccessPolicyType: "policyArn",
}

func init() {
	register(ConcernIAM,
		Rule{
			Name: "iam-policy-no-wildcard-actions",
			Description: "Identity policies never allow every action (\"*\" or \"*:*\"), nor allow with " +
				"NotAction: policies, role/user/group inline policies and a role's inlinePolicies.",
			Checks: "`aws:iam/policy`, `rolePolicy`, `userPolicy`, `groupPolicy` and a role's `inlinePolicies` have no " +
				"`Allow` statement with `Action` `\"*\"` or `\"*:*\"`, nor any `Allow` with `NotAction`.",
			Level: Mandatory,
			Types: identityPolicyT,
			Check: checkIAMWildcardActions,
		},
		Rule{
			Name: "iam-policy-no-admin-attached",
			Description: "No role, user or group is attached a forbidden managed policy (AdministratorAccess), " +
				"through attachments, a role's managedPolicyArns, or an EKS access policy association.",
			Checks: "No attachment (`aws:iam/{role,user,group}PolicyAttachment`, `policyAttachment`, the " +
				"`*PolicyAttachmentsExclusive` resources, a role's `managedPolicyArns`, `aws:eks/accessPolicyAssociation`) " +
				"names a forbidden policy (matched on the last part of the ARN).",
			Level:        Mandatory,
			Types:        sortedKeys(policyArnKeys),
			ConfigSchema: map[string]map[string]any{"forbiddenPolicies": stringList("Policy names (the last part of the ARN) that may not be attached.")},
			Defaults:     map[string]any{"forbiddenPolicies": toAnySlice(DefaultForbiddenPolicies)},
			Check:        checkIAMAdminPolicy,
		},
		Rule{
			Name: "iam-role-trust-not-public",
			Description: "Role trust policies never let every principal (\"*\") assume the role, even " +
				"under conditions: name the service, account or OIDC provider.",
			Checks: "`aws:iam/role:Role` `assumeRolePolicy` has no `Allow` statement for `\"*\"` / `{\"AWS\": \"*\"}` (or " +
				"`NotPrincipal`), with or without conditions.",
			Level: Mandatory,
			Types: []string{iamRoleType},
			Check: checkIAMTrustWildcard,
		},
		Rule{
			Name: "eks-cluster-access-entries",
			Description: "EKS clusters authenticate through access entries (authenticationMode API), not " +
				"the aws-auth ConfigMap, which anyone with write access to kube-system can edit.",
			Checks: "`aws:eks/cluster:Cluster` `accessConfig.authenticationMode` is allowed; it defaults to `CONFIG_MAP`.",
			Level:  Mandatory,
			Types:  []string{eksClusterType},
			ConfigSchema: map[string]map[string]any{
				"allowedModes": enumList("Authentication modes accepted (API_AND_CONFIG_MAP during a migration).", "API", "API_AND_CONFIG_MAP", "CONFIG_MAP"),
			},
			Defaults: map[string]any{"allowedModes": []any{"API"}},
			Check:    checkEKSAccessEntriesMode,
		},
	)
}

// identityPolicies returns the policy documents a resource carries, each
// with a name for messages.
func identityPolicies(r Resource) map[string]map[string]any {
	out := map[string]map[string]any{}
	if key, ok := policyDocumentTypes[r.Type]; ok {
		if doc, ok := policyDocument(r.Properties, key); ok {
			out[key] = doc
		}
	}
	if r.Type == iamRoleType {
		inline, _ := getMaps(r.Properties, "inlinePolicies")
		for i, p := range inline {
			if doc, ok := policyDocument(p, "policy"); ok {
				name, _ := getString(p, "name")
				out[fmt.Sprintf("inlinePolicies[%d] %s", i, name)] = doc
			}
		}
	}
	return out
}

// checkIAMWildcardActions fires on each allow statement granting every action.
func checkIAMWildcardActions(r Resource, _ map[string]any) []string {
	docs := identityPolicies(r)
	var out []string
	for _, where := range sortedKeys(docs) {
		for i, st := range statements(docs[where]) {
			if !isAllow(st) {
				continue
			}
			if _, ok := st["NotAction"]; ok {
				out = append(out, fmt.Sprintf("%s %s allows NotAction: everything but the listed actions", strings.TrimSpace(where), statementID(st, i)))
				continue
			}
			if slices.ContainsFunc(stringsOf(st["Action"]), func(a string) bool { return a == "*" || a == "*:*" }) {
				out = append(out, fmt.Sprintf("%s %s allows every action (\"*\")", strings.TrimSpace(where), statementID(st, i)))
			}
		}
	}
	return out
}

// checkIAMAdminPolicy fires on each forbidden managed policy attached.
func checkIAMAdminPolicy(r Resource, cfg map[string]any) []string {
	key, ok := policyArnKeys[r.Type]
	if !ok {
		return nil
	}
	forbidden := cfgStrings(cfg, "forbiddenPolicies")
	arns, _ := getStrings(r.Properties, key)
	var out []string
	for _, arn := range arns {
		name := arn[strings.LastIndex(arn, "/")+1:]
		if slices.Contains(forbidden, name) {
			out = append(out, fmt.Sprintf("%s attaches %s, which grants every action on every resource", key, arn))
		}
	}
	return out
}

// checkIAMTrustWildcard fires on each allow statement of a trust policy
// that any principal matches.
func checkIAMTrustWildcard(r Resource, _ map[string]any) []string {
	doc, ok := policyDocument(r.Properties, "assumeRolePolicy")
	if !ok {
		return nil
	}
	var out []string
	for i, st := range statements(doc) {
		if isAllow(st) && wildcardPrincipal(st) {
			out = append(out, fmt.Sprintf("assumeRolePolicy %s lets any principal (\"*\") assume the role", statementID(st, i)))
		}
	}
	return out
}

// checkEKSAccessEntriesMode reads accessConfig.authenticationMode on
// aws:eks/cluster, which defaults to CONFIG_MAP.
func checkEKSAccessEntriesMode(r Resource, cfg map[string]any) []string {
	path := []string{"accessConfig", "authenticationMode"}
	allowed := cfgStrings(cfg, "allowedModes")
	v, p := lookup(r.Properties, path...)
	mode := "CONFIG_MAP"
	switch p {
	case unknown:
		return nil
	case present:
		s, ok := asString(v)
		if !ok {
			return nil
		}
		mode = s
	}
	if slices.Contains(allowed, mode) {
		return nil
	}
	setting := "is " + mode
	if p == absent {
		setting = "is not set (defaults to CONFIG_MAP)"
	}
	return []string{fmt.Sprintf("%s %s; allowed: %s", strings.Join(path, "."), setting, strings.Join(allowed, ", "))}
}

// sortedKeys returns a map's keys in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
