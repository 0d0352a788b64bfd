package rules

import "testing"

func TestIAMWildcardActions(t *testing.T) {
	pol := func(doc string) Resource { return mk(iamPolicyType, "p", map[string]any{"policy": doc}) }
	runRuleCases(t, "iam-policy-no-wildcard-actions", []ruleCase{
		{name: "scoped", r: pol(`{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}]}`)},
		{name: "star", r: pol(`{"Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"}]}`),
			want: []string{`policy statement Admin allows every action ("*")`}},
		{name: "star colon star", r: pol(`{"Statement":[{"Effect":"Allow","Action":["s3:*","*:*"],"Resource":"*"}]}`), want: []string{"statement 0"}},
		{name: "service wildcard is not star", r: pol(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b"}]}`)},
		{name: "NotAction", r: pol(`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`), want: []string{"allows NotAction"}},
		{name: "deny star", r: pol(`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)},
		{name: "unknown", r: mk(iamPolicyType, "p", map[string]any{"policy": computed})},
		{name: "role policy", r: mk(iamRolePolicyType, "rp", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}), want: []string{"policy statement 0"}},
		{name: "role inline policy", r: mk(iamRoleType, "r", map[string]any{"inlinePolicies": []any{map[string]any{"name": "admin",
			"policy": `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}}}), want: []string{"inlinePolicies[0] admin statement 0"}},
	})
}

func TestIAMAdminPolicy(t *testing.T) {
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	runRuleCases(t, "iam-policy-no-admin-attached", []ruleCase{
		{name: "ECR read-only", r: mk("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", map[string]any{
			"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"})},
		{name: "admin attachment", r: mk("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", map[string]any{"role": "nodes", "policyArn": admin}),
			want: []string{"policyArn attaches " + admin}},
		{name: "arn unknown", r: mk("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", map[string]any{"policyArn": computed})},
		{name: "role managedPolicyArns", r: mk(iamRoleType, "r", map[string]any{"managedPolicyArns": []string{admin}}), want: []string{"managedPolicyArns attaches"}},
		{name: "user attachment", r: mk("aws:iam/userPolicyAttachment:UserPolicyAttachment", "u", map[string]any{"policyArn": admin}), want: []string{"AdministratorAccess"}},
		{name: "configured extra", r: mk(eksAccessPolicyType, "e", map[string]any{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}),
			cfg: map[string]any{"forbiddenPolicies": []any{"AmazonEKSClusterAdminPolicy"}}, want: []string{"AmazonEKSClusterAdminPolicy"}},
		{name: "EKS cluster admin allowed by default", r: mk(eksAccessPolicyType, "e", map[string]any{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"})},
	})
}

func TestIAMTrustWildcard(t *testing.T) {
	role := func(trust any) Resource { return mk(iamRoleType, "r", map[string]any{"assumeRolePolicy": trust}) }
	runRuleCases(t, "iam-role-trust-not-public", []ruleCase{
		{name: "service", r: role(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)},
		{name: "OIDC", r: role(`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)},
		{name: "anyone", r: role(`{"Statement":[{"Sid":"Any","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`),
			want: []string{`assumeRolePolicy statement Any lets any principal ("*") assume the role`}},
		{name: "anyone in AWS, even with a condition", r: role(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",` +
			`"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`), want: []string{"statement 0"}},
		{name: "unknown", r: role(computed)},
	})
}

func TestEKSAccessEntriesMode(t *testing.T) {
	runRuleCases(t, "eks-cluster-access-entries", []ruleCase{
		{name: "API", r: mk(eksClusterType, "eks", map[string]any{"accessConfig": map[string]any{"authenticationMode": "API"}})},
		{name: "both", r: mk(eksClusterType, "eks", map[string]any{"accessConfig": map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"}}),
			want: []string{"is API_AND_CONFIG_MAP"}},
		{name: "both allowed by config", r: mk(eksClusterType, "eks", map[string]any{"accessConfig": map[string]any{"authenticationMode": "API_AND_CONFIG_MAP"}}),
			cfg: map[string]any{"allowedModes": []any{"API", "API_AND_CONFIG_MAP"}}},
		{name: "unknown", r: mk(eksClusterType, "eks", map[string]any{"accessConfig": computed})},
		{name: "pulumi-eks component with empty inputs", r: mk("eks:index:Cluster", "eks", nil)},
		{name: "aws cluster", r: mk(eksClusterType, "eks", map[string]any{"accessConfig": map[string]any{"authenticationMode": "API"}})},
		{name: "aws cluster default", r: mk(eksClusterType, "eks", nil), want: []string{"accessConfig.authenticationMode is not set"}},
	})
}
