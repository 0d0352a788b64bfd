package keys

import (
	"errors"
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/iamdoc"
	"github.com/ml-platform/ml-platform/internal/tags"
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
}

// KeysArgs configures the keys.
type KeysArgs struct {
	// Domains are the keys to create (required, names unique).
	Domains []Domain
	// AliasPrefix prefixes every alias, e.g. "ml-platform-dev" gives alias/ml-platform-dev-data (required).
	AliasPrefix string
	// Partition, Region and AccountID place the key policy's ARNs (required).
	Partition, Region, AccountID string
	// Protect marks the keys protected and retained on delete (prod). Defaults to false.
	Protect bool
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
}

var domainName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

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
	c := &Keys{Keys: map[string]*kms.Key{}, ARNs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("ml-platform:keys:Keys", name, c, opts...); err != nil {
		return nil, err
	}
	childOpts := []pulumi.ResourceOption{pulumi.Parent(c)}
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
			Policy:               pulumi.String(KeyPolicy(args.Partition, args.Region, args.AccountID, d).JSON()),
			Tags:                 tags.With(args.Tags, "Name", keyName, "DataDomain", d.Name),
		}, childOpts...)
		if err != nil {
			return nil, err
		}
		if _, err := kms.NewAlias(ctx, keyName, &kms.AliasArgs{
			Name:        pulumi.String(fmt.Sprintf("alias/%s-%s", args.AliasPrefix, d.Name)),
			TargetKeyId: key.KeyId,
		}, pulumi.Parent(c)); err != nil {
			return nil, err
		}
		c.Keys[d.Name] = key
		c.ARNs[d.Name] = key.Arn
		outputs[d.Name+"KeyArn"] = key.Arn
	}
	if err := ctx.RegisterResourceOutputs(c, outputs); err != nil {
		return nil, err
	}
	return c, nil
}

// KeyPolicy is the key policy of one domain key: the account's IAM policies
// administer and use the key (no principal outside the account), and
// CloudWatch Logs may use it for this account's log groups when the domain
// asks for it.
func KeyPolicy(partition, region, account string, d Domain) iamdoc.Document {
	statements := []iamdoc.Statement{{
		Sid:       "DelegateToAccountIAM",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{AWS: []string{iamdoc.AccountRoot(partition, account)}},
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
				"kms:EncryptionContext:aws:logs:arn": {fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", partition, region, account)},
			}},
		})
	}
	return iamdoc.New(statements...)
}

func sortErrors(errs []error) {
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
}
