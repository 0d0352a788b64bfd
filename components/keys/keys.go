package keys

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// DeletionWindowDays is how long a scheduled key deletion can be cancelled:
// the AWS maximum, since losing a key loses every object it encrypted.
const DeletionWindowDays = 30

// Domain is one data domain that gets its own key.
type Domain struct {
	// Name is the domain's short name (required), used in logical names and the alias.
	Name string
	// Description is the key's description (required).
	Description string
	// AllowCloudWatchLogs lets CloudWatch Logs in the region use the key for
	// log groups of this account. Defaults to false.
	AllowCloudWatchLogs bool
	// VolumeLaunchers are service-linked role ARNs that launch instances
	// whose EBS volumes the key encrypts (Auto Scaling for managed node
	// groups, EC2 Spot): they get the key policy the EC2 Auto Scaling user
	// guide requires. Defaults to none.
	VolumeLaunchers []string
	// ServicePrincipals are AWS service principals that use the key for this
	// account's resources, such as events.amazonaws.com delivering to an
	// encrypted SQS queue. Defaults to none.
	ServicePrincipals []string
	// Grants are statements the services that use the key contribute, in
	// the order given: each consumer of a key writes its own (storage's
	// FSxKeyGrant and S3ReadersKeyGrant, bedrock's InvocationLogsKeyGrant,
	// observability's PrometheusKeyGrant), and the key grants them.
	// Defaults to none.
	Grants []Grant
}

// Grant is a key policy statement a service that uses the key needs,
// written by the component that knows the service; it is built for the
// account the key is in.
type Grant func(awsarn.Account) iamdoc.Statement

// KeysArgs configures the keys.
type KeysArgs struct {
	// Domains are the keys to create (required, names unique).
	Domains []Domain
	// AliasPrefix prefixes every alias, e.g. "ml-platform-dev" gives alias/ml-platform-dev-data (required).
	AliasPrefix string
	// Partition, Region and AccountID place the key policy's ARNs (required).
	awsarn.Account
	// Protect marks the keys protected and retained on delete (prod). Defaults to false.
	Protect bool
	// DependsOn are resources every key waits for: the service-linked roles
	// its policy names (KMS refuses a policy whose principals do not exist).
	// Defaults to none.
	DependsOn []pulumi.Resource
	// Tags are applied to every key (required: the stack's tags).
	Tags map[string]string
}

// Keys is the set of domain keys.
type Keys struct {
	pulumi.ResourceState

	// Keys maps a domain name to its key.
	Keys map[string]*kms.Key
	// ARNs maps a domain name to its key ARN.
	ARNs map[string]pulumi.StringOutput
	// Aliases maps a domain name to its alias ("alias/<prefix>-<domain>"),
	// known before the key exists.
	Aliases map[string]string
}

var (
	domainName        = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	serviceLinkedRole = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/aws-service-role/[a-z0-9.-]+\.amazonaws\.com/[\w+=,.@-]+$`)
	servicePrincipal  = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$`)
)

func (a *KeysArgs) validate() error {
	var errs []error
	if len(a.Domains) == 0 {
		errs = append(errs, errors.New("Domains: at least one domain is required"))
	}
	seen := map[string]bool{}
	for i, d := range a.Domains {
		switch {
		case !domainName.MatchString(d.Name):
			errs = append(errs, fmt.Errorf("Domains[%d].Name: %q must be lowercase letters, digits and dashes", i, d.Name))
		case seen[d.Name]:
			errs = append(errs, fmt.Errorf("Domains[%d].Name: %q is listed twice", i, d.Name))
		}
		seen[d.Name] = true
		if d.Description == "" {
			errs = append(errs, fmt.Errorf("Domains[%d].Description: required", i))
		}
		for j, arn := range d.VolumeLaunchers {
			if !serviceLinkedRole.MatchString(arn) {
				errs = append(errs, fmt.Errorf("Domains[%d].VolumeLaunchers[%d]: %q is not a service-linked role ARN (arn:<partition>:iam::<account>:role/aws-service-role/<service>/<name>)", i, j, arn))
			}
		}
		for j, p := range d.ServicePrincipals {
			if !servicePrincipal.MatchString(p) {
				errs = append(errs, fmt.Errorf("Domains[%d].ServicePrincipals[%d]: %q is not a service principal such as events.amazonaws.com", i, j, p))
			}
		}
	}
	for field, v := range map[string]string{"AliasPrefix": a.AliasPrefix, "Partition": a.Partition, "Region": a.Region, "AccountID": a.AccountID} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s: required", field))
		}
	}
	sortErrors(errs)
	return errors.Join(errs...)
}

// NewKeys creates one customer-managed key and alias per domain.
func NewKeys(ctx *pulumi.Context, name string, args *KeysArgs, opts ...pulumi.ResourceOption) (*Keys, error) {
	if args == nil {
		return nil, errors.New("keys: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("keys %q: %w", name, err)
	}
	c := &Keys{Keys: map[string]*kms.Key{}, ARNs: map[string]pulumi.StringOutput{}, Aliases: map[string]string{}}
	if err := ctx.RegisterComponentResource("ml-platform:keys:Keys", name, c, opts...); err != nil {
		return nil, err
	}
	childOpts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.DependsOn(args.DependsOn)}
	if args.Protect {
		childOpts = append(childOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	outputs := pulumi.Map{}
	for _, d := range args.Domains {
		keyName := name + "-" + d.Name
		key, err := kms.NewKey(ctx, keyName, &kms.KeyArgs{
			Description:          pulumi.String(d.Description),
			EnableKeyRotation:    pulumi.Bool(true),
			DeletionWindowInDays: pulumi.Int(DeletionWindowDays),
			KeyUsage:             pulumi.String("ENCRYPT_DECRYPT"),
			Policy:               pulumi.String(KeyPolicy(args.Account, d).JSON()),
			Tags:                 tags.With(args.Tags, "Name", keyName, "DataDomain", d.Name),
		}, childOpts...)
		if err != nil {
			return nil, err
		}
		alias := AliasName(args.AliasPrefix, d.Name)
		if _, err := kms.NewAlias(ctx, keyName, &kms.AliasArgs{
			Name:        pulumi.String(alias),
			TargetKeyId: key.KeyId,
		}, pulumi.Parent(c)); err != nil {
			return nil, err
		}
		c.Aliases[d.Name] = alias
		c.Keys[d.Name] = key
		c.ARNs[d.Name] = key.Arn
		outputs[d.Name+"KeyArn"] = key.Arn
	}
	if err := ctx.RegisterResourceOutputs(c, outputs); err != nil {
		return nil, err
	}
	return c, nil
}

// AliasName is a domain key's alias.
func AliasName(prefix, domain string) string { return fmt.Sprintf("alias/%s-%s", prefix, domain) }

// KeyPolicy is the key policy of one domain key: the account's IAM policies
// administer and use the key (no principal outside the account);
// CloudWatch Logs may use it for this account's log groups; the volume
// launchers get the two statements the EC2 Auto Scaling user guide
// requires ("Required AWS KMS key policy for use with encrypted volumes");
// service principals may encrypt and decrypt for this account's resources;
// then each consumer's own grants.
func KeyPolicy(a awsarn.Account, d Domain) iamdoc.Document {
	region := a.Region
	statements := []iamdoc.Statement{{
		Sid:       "DelegateToAccountIAM",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{AWS: []string{a.Root()}},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}}
	if d.AllowCloudWatchLogs {
		statements = append(statements, iamdoc.Statement{
			Sid:       "AllowCloudWatchLogsOfThisAccount",
			Effect:    "Allow",
			Principal: &iamdoc.Principal{Service: []string{fmt.Sprintf("logs.%s.amazonaws.com", region)}},
			Action:    []string{"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resource:  []string{"*"},
			Condition: iamdoc.Condition{"ArnLike": {
				"kms:EncryptionContext:aws:logs:arn": {a.ARN("logs", "log-group:*")},
			}},
		})
	}
	if len(d.VolumeLaunchers) > 0 {
		launchers := &iamdoc.Principal{AWS: slices.Clone(d.VolumeLaunchers)}
		statements = append(statements,
			iamdoc.Statement{
				Sid:       "AllowServiceLinkedRolesToUseTheKeyForVolumes",
				Effect:    "Allow",
				Principal: launchers,
				Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
				Resource:  []string{"*"},
			},
			iamdoc.Statement{
				Sid:       "AllowServiceLinkedRolesToAttachVolumes",
				Effect:    "Allow",
				Principal: launchers,
				Action:    []string{"kms:CreateGrant"},
				Resource:  []string{"*"},
				Condition: iamdoc.Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}},
			},
		)
	}
	if len(d.ServicePrincipals) > 0 {
		// No aws:SourceAccount condition: services such as EventBridge do not
		// document passing it to KMS when they write to an encrypted queue,
		// and a condition they do not satisfy would drop every delivery.
		// The key still only decrypts data of this account's resources.
		statements = append(statements, iamdoc.Statement{
			Sid:       "AllowServicesToUseTheKeyForTheirResources",
			Effect:    "Allow",
			Principal: &iamdoc.Principal{Service: slices.Clone(d.ServicePrincipals)},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resource:  []string{"*"},
		})
	}
	for _, g := range d.Grants {
		statements = append(statements, g(a))
	}
	return iamdoc.New(statements...)
}

func sortErrors(errs []error) {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
}
