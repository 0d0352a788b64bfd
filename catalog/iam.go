package catalog

import (
	"fmt"
	"slices"
	"sort"
)

// ServiceLinkedRole is an AWS service-linked role the platform depends on.
// A key policy that grants it must be written after the role exists: KMS
// refuses key policies whose principals do not exist.
type ServiceLinkedRole struct {
	// Key is the name used in configuration ("autoscaling", "spot").
	Key string
	// Service is the AWS service principal that owns the role
	// (iam:CreateServiceLinkedRole AWSServiceName).
	Service string
	// RoleName is the role's fixed name.
	RoleName string
	// Why says what breaks without it.
	Why string
}

// ARN is the role's ARN in an account: service-linked roles live under
// the aws-service-role/<service>/ path.
func (r ServiceLinkedRole) ARN(partition, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, account, r.Path(), r.RoleName)
}

// Path is the role's IAM path, which ListRoles filters on.
func (r ServiceLinkedRole) Path() string {
	return "/aws-service-role/" + r.Service + "/"
}

// ServiceLinkedRolesSource says where the role names and their needs come from.
var ServiceLinkedRolesSource = Source{
	Description: "EC2 Auto Scaling user guide, \"Service-linked roles\" (AWSServiceRoleForAutoScaling is created with the " +
		"first Auto Scaling group) and \"Required AWS KMS key policy for use with encrypted volumes\" (the role needs " +
		"Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey and CreateGrant with kms:GrantIsForAWSResource on a " +
		"customer-managed key that encrypts its volumes); EC2 user guide, \"Service-linked role for Spot Instance requests\" " +
		"(AWSServiceRoleForEC2Spot must exist before Spot Instances are requested through the API, and needs the same key " +
		"access); Karpenter v1.14 troubleshooting \"Missing Service Linked Role\" (launches fail with " +
		"AuthFailure.ServiceLinkedRoleCreationNotPermitted in an account that never ran Spot); AWS KMS API reference, " +
		"PutKeyPolicy/CreateKey (\"The principals in the key policy must exist and be visible to KMS\").",
	URL:      "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
	Recorded: recorded,
}

var serviceLinkedRoles = []ServiceLinkedRole{
	{Key: "autoscaling", Service: "autoscaling.amazonaws.com", RoleName: "AWSServiceRoleForAutoScaling",
		Why: "managed node groups launch through EC2 Auto Scaling, which needs the cluster key for encrypted root volumes"},
	{Key: "spot", Service: "spot.amazonaws.com", RoleName: "AWSServiceRoleForEC2Spot",
		Why: "Spot Instances (managed node groups and Karpenter) cannot launch in an account without it"},
}

// ServiceLinkedRoles returns the service-linked roles the platform
// depends on, sorted by Key.
func ServiceLinkedRoles() []ServiceLinkedRole {
	out := slices.Clone(serviceLinkedRoles)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// LookupServiceLinkedRole returns a service-linked role by Key.
func LookupServiceLinkedRole(key string) (ServiceLinkedRole, bool) {
	for _, r := range serviceLinkedRoles {
		if r.Key == key {
			return r, true
		}
	}
	return ServiceLinkedRole{}, false
}

// IAMRoleNameMax is the longest role name IAM accepts (IAM user guide,
// "IAM object quotas": role names up to 64 characters); CreateRole refuses
// longer ones at `pulumi up`.
const IAMRoleNameMax = 64
