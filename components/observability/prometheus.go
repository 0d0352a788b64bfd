package observability

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amp"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// PrometheusArgs is an Amazon Managed Service for Prometheus workspace,
// encrypted with a customer-managed key, that a managed collector fills
// from the cluster's accelerator exporters (catalog.PrometheusSource).
type PrometheusArgs struct {
	// Partition and AccountID place the roles' ARNs (required).
	awsarn.Account
	// KMSKeyARN encrypts the workspace (required); KMSKeyAlias names the
	// same key in the writer role's policy, known before the key exists.
	KMSKeyARN   pulumi.StringInput
	KMSKeyAlias string
	// ClusterARN is the cluster the collector scrapes (required); its
	// API has private access and its authentication mode is API, so AMP
	// creates the collector's access entry itself.
	ClusterARN pulumi.StringInput
	// VPCID, SubnetIDs and AZCount place the collector's interfaces: the
	// private subnets, in at least catalog.PrometheusMinScraperAZs AZs.
	VPCID     pulumi.StringInput
	SubnetIDs pulumi.StringArrayInput
	AZCount   int
	// ControlPlaneSecurityGroupID and NodeSecurityGroupID get the rules
	// that let the collector reach the API and the exporters (required).
	ControlPlaneSecurityGroupID, NodeSecurityGroupID pulumi.StringInput
	// ScrapeIntervalSeconds is how often the exporters are read (at least
	// catalog.PrometheusMinScrapeIntervalSeconds).
	ScrapeIntervalSeconds int
}

func (p *PrometheusArgs) validate(a *Args) []error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if p.Partition == "" || p.AccountID == "" || p.KMSKeyARN == nil || p.KMSKeyAlias == "" || p.ClusterARN == nil ||
		p.VPCID == nil || p.SubnetIDs == nil || p.ControlPlaneSecurityGroupID == nil || p.NodeSecurityGroupID == nil {
		add("Prometheus: Partition, AccountID, KMSKeyARN, KMSKeyAlias, ClusterARN, VPCID, SubnetIDs and security groups: required")
	}
	if p.AZCount < catalog.PrometheusMinScraperAZs {
		add("Prometheus.AZCount: %d; a managed collector needs subnets in at least %d AZs", p.AZCount, catalog.PrometheusMinScraperAZs)
	}
	if p.ScrapeIntervalSeconds < catalog.PrometheusMinScrapeIntervalSeconds {
		add("Prometheus.ScrapeIntervalSeconds: %d; allowed: %d or more", p.ScrapeIntervalSeconds, catalog.PrometheusMinScrapeIntervalSeconds)
	}
	if !a.NVIDIA {
		add("Prometheus: the cluster runs no NVIDIA nodes, so there is no exporter the collector can scrape " +
			"(Neuron metrics reach CloudWatch Container Insights through the add-on)")
	}
	if len(a.Name) > 50 {
		add("Name: %q is too long for the collector's role names (50 characters at most)", a.Name)
	}
	return errs
}

// Prometheus is the workspace, its collector and the collector's roles
// and security group.
type Prometheus struct {
	Workspace     *amp.Workspace
	Scraper       *amp.Scraper
	SourceRole    *iam.Role
	TargetRole    *iam.Role
	SecurityGroup *ec2.SecurityGroup
}

// ScrapeConfig is the managed collector's scrape configuration: the DCGM
// exporter's "exporter" containers on port 9400 in kube-system (plain
// HTTP). It uses only the fields the collector documents
// (catalog.AMPScrapeConfigFields). The Neuron monitor is not scraped here:
// the CloudWatch observability add-on serves it over HTTPS with a
// self-signed certificate, which only tls_config (not a documented field)
// would accept; its metrics reach CloudWatch Container Insights through the
// add-on instead. It is JSON, which a YAML parser reads as YAML.
//
// With llmNamespace set, it also scrapes the vLLM servers there: the
// "vllm" containers on their HTTP port (catalog.ServingSource).
func ScrapeConfig(clusterName string, intervalSeconds int, nvidia bool, llmNamespace string) string {
	job := func(name, namespace string, match []string, regex string) map[string]any {
		return map[string]any{
			"job_name":              name,
			"kubernetes_sd_configs": []map[string]any{{"role": "pod", "namespaces": map[string]any{"names": []string{namespace}}}},
			"relabel_configs": []map[string]any{
				{"source_labels": match, "regex": regex, "action": "keep"},
				{"source_labels": []string{"__meta_kubernetes_pod_node_name"}, "target_label": "node"},
				{"source_labels": []string{"__meta_kubernetes_pod_name"}, "target_label": "pod"},
			},
		}
	}
	jobs := []map[string]any{}
	if nvidia {
		jobs = append(jobs, job("dcgm-exporter", dcgmNamespace(),
			[]string{"__meta_kubernetes_pod_container_name", "__meta_kubernetes_pod_container_port_number"},
			fmt.Sprintf("exporter;%d", catalog.DCGMExporterPort)))
	}
	if llmNamespace != "" {
		jobs = append(jobs, job("vllm", llmNamespace,
			[]string{"__meta_kubernetes_pod_container_name", "__meta_kubernetes_pod_container_port_number"},
			fmt.Sprintf("vllm;%d", catalog.VLLMPort)))
	}
	out, _ := json.MarshalIndent(map[string]any{
		"global": map[string]any{
			"scrape_interval": strconv.Itoa(intervalSeconds) + "s",
			"external_labels": map[string]string{"cluster": clusterName},
		},
		"scrape_configs": jobs,
	}, "", "  ")
	return string(out)
}

func llmNamespace(a *Args) string {
	if !a.LLMServers {
		return ""
	}
	return a.LLMNamespace
}

func dcgmNamespace() string {
	c, _ := catalog.LookupChart("dcgm-exporter")
	return c.Namespace
}

// ScraperSourceTrust lets the managed collectors of this account and
// region assume the source role. The scraper's own ARN is unknown until it
// exists; the guide's procedure starts from scraper/*, kept here.
func ScraperSourceTrust(a awsarn.Account) iamdoc.Document {
	partition, region, account := a.Partition, a.Region, a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{"scraper.aps.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"ArnLike":      {"aws:SourceArn": {scraperARNs(awsarn.Account{Partition: partition, Region: region, AccountID: account})}},
			"StringEquals": {"aws:SourceAccount": {account}},
		},
	})
}

// ScraperTargetTrust lets the source role assume the writer role on behalf
// of this account's collectors (the external ID is the scraper's ARN).
func ScraperTargetTrust(a awsarn.Account, sourceRoleARN string) iamdoc.Document {
	partition, region, account := a.Partition, a.Region, a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{AWS: []string{sourceRoleARN}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{"StringLike": {"sts:ExternalId": {scraperARNs(awsarn.Account{Partition: partition, Region: region, AccountID: account})}}},
	})
}

// ScraperWriterPolicy writes to the one workspace. The key statement is
// conservative (the guide does not say a writer needs it): the workspace's
// key through AMP only.
func ScraperWriterPolicy(region, workspaceARN, keyAlias string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Allow("RemoteWrite", []string{"aps:RemoteWrite"}, workspaceARN),
		iamdoc.Statement{Sid: "WorkspaceKeyThroughAMP", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource: []string{"*"},
			Condition: iamdoc.Condition{
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {keyAlias}},
				"StringEquals":             {"kms:ViaService": {fmt.Sprintf("aps.%s.amazonaws.com", region)}},
			}},
	)
}

func scraperARNs(a awsarn.Account) string {
	return a.ARN("aps", "scraper/*")
}

func roleARN(a awsarn.Account, name string) string {
	return a.Role(name)
}

// prometheus registers the workspace and its collector.
func (o *Observability) prometheus(ctx *pulumi.Context, name string, a *Args, parent pulumi.ResourceOption) (*Prometheus, error) {
	p := a.Prometheus
	tag := func(n string) pulumi.StringMap { return tags.With(a.Tags, "Name", n) }
	out := &Prometheus{}
	var err error
	out.Workspace, err = amp.NewWorkspace(ctx, name+"-prometheus", &amp.WorkspaceArgs{
		Alias:     pulumi.String(a.Name),
		KmsKeyArn: p.KMSKeyARN,
		Tags:      tag(a.Name),
	}, parent)
	if err != nil {
		return nil, err
	}

	sourceName, targetName := a.Name+"-amp-scraper", a.Name+"-amp-writer"
	out.SourceRole, err = iam.NewRole(ctx, name+"-scraper-source", &iam.RoleArgs{
		Name:             pulumi.String(sourceName),
		Description:      pulumi.String("The managed Prometheus collector of " + a.Name + " assumes this role, then the writer role"),
		AssumeRolePolicy: pulumi.String(ScraperSourceTrust(awsarn.Account{Partition: p.Partition, Region: a.Region, AccountID: p.AccountID}).JSON()),
		Tags:             tag(sourceName),
	}, parent)
	if err != nil {
		return nil, err
	}
	// IAM refuses a trust policy whose principal does not exist yet.
	out.TargetRole, err = iam.NewRole(ctx, name+"-scraper-writer", &iam.RoleArgs{
		Name:        pulumi.String(targetName),
		Description: pulumi.String("Writes the managed Prometheus collector's samples to the workspace of " + a.Name),
		AssumeRolePolicy: pulumi.String(ScraperTargetTrust(awsarn.Account{Partition: p.Partition, Region: a.Region, AccountID: p.AccountID},
			roleARN(p.Account, sourceName)).JSON()),
		Tags: tag(targetName),
	}, parent, pulumi.DependsOn([]pulumi.Resource{out.SourceRole}))
	if err != nil {
		return nil, err
	}
	writer, err := iam.NewRolePolicy(ctx, name+"-scraper-writer", &iam.RolePolicyArgs{
		Role: out.TargetRole.Name,
		Policy: out.Workspace.Arn.ApplyT(func(ws string) string {
			return ScraperWriterPolicy(a.Region, ws, p.KMSKeyAlias).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	assume, err := iam.NewRolePolicy(ctx, name+"-scraper-source", &iam.RolePolicyArgs{
		Role: out.SourceRole.Name,
		Policy: pulumi.String(iamdoc.New(iamdoc.Allow("AssumeWriter", []string{"sts:AssumeRole"},
			roleARN(p.Account, targetName))).JSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{out.TargetRole}))
	if err != nil {
		return nil, err
	}

	// The collector's interfaces reach the API server and the exporters,
	// and nothing else.
	sgName := a.Name + "-amp-scraper"
	out.SecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-scraper", &ec2.SecurityGroupArgs{
		VpcId:       p.VPCID,
		Description: pulumi.String("Managed Prometheus collector: the Kubernetes API and the accelerator exporters"),
		Tags:        tag(sgName),
	}, parent)
	if err != nil {
		return nil, err
	}
	type opening struct {
		name string
		port int
		to   pulumi.StringInput
	}
	ports := []opening{{"api", 443, p.ControlPlaneSecurityGroupID}}
	if a.NVIDIA {
		ports = append(ports, opening{"dcgm", catalog.DCGMExporterPort, p.NodeSecurityGroupID})
	}
	if a.LLMServers {
		ports = append(ports, opening{"vllm", catalog.VLLMPort, p.NodeSecurityGroupID})
	}
	var rules []pulumi.Resource
	for _, r := range ports {
		egress, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-scraper-to-"+r.name, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: out.SecurityGroup.ID(), ReferencedSecurityGroupId: r.to,
			IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
			Description: pulumi.String("Managed Prometheus collector to " + r.name), Tags: tag(sgName + "-to-" + r.name),
		}, parent)
		if err != nil {
			return nil, err
		}
		ingress, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.name+"-from-scraper", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: r.to, ReferencedSecurityGroupId: out.SecurityGroup.ID(),
			IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
			Description: pulumi.String(r.name + " from the managed Prometheus collector"), Tags: tag(sgName + "-" + r.name),
		}, parent)
		if err != nil {
			return nil, err
		}
		rules = append(rules, egress, ingress)
	}

	out.Scraper, err = amp.NewScraper(ctx, name+"-scraper", &amp.ScraperArgs{
		Alias:               pulumi.String(a.Name),
		ScrapeConfiguration: pulumi.String(ScrapeConfig(a.ClusterName, p.ScrapeIntervalSeconds, a.NVIDIA, llmNamespace(a))),
		Source: &amp.ScraperSourceArgs{Eks: &amp.ScraperSourceEksArgs{
			ClusterArn: p.ClusterARN, SubnetIds: p.SubnetIDs, SecurityGroupIds: pulumi.StringArray{out.SecurityGroup.ID()},
		}},
		Destination: &amp.ScraperDestinationArgs{Amp: &amp.ScraperDestinationAmpArgs{WorkspaceArn: out.Workspace.Arn}},
		RoleConfiguration: &amp.ScraperRoleConfigurationArgs{
			SourceRoleArn: out.SourceRole.Arn, TargetRoleArn: out.TargetRole.Arn,
		},
		Tags: tag(a.Name),
	}, parent, pulumi.DependsOn(append(rules, writer, assume)))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PrometheusKeyGrant lets Amazon Managed Service for Prometheus use the
// key for this account's workspaces: the grants it creates, and the data
// keys they allow, through AMP in the region only (AMP user guide,
// "Encryption at rest").
func PrometheusKeyGrant(a awsarn.Account) iamdoc.Statement {
	return iamdoc.Statement{
		Sid:       "AllowPrometheusWorkspacesOfThisAccount",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{AWS: []string{"*"}},
		Action:    []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"},
		Resource:  []string{"*"},
		Condition: iamdoc.Condition{"StringEquals": {
			"kms:CallerAccount": {a.AccountID}, "kms:ViaService": {"aps." + a.Region + ".amazonaws.com"},
		}},
	}
}
