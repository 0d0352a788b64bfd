package sagemaker

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// ExecutionRoleArgs configures the execution role jobs, endpoints,
// pipelines and Studio apps run as.
type ExecutionRoleArgs struct {
	// Scope is what the role may touch (required; Scope.RoleName names it).
	Scope RoleScope
	// Description says who the role serves. Defaults to a generic one.
	Description string
	// Tags are applied to the role (required).
	Tags map[string]string
}

// ExecutionRole is the role and its policy.
type ExecutionRole struct {
	pulumi.ResourceState

	Role   *iam.Role
	Policy *iam.RolePolicy
	// ARN is the role's ARN, known before it exists (fixed name).
	ARN string
}

// NewExecutionRole creates the SageMaker execution role.
func NewExecutionRole(ctx *pulumi.Context, name string, args *ExecutionRoleArgs, opts ...pulumi.ResourceOption) (*ExecutionRole, error) {
	if args == nil || args.Scope.RoleName == "" || args.Scope.AccountID == "" || len(args.Scope.RoleName) > 64 {
		return nil, errors.New("execution role: Scope with RoleName (at most 64 characters) and AccountID is required")
	}
	r := &ExecutionRole{ARN: args.Scope.Role(args.Scope.RoleName)}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:ExecutionRole", name, r, opts...); err != nil {
		return nil, err
	}
	var err error
	r.Role, err = iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.Scope.RoleName),
		Description:      pulumi.String(cmp.Or(args.Description, "SageMaker execution role of the ML platform")),
		AssumeRolePolicy: pulumi.String(SageMakerTrustPolicy(args.Scope.AccountID).JSON()),
		Tags:             tags.With(args.Tags, "Name", args.Scope.RoleName),
	}, pulumi.Parent(r))
	if err != nil {
		return nil, err
	}
	r.Policy, err = iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role:   r.Role.ID(),
		Policy: pulumi.String(ExecutionPolicy(args.Scope).JSON()),
	}, pulumi.Parent(r))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"arn": r.Role.Arn}); err != nil {
		return nil, err
	}
	return r, nil
}

// DomainArgs configures the Studio domain.
type DomainArgs struct {
	// Name is the domain's name (required).
	Name string
	// VPCID, VPCCIDR and SubnetIDs place it in the private subnets (required).
	VPCID     pulumi.StringInput
	VPCCIDR   string
	SubnetIDs pulumi.StringArrayInput
	// S3PrefixListID is the S3 gateway endpoint's prefix list: apps reach S3
	// through it (required).
	S3PrefixListID pulumi.StringInput
	// ExecutionRoleARN runs the users' apps (required).
	ExecutionRoleARN pulumi.StringInput
	// KMSKeyARN encrypts the home directories' EFS and shared notebooks (required).
	KMSKeyARN pulumi.StringInput
	// Domain is the profiles and idle timeout, as config produces them
	// (spec.Domain).
	spec.Domain
	// DeleteHomeOnDestroy deletes the home directories' EFS with the
	// domain (dev); otherwise AWS keeps it. Defaults to false.
	DeleteHomeOnDestroy bool
	// Protect protects the domain (prod). Defaults to false.
	Protect bool
	// DependsOn are what the domain needs first: the interface endpoints
	// its apps reach AWS through. Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are applied to everything taggable (required).
	Tags map[string]string
}

// Domain is the VPC-only Studio domain, its security group and profiles.
type Domain struct {
	pulumi.ResourceState

	Domain        *sagemaker.Domain
	SecurityGroup *ec2.SecurityGroup
	UserProfiles  map[string]*sagemaker.UserProfile
}

var profileName = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)

func (a *DomainArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if !profileName.MatchString(a.Name) {
		add("Name: %q is not a domain name", a.Name)
	}
	if a.VPCID == nil || a.SubnetIDs == nil || a.VPCCIDR == "" || a.S3PrefixListID == nil {
		add("VPCID, VPCCIDR, SubnetIDs, S3PrefixListID: required")
	}
	if a.ExecutionRoleARN == nil || a.KMSKeyARN == nil {
		add("ExecutionRoleARN, KMSKeyARN: required")
	}
	seen := map[string]bool{}
	for i, u := range a.UserProfiles {
		if !profileName.MatchString(u) || seen[u] {
			add("UserProfiles[%d]: %q is not a profile name or is listed twice", i, u)
		}
		seen[u] = true
	}
	return errors.Join(errs...)
}

// NewDomain creates a VPC-only Studio domain in the private subnets: its
// apps reach AWS only through the VPC endpoints, their home directories
// are encrypted with the key, idle JupyterLab apps shut down, and notebook
// sharing is off.
func NewDomain(ctx *pulumi.Context, name string, args *DomainArgs, opts ...pulumi.ResourceOption) (*Domain, error) {
	if args == nil {
		return nil, errors.New("domain: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("domain %q: %w", name, err)
	}
	d := &Domain{UserProfiles: map[string]*sagemaker.UserProfile{}}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:Domain", name, d, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }

	var err error
	var rules []pulumi.Resource
	d.SecurityGroup, rules, err = privateSecurityGroup(ctx, name, privateGroup{
		Description: "SageMaker Studio " + args.Name + ": apps, their EFS (NFS inside the group), the VPC endpoints and S3",
		Name:        args.Name + "-studio", VPCID: args.VPCID, VPCCIDR: args.VPCCIDR, S3PrefixListID: args.S3PrefixListID, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	retention := "Retain"
	if args.DeleteHomeOnDestroy {
		retention = "Delete"
	}
	domainOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn(append(rules, args.DependsOn...))}
	if args.Protect {
		domainOpts = append(domainOpts, pulumi.Protect(true))
	}
	d.Domain, err = sagemaker.NewDomain(ctx, name, &sagemaker.DomainArgs{
		DomainName:           pulumi.String(args.Name),
		AuthMode:             pulumi.String("IAM"),
		VpcId:                args.VPCID,
		SubnetIds:            args.SubnetIDs,
		AppNetworkAccessType: pulumi.String("VpcOnly"),
		KmsKeyId:             args.KMSKeyARN,
		DefaultUserSettings: sagemaker.DomainDefaultUserSettingsArgs{
			ExecutionRole:     args.ExecutionRoleARN,
			SecurityGroups:    pulumi.StringArray{d.SecurityGroup.ID()},
			DefaultLandingUri: pulumi.String("studio::"),
			StudioWebPortal:   pulumi.String("ENABLED"),
			SharingSettings:   sagemaker.DomainDefaultUserSettingsSharingSettingsArgs{NotebookOutputOption: pulumi.String("Disabled")},
			JupyterLabAppSettings: sagemaker.DomainDefaultUserSettingsJupyterLabAppSettingsArgs{
				AppLifecycleManagement: sagemaker.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementArgs{
					IdleSettings: sagemaker.DomainDefaultUserSettingsJupyterLabAppSettingsAppLifecycleManagementIdleSettingsArgs{
						LifecycleManagement:  pulumi.String("ENABLED"),
						IdleTimeoutInMinutes: pulumi.Int(args.IdleTimeoutMinutes),
					},
				},
			},
		},
		DomainSettings: sagemaker.DomainDomainSettingsArgs{
			SecurityGroupIds: pulumi.StringArray{d.SecurityGroup.ID()},
			DockerSettings:   sagemaker.DomainDomainSettingsDockerSettingsArgs{EnableDockerAccess: pulumi.String("DISABLED")},
		},
		RetentionPolicy: sagemaker.DomainRetentionPolicyArgs{HomeEfsFileSystem: pulumi.String(retention)},
		Tags:            tag("Name", args.Name),
	}, domainOpts...)
	if err != nil {
		return nil, err
	}
	for _, u := range args.UserProfiles {
		d.UserProfiles[u], err = sagemaker.NewUserProfile(ctx, name+"-"+u, &sagemaker.UserProfileArgs{
			DomainId:        d.Domain.ID(),
			UserProfileName: pulumi.String(u),
			Tags:            tag("Name", u),
		}, parent)
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{"domainId": d.Domain.ID(), "url": d.Domain.Url}); err != nil {
		return nil, err
	}
	return d, nil
}
