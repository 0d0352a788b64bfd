package rules

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestVPCFlowLogs(t *testing.T) {
	vpcA := res(vpcType, "a", nil)
	vpcA.ID = "vpc-0a"
	vpcB := res(vpcType, "b", nil)
	byDeps := res(flowLogType, "a-flow", map[string]property.Value{"vpcId": computed})
	byDeps.PropertyDependencies = map[string][]string{"vpcId": {vpcA.URN}}
	byID := res(flowLogType, "a-flow", map[string]property.Value{"vpcId": property.New("vpc-0a")})
	unattributable := res(flowLogType, "x-flow", map[string]property.Value{"vpcId": computed})
	missing := func(v Resource) Finding {
		return Finding{URN: v.URN, Message: "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC"}
	}

	tests := []struct {
		name string
		rs   []Resource
		want []Finding
	}{
		{name: "no VPC", rs: []Resource{byID}},
		{name: "VPC without flow log", rs: []Resource{vpcA}, want: []Finding{missing(vpcA)}},
		{name: "flow log by property dependency", rs: []Resource{vpcA, byDeps}},
		{name: "flow log by physical ID", rs: []Resource{byID, vpcA}},
		{name: "one of two VPCs covered", rs: []Resource{vpcA, vpcB, byDeps}, want: []Finding{missing(vpcB)}},
		{name: "flow log with unknown target never fires", rs: []Resource{vpcA, vpcB, unattributable}},
	}
	rule := stackRuleByName(t, "vpc-flow-logs")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rule.Check(tt.rs, MergeConfig(rule.Defaults, nil))
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
