package rules

const (
	vpcType     = "aws:ec2/vpc:Vpc"
	flowLogType = "aws:ec2/flowLog:FlowLog"
)

func init() {
	registerStack(StackRule{
		Name: "vpc-flow-logs",
		Description: "Every VPC has a flow log, so network traffic can be investigated " +
			"after an incident.",
		Level: Advisory,
		Check: checkVPCFlowLogs,
	})
}

// checkVPCFlowLogs matches each flow log to its VPC through the vpcId
// property's dependencies (previews, mocks, state) or through a known vpcId
// equal to the VPC's physical ID (state). A flow log whose VPC cannot be told
// (vpcId unknown and no dependency recorded) could belong to any VPC, so
// nothing is reported then.
func checkVPCFlowLogs(rs []Resource, _ map[string]any) []Finding {
	coveredURNs := map[string]bool{}
	coveredIDs := map[string]bool{}
	for _, r := range rs {
		if r.Type != flowLogType {
			continue
		}
		deps := r.PropertyDependencies["vpcId"]
		for _, u := range deps {
			coveredURNs[u] = true
		}
		if id, ok := getString(r.Properties, "vpcId"); ok {
			coveredIDs[id] = true
		} else if len(deps) == 0 && isUnknown(r.Properties, "vpcId") {
			return nil
		}
	}
	var out []Finding
	for _, r := range rs {
		if r.Type != vpcType || coveredURNs[r.URN] || (r.ID != "" && coveredIDs[r.ID]) {
			continue
		}
		out = append(out, Finding{
			URN:     r.URN,
			Message: "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC",
		})
	}
	return out
}
