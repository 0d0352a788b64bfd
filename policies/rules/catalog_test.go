package rules

import "testing"

func TestInstanceTypesCatalogued(t *testing.T) {
	ng := func(types ...any) Resource { return mk(eksNodeGroupType, "ng", map[string]any{"instanceTypes": types}) }
	pool := func(types ...any) Resource {
		return mk(karpenterNodePoolType, "pool", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"requirements": []any{map[string]any{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": types}}}}}})
	}
	variant := func(typ string) Resource {
		return mk(smEndpointConfigType, "ep", map[string]any{"productionVariants": []any{map[string]any{"variantName": "v", "instanceType": typ}}})
	}
	runRuleCases(t, "ec2-instance-type-catalogued", []ruleCase{
		{name: "catalogued", r: ng("g5.xlarge", "g6e.12xlarge")},
		{name: "real but uncatalogued", r: ng("g5.xlarge", "g4dn.8xlarge"),
			want: []string{"g4dn.8xlarge is not in the catalog: the estimate cannot price it, EFA interfaces are not fanned out, and its accelerator kind (nvidia-gpu)"}},
		{name: "not an EC2 type is the enum rule's", r: ng("x9.huge")},
		{name: "launch template", r: mk(launchTemplateType, "lt", map[string]any{"instanceType": "inf1.6xlarge"}), want: []string{"(aws-inferentia)"}},
		{name: "NodePool", r: pool("g5.xlarge", "g4dn.8xlarge"), want: []string{"g4dn.8xlarge is not in the catalog"}},
		{name: "SageMaker variant", r: variant("ml.g6e.12xlarge"), want: []string{"productionVariants[0] runs on ml.g6e.12xlarge, which the catalog lacks"}},
		{name: "SageMaker catalogued", r: variant("ml.g5.xlarge")},
		{name: "types unknown", r: mk(eksNodeGroupType, "ng", map[string]any{"instanceTypes": computed})},
	})
}

func TestInstanceTypesInRegion(t *testing.T) {
	provider := func(region any) Resource { return mk("pulumi:providers:aws", "aws", map[string]any{"region": region}) }
	ng := mk(eksNodeGroupType, "ng", map[string]any{"instanceTypes": []any{"trn1.32xlarge", "m6i.xlarge"}})
	runStackCases(t, "ec2-instance-type-offered-in-region", []stackCase{
		{name: "recorded there", rs: []Resource{provider("us-east-1"), ng}},
		{name: "not recorded there", rs: []Resource{provider("eu-west-1"), ng},
			want: []Finding{{ng.URN, "trn1.32xlarge not recorded as offered in eu-west-1 (the catalog records ap-south-1, ap-southeast-2, us-east-1, us-east-2, us-west-2)"}}},
		{name: "uncatalogued types are the other rule's", rs: []Resource{provider("eu-west-1"), mk(eksNodeGroupType, "ng", map[string]any{"instanceTypes": []any{"g4dn.8xlarge"}})}},
		{name: "region unknown", rs: []Resource{provider(computed), ng}},
		{name: "no provider", rs: []Resource{ng}},
	})
}
