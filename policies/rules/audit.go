package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/conventions"
)

// DefaultControlPlaneLogTypes are the five EKS control-plane log types.
var DefaultControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

func init() {
	register(ConcernAudit,
		Rule{
			Name:        "logs-group-retention-set",
			Description: "Log groups expire their events: never-expiring logs grow cost forever.",
			Checks:      "`aws:cloudwatch/logGroup:LogGroup` sets `retentionInDays` (unset or 0 never expires).",
			Level:       Advisory,
			Types:       []string{logGroupType},
			Check:       checkLogGroupRetentionSet,
		},
		Rule{
			Name:        "logs-group-retention-year-prod",
			Description: "Prod and staging keep logs long enough for audits.",
			Checks:      "In prod and staging, `aws:cloudwatch/logGroup:LogGroup` `retentionInDays`, when set, is at least the minimum.",
			Level:       Advisory,
			Types:       []string{logGroupType},
			Scope:       ScopeProdLike,
			ConfigSchema: map[string]map[string]any{
				"minimumDays": integer("Smallest retentionInDays accepted.", 1, 0),
			},
			Defaults: map[string]any{"minimumDays": float64(conventions.ProdMinLogRetentionDays)},
			Check:    checkLogGroupRetentionMinimum,
		},
		Rule{
			Name: "logs-group-retention-year",
			Description: "Compliance profiles: every log group keeps its events at least a year, in every " +
				"environment (HIPAA and PCI DSS audit-log retention).",
			Checks: "`aws:cloudwatch/logGroup:LogGroup` `retentionInDays`, when set, is at least the minimum, whatever " +
				"the environment. Off unless a compliance profile turns it on.",
			Level:        Disabled,
			Types:        []string{logGroupType},
			ConfigSchema: map[string]map[string]any{"minimumDays": integer("Smallest retentionInDays accepted.", 1, 0)},
			Defaults:     map[string]any{"minimumDays": float64(conventions.ProdMinLogRetentionDays)},
			Check:        checkLogGroupRetentionMinimum,
		},
		Rule{
			Name: "eks-cluster-logs-enabled",
			Description: "EKS clusters send the required control-plane logs (all five types by default) " +
				"to CloudWatch; pulumi-eks and AWS enable none by default.",
			Checks: "`aws:eks/cluster:Cluster` `enabledClusterLogTypes` include every required type.",
			Level:  Mandatory,
			Types:  []string{eksClusterType},
			ConfigSchema: map[string]map[string]any{
				"requiredLogTypes": enumList("enabledClusterLogTypes values that must be on.", DefaultControlPlaneLogTypes...),
			},
			Defaults: map[string]any{"requiredLogTypes": toAnySlice(DefaultControlPlaneLogTypes)},
			Check:    checkEKSControlPlaneLogs,
		},
	)
	registerStack(ConcernAudit,
		StackRule{
			Name:        "vpc-flow-logs-enabled",
			Description: "Every VPC has a flow log, so network traffic can be investigated after an incident.",
			Checks: "Outside prod and staging, every `aws:ec2/vpc:Vpc` has an `aws:ec2/flowLog:FlowLog` whose `vpcId` " +
				"refers to it (by property dependency, or by physical ID in exported state).",
			Level: Advisory,
			Types: []string{vpcType},
			Scope: ScopeNonProd,
			Check: vpcFlowLogsCheck,
		},
		StackRule{
			Name:        "vpc-flow-logs-enabled-prod",
			Description: "Every prod and staging VPC has a flow log: incident response and audits depend on it.",
			Checks:      "The same as vpc-flow-logs-enabled, for VPCs tagged prod or staging.",
			Level:       Mandatory,
			Types:       []string{vpcType},
			Scope:       ScopeProdLike,
			Check:       vpcFlowLogsCheck,
		},
		StackRule{
			Name: "s3-bucket-access-logging",
			Description: "Compliance profiles: every S3 bucket records server access logs, so every read of " +
				"training data and models can be traced.",
			Checks: "Every S3 bucket has an `aws:s3/bucketLoggingV2` whose `bucket` refers to it, except the buckets " +
				"that receive access logs (a `targetBucket` of some logging configuration). Off unless a compliance " +
				"profile turns it on.",
			Level: Disabled,
			Types: bucketTypes,
			Check: checkBucketAccessLogging,
		},
	)
}

// vpcFlowLogsCheck fires for each VPC no flow log's vpcId refers to. A flow
// log whose VPC cannot be told (vpcId unknown and no dependency) could be
// any VPC's, so nothing is reported then.
var vpcFlowLogsCheck = companionCheck([]string{vpcType}, flowLogType, nil, []string{"vpcId"}, nil,
	func(Resource, map[string]any) string { return "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC" })

// checkEKSControlPlaneLogs fires when a cluster's enabledClusterLogTypes
// lacks a required type (none are on by default).
func checkEKSControlPlaneLogs(r Resource, cfg map[string]any) []string {
	on, p := getStrings(r.Properties, "enabledClusterLogTypes")
	if p == unknown {
		return nil
	}
	var missing []string
	for _, t := range cfgStrings(cfg, "requiredLogTypes") {
		if !slices.Contains(on, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("enabledClusterLogTypes lacks %s", strings.Join(missing, ", "))}
}

// checkBucketAccessLogging fires for each bucket without a logging
// configuration that is not itself a log target.
func checkBucketAccessLogging(rs []Resource, cfg map[string]any) []Finding {
	var targets []reference
	for _, r := range rs {
		if r.Type == s3LoggingType {
			targets = append(targets, referenceOf(r, "targetBucket"))
		}
	}
	check := companionCheck(bucketTypes, s3LoggingType, []string{"bucket"}, []string{"bucket"}, nil,
		func(b Resource, _ map[string]any) string {
			if slices.ContainsFunc(targets, func(ref reference) bool { return ref.unresolved || ref.matches(b, "bucket") }) {
				return ""
			}
			return "no aws:s3/bucketLoggingV2 refers to this bucket: reads and writes leave no access log"
		})
	return check(rs, cfg)
}
