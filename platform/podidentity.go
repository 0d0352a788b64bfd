package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// Roles the platform's own pods assume through EKS Pod Identity (the
// example training job's, the LLM servers' and their gateways', KEDA's,
// the Grafana token rotation's), and the statements their policies share.

// podRole is a role one Kubernetes service account assumes through EKS
// Pod Identity, with one inline policy.
type podRole struct {
	logical, name, namespace, serviceAccount, description string
	policy                                                pulumi.StringInput
	// account creates the service account too (in namespace, whose
	// resource comes first when given).
	account bool
}

// podIdentity is a podRole's resources; Account is nil when the role's
// service account is someone else's (a chart's).
type podIdentity struct {
	Role        *iam.Role
	Policy      *iam.RolePolicy
	Account     *corev1.ServiceAccount
	Association *eks.PodIdentityAssociation
}

// ready is what a pod running as the account waits for: its policy, the
// account and the association that hands it the role.
func (i *podIdentity) ready() []pulumi.Resource {
	out := []pulumi.Resource{i.Policy}
	if i.Account != nil {
		out = append(out, i.Account)
	}
	return append(out, i.Association)
}

func (p *Platform) newPodRole(ctx *pulumi.Context, r podRole, withAWS pulumi.ResourceOption, namespace ...*corev1.Namespace) (*podIdentity, error) {
	cfg := p.Config
	out := &podIdentity{}
	trust := cluster.PodIdentityTrustPolicy(cluster.PodIdentity{Account: p.Account(), ClusterName: p.Cluster.Name,
		Namespace: r.namespace, ServiceAccount: r.serviceAccount})
	var err error
	out.Role, err = iam.NewRole(ctx, r.logical, &iam.RoleArgs{
		Name: pulumi.String(r.name), Description: pulumi.String(r.description),
		AssumeRolePolicy: pulumi.String(trust.JSON()), Tags: tags.With(cfg.Tags(), "Name", r.name),
	}, withAWS)
	if err != nil {
		return nil, err
	}
	out.Policy, err = iam.NewRolePolicy(ctx, r.logical, &iam.RolePolicyArgs{Role: out.Role.ID(), Policy: r.policy}, withAWS)
	if err != nil {
		return nil, err
	}
	if r.account {
		ns := pulumi.StringPtrInput(pulumi.String(r.namespace))
		var after []pulumi.Resource
		for _, n := range namespace {
			ns, after = n.Metadata.Name(), append(after, n)
		}
		out.Account, err = corev1.NewServiceAccount(ctx, r.logical, &corev1.ServiceAccountArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(r.serviceAccount), Namespace: ns,
				Labels: pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("ml-platform")},
				// For people reading the cluster: Pod Identity needs no annotation.
				Annotations: pulumi.StringMap{"ml-platform.io/aws-role": out.Role.Arn},
			},
		}, pulumi.Provider(p.Cluster.Provider), pulumi.DependsOn(after))
		if err != nil {
			return nil, err
		}
	}
	out.Association, err = eks.NewPodIdentityAssociation(ctx, r.logical, &eks.PodIdentityAssociationArgs{
		ClusterName: p.Cluster.ClusterName, Namespace: pulumi.String(r.namespace),
		ServiceAccount: pulumi.String(r.serviceAccount), RoleArn: out.Role.Arn, Tags: tags.With(cfg.Tags(), "Name", r.name),
	}, withAWS, pulumi.DependsOn([]pulumi.Resource{out.Policy}))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// prefixListing lets a role list one prefix of a bucket.
func prefixListing(sid, bucketARN, prefix string) iamdoc.Statement {
	return iamdoc.Statement{Sid: sid, Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN},
		Condition: iamdoc.Condition{"StringLike": {"s3:prefix": {prefix + "*"}}}}
}

// dataKeyThroughS3 lets a role use the stack's data key, named by alias
// (known before the key exists), through S3 in the region only.
func (p *Platform) dataKeyThroughS3(sid, prefix string, actions ...string) iamdoc.Statement {
	return iamdoc.Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: []string{"*"},
		Condition: iamdoc.Condition{
			"ForAnyValue:StringEquals": {"kms:ResourceAliases": {keys.AliasName(prefix, KeyData)}},
			"StringEquals":             {"kms:ViaService": {"s3." + p.Config.Region + ".amazonaws.com"}},
		}}
}
