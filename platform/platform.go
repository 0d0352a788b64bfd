package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/components/network"
	"github.com/ml-platform/ml-platform/config"
)

// Key domains: one customer-managed key each.
const (
	KeyData    = "data"
	KeyLogs    = "logs"
	KeyCluster = "cluster"
)

// Platform is everything one stack builds.
type Platform struct {
	Config  *config.Stack
	AWS     *aws.Provider
	Keys    *keys.Keys
	Network *network.Network
	// AccountID and Partition are where the stack deploys.
	AccountID, Partition string
}

// Run is the Pulumi program: load the stack's configuration, build the
// platform and export its outputs.
func Run(ctx *pulumi.Context) error {
	_, err := Program(ctx)
	return err
}

// Program is Run that also returns the exported outputs, for the offline
// engine and tests to read.
func Program(ctx *pulumi.Context) (pulumi.Map, error) {
	cfg, err := config.Load(ctx)
	if err != nil {
		return nil, err
	}
	p, err := Build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	outputs := p.Outputs()
	for name, value := range outputs {
		ctx.Export(name, value)
	}
	return outputs, nil
}

// Build registers every component of the stack.
func Build(ctx *pulumi.Context, cfg *config.Stack) (*Platform, error) {
	p := &Platform{Config: cfg}
	baseTags := cfg.Tags()
	prefix := fmt.Sprintf("%s-%s", cfg.Project, cfg.Name)
	protect := cfg.Environment.ProdLike()

	var err error
	p.AWS, err = aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:      pulumi.String(cfg.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(baseTags)},
	})
	if err != nil {
		return nil, err
	}
	invoke := pulumi.Provider(p.AWS)
	withAWS := pulumi.Providers(p.AWS)

	identity, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{}, invoke)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS account: %w", err)
	}
	partition, err := aws.GetPartition(ctx, &aws.GetPartitionArgs{}, invoke)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS partition: %w", err)
	}
	p.AccountID, p.Partition = identity.AccountId, partition.Partition

	zones, err := availabilityZones(ctx, cfg.Network, invoke)
	if err != nil {
		return nil, err
	}

	p.Keys, err = keys.NewKeys(ctx, "keys", &keys.KeysArgs{
		Domains: []keys.Domain{
			{Name: KeyData, Description: prefix + ": training data, checkpoints and models"},
			{Name: KeyLogs, Description: prefix + ": logs (VPC flow logs, control plane, invocations)", AllowCloudWatchLogs: true},
			{Name: KeyCluster, Description: prefix + ": EKS secrets envelope encryption"},
		},
		AliasPrefix: prefix,
		Partition:   p.Partition,
		Region:      cfg.Region,
		AccountID:   p.AccountID,
		Protect:     protect,
		Tags:        baseTags,
	}, withAWS)
	if err != nil {
		return nil, err
	}

	p.Network, err = network.NewNetwork(ctx, "network", &network.NetworkArgs{
		CIDR:                 cfg.Network.CIDR,
		AvailabilityZones:    zones,
		PodCIDR:              cfg.Network.PodCIDR,
		NATPerAZ:             cfg.Network.NATGateways == config.NATPerAZ,
		InterfaceEndpoints:   cfg.Network.InterfaceEndpoints,
		Region:               cfg.Region,
		Partition:            p.Partition,
		AccountID:            p.AccountID,
		FlowLogRetentionDays: cfg.Network.FlowLogRetentionDays,
		FlowLogKMSKeyARN:     p.Keys.ARNs[KeyLogs],
		ProtectLogs:          protect,
		DiscoveryTag:         prefix,
		Tags:                 baseTags,
	}, withAWS)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// availabilityZones picks the stack's zones: the configured ones, each
// checked against what the region offers, or the first azCount zones that
// need no opt-in.
func availabilityZones(ctx *pulumi.Context, n config.Network, opts ...pulumi.InvokeOption) ([]string, error) {
	res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{
			Name:   "opt-in-status",
			Values: []string{"opt-in-not-required"},
		}},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("listing availability zones: %w", err)
	}
	offered := append([]string(nil), res.Names...)
	slices.Sort(offered)
	if len(n.AvailabilityZones) > 0 {
		for i, az := range n.AvailabilityZones {
			if !slices.Contains(offered, az) {
				return nil, &config.FieldError{
					Key:     fmt.Sprintf("%s.availabilityZones[%d]", config.KeyNetwork, i),
					Message: fmt.Sprintf("%q is not available in this account and region; allowed: %s", az, strings.Join(offered, ", ")),
				}
			}
		}
		return append([]string(nil), n.AvailabilityZones...), nil
	}
	if len(offered) < n.AZCount {
		return nil, &config.FieldError{
			Key: config.KeyNetwork + ".azCount",
			Message: fmt.Sprintf("%d zones asked for, the region offers %d (%s); allowed: %d to %d",
				n.AZCount, len(offered), strings.Join(offered, ", "), config.MinAZs, len(offered)),
		}
	}
	return offered[:n.AZCount], nil
}

// Outputs are the stack outputs, named as `pulumi stack output` shows them.
func (p *Platform) Outputs() pulumi.Map {
	keyARNs := pulumi.StringMap{}
	for name, arn := range p.Keys.ARNs {
		keyARNs[name] = arn
	}
	return pulumi.Map{
		"environment":        pulumi.String(string(p.Config.Environment)),
		"region":             pulumi.String(p.Config.Region),
		"availabilityZones":  pulumi.ToStringArray(p.Network.AvailabilityZones),
		"vpcId":              p.Network.VPC.ID(),
		"vpcCidr":            pulumi.String(p.Config.Network.CIDR),
		"privateSubnetIds":   p.Network.PrivateSubnetIDs,
		"publicSubnetIds":    p.Network.PublicSubnetIDs,
		"podSubnetIds":       p.Network.PodSubnetIDs,
		"interfaceEndpoints": pulumi.ToStringArray(p.Network.InterfaceEndpointNames),
		"flowLogGroupName":   p.Network.FlowLogGroup.Name,
		"kmsKeyArns":         keyARNs,
	}
}
