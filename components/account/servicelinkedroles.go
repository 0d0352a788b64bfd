package account

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/tags"
)

// ServiceLinkedRolesArgs says which service-linked roles to create.
type ServiceLinkedRolesArgs struct {
	// Keys are catalog.ServiceLinkedRoles keys ("autoscaling", "spot")
	// (required, at least one, each once).
	Keys []string
	// Tags are applied to every role (required: the stack's tags).
	Tags map[string]string
}

// ServiceLinkedRoles are the created roles.
type ServiceLinkedRoles struct {
	pulumi.ResourceState

	// Roles by catalog key.
	Roles map[string]*iam.ServiceLinkedRole
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

// NewServiceLinkedRoles creates the roles. They are retained on delete:
// they belong to the account, and AWS services (and other stacks) keep
// using them after this stack is gone.
func NewServiceLinkedRoles(ctx *pulumi.Context, name string, args *ServiceLinkedRolesArgs, opts ...pulumi.ResourceOption) (*ServiceLinkedRoles, error) {
	if args == nil {
		return nil, errors.New("service-linked roles: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("service-linked roles %q: %w", name, err)
	}
	s := &ServiceLinkedRoles{Roles: map[string]*iam.ServiceLinkedRole{}}
	if err := ctx.RegisterComponentResource("ml-platform:account:ServiceLinkedRoles", name, s, opts...); err != nil {
		return nil, err
	}
	for _, k := range args.Keys {
		r, _ := catalog.LookupServiceLinkedRole(k)
		role, err := iam.NewServiceLinkedRole(ctx, name+"-"+k, &iam.ServiceLinkedRoleArgs{
			AwsServiceName: pulumi.String(r.Service),
			Description:    pulumi.String("Needed by the ML platform: " + r.Why),
			Tags:           tags.With(args.Tags, "Name", r.RoleName),
		}, pulumi.Parent(s), pulumi.RetainOnDelete(true))
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
