package account

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// ServiceLinkedRolesArgs says which service-linked roles the stack needs.
type ServiceLinkedRolesArgs struct {
	// Keys are catalog.ServiceLinkedRoles keys ("autoscaling", "spot")
	// (required, at least one, each once).
	Keys []string
	// Tags are applied to every role the stack creates (required: the
	// stack's tags, with the Stack tag that marks a role as this stack's).
	Tags map[string]string
}

// ServiceLinkedRoles are the roles the stack needs: the ones it created
// (Roles) and the ones the account already had (Existing).
//
// A service-linked role exists once per account: AWS creates it with the
// first Auto Scaling group or Spot request, another stack may have
// created it, and a destroyed stack leaves its roles behind (they are
// retained). IAM refuses a second CreateServiceLinkedRole ("Service role
// name ... has been taken in this account"), so the component looks each
// role up during the program and creates only the missing ones. A role
// the account has that carries this stack's Stack tag is the stack's own,
// from an earlier update or an earlier life of the stack: it is adopted
// (pulumi.Import, a no-op once in the state) rather than created again, so
// the second update does not drop it from the state.
type ServiceLinkedRoles struct {
	pulumi.ResourceState

	// Roles are the roles this stack manages, by catalog key.
	Roles map[string]*iam.ServiceLinkedRole
	// Existing are the roles the account had, not this stack's, by key
	// (their ARNs).
	Existing map[string]string
}

// Resources returns the roles, for DependsOn, in the order of the keys.
func (s *ServiceLinkedRoles) Resources(keys []string) []pulumi.Resource {
	var out []pulumi.Resource
	for _, k := range keys {
		if r, ok := s.Roles[k]; ok {
			out = append(out, r)
		}
	}
	return out
}

func (a *ServiceLinkedRolesArgs) validate() error {
	var errs []error
	if a.Tags[conventions.TagStack] == "" {
		errs = append(errs, fmt.Errorf("Tags: %q is required (it marks the roles this stack created)", conventions.TagStack))
	}
	if len(a.Keys) == 0 {
		errs = append(errs, errors.New("Keys: at least one role is required"))
	}
	seen := map[string]bool{}
	for i, k := range a.Keys {
		if _, ok := catalog.LookupServiceLinkedRole(k); !ok {
			errs = append(errs, fmt.Errorf("Keys[%d]: %q is not in catalog.ServiceLinkedRoles", i, k))
		}
		if seen[k] {
			errs = append(errs, fmt.Errorf("Keys[%d]: %q is listed twice", i, k))
		}
		seen[k] = true
	}
	return errors.Join(errs...)
}

// NewServiceLinkedRoles looks the roles up and creates the missing ones.
// Created roles are retained on delete: they belong to the account, and AWS
// services (and other stacks) keep using them after this stack is gone.
func NewServiceLinkedRoles(ctx *pulumi.Context, name string, args *ServiceLinkedRolesArgs, opts ...pulumi.ResourceOption) (*ServiceLinkedRoles, error) {
	if args == nil {
		return nil, errors.New("service-linked roles: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("service-linked roles %q: %w", name, err)
	}
	s := &ServiceLinkedRoles{Roles: map[string]*iam.ServiceLinkedRole{}, Existing: map[string]string{}}
	if err := ctx.RegisterComponentResource("ml-platform:account:ServiceLinkedRoles", name, s, opts...); err != nil {
		return nil, err
	}
	// One listing answers for every role: service-linked roles live under
	// /aws-service-role/<service>/, which nothing else can use.
	var names []string
	for _, k := range args.Keys {
		r, _ := catalog.LookupServiceLinkedRole(k)
		names = append(names, regexp.QuoteMeta(r.RoleName))
	}
	found, err := iam.GetRoles(ctx, &iam.GetRolesArgs{
		NameRegex:  pulumi.StringRef("^(" + strings.Join(names, "|") + ")$"),
		PathPrefix: pulumi.StringRef("/aws-service-role/"),
	}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("service-linked roles %q: listing the account's roles: %w", name, err)
	}
	for _, k := range args.Keys {
		r, _ := catalog.LookupServiceLinkedRole(k)
		var own []pulumi.ResourceOption
		if slices.ContainsFunc(found.Arns, func(arn string) bool { return strings.HasSuffix(arn, ":role"+r.Path()+r.RoleName) }) {
			role, err := iam.LookupRole(ctx, &iam.LookupRoleArgs{Name: r.RoleName}, pulumi.Parent(s))
			if err != nil {
				return nil, fmt.Errorf("service-linked roles %q: reading %s: %w", name, r.RoleName, err)
			}
			if role.Tags[conventions.TagStack] != args.Tags[conventions.TagStack] {
				s.Existing[k] = role.Arn
				continue
			}
			own = append(own, pulumi.Import(pulumi.ID(role.Arn)))
		}
		role, err := iam.NewServiceLinkedRole(ctx, name+"-"+k, &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String(r.Service),
			Description:    pulumi.String("Needed by the ML platform: " + r.Why),
			Tags:           tags.With(args.Tags, "Name", r.RoleName),
		}, append(own, pulumi.Parent(s), pulumi.RetainOnDelete(true))...)
		if err != nil {
			return nil, err
		}
		s.Roles[k] = role
	}
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{}); err != nil {
		return nil, err
	}
	return s, nil
}
