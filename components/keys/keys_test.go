package keys_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/components/observability"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
)

func args() *keys.KeysArgs {
	return &keys.KeysArgs{
		Domains: []keys.Domain{
			{Name: "data", Description: "data"},
			{Name: "logs", Description: "logs", AllowCloudWatchLogs: true},
			{Name: "cluster", Description: "volumes", VolumeLaunchers: []string{
				"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
				"arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
			}, ServicePrincipals: []string{"events.amazonaws.com"}},
		},
		AliasPrefix: "ml-platform-dev",
		Account:     awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		Tags:        map[string]string{"Team": "ml"},
	}
}

func build(t *testing.T, a *keys.KeysArgs) (*mock.Recorder, *keys.Keys, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	var k *keys.Keys
	err := rec.Run(func(ctx *pulumi.Context) error {
		var err error
		k, err = keys.NewKeys(ctx, "keys", a)
		return err
	}, nil)
	return rec, k, err
}

func TestKeys(t *testing.T) {
	rec, k, err := build(t, args())
	require.NoError(t, err)
	created := rec.ByType("aws:kms/key:Key")
	require.Len(t, created, 3)
	component := rec.ByName("ml-platform:keys:Keys", "keys")
	require.NotNil(t, component)
	for _, key := range created {
		require.True(t, key.Inputs["enableKeyRotation"].BoolValue(), key.Name)
		require.Equal(t, 30.0, key.Inputs["deletionWindowInDays"].NumberValue())
		require.Equal(t, "ml", key.Inputs["tags"].ObjectValue()["Team"].StringValue())
		require.False(t, key.Protect, "not protected unless asked")
		require.Equal(t, component.URN, key.Parent, "%s is a child of the component", key.Name)
	}
	require.Contains(t, k.ARNs, "data")
	aliases := map[string]bool{}
	for _, a := range rec.ByType("aws:kms/alias:Alias") {
		aliases[a.Inputs["name"].StringValue()] = true
	}
	require.Equal(t, map[string]bool{"alias/ml-platform-dev-data": true, "alias/ml-platform-dev-logs": true, "alias/ml-platform-dev-cluster": true}, aliases)
	require.Equal(t, "alias/ml-platform-dev-cluster", k.Aliases["cluster"], "the alias is known before the key exists")

	data := rec.ByName("aws:kms/key:Key", "keys-data").Inputs["policy"].StringValue()
	logs := rec.ByName("aws:kms/key:Key", "keys-logs").Inputs["policy"].StringValue()
	volumes := rec.ByName("aws:kms/key:Key", "keys-cluster").Inputs["policy"].StringValue()
	golden.AssertJSON(t, "key-policy-data.json", data)
	golden.AssertJSON(t, "key-policy-logs.json", logs)
	golden.AssertJSON(t, "key-policy-volumes.json", volumes)

	var doc struct {
		Statement []struct {
			Principal map[string][]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(data), &doc))
	require.Len(t, doc.Statement, 1, "the data key admits no service principal")
	require.Equal(t, []string{"arn:aws:iam::123456789012:root"}, doc.Statement[0].Principal["AWS"])
	require.NoError(t, json.Unmarshal([]byte(logs), &doc))
	require.Len(t, doc.Statement, 2)
	require.Equal(t, []string{"logs.us-east-1.amazonaws.com"}, doc.Statement[1].Principal["Service"])
}

// TestVolumeKeyGrantsTheServiceLinkedRoles checks the statements the EC2
// Auto Scaling user guide requires for a key that encrypts the volumes of
// instances an Auto Scaling group (or EC2 Spot) launches.
func TestVolumeKeyGrantsTheServiceLinkedRoles(t *testing.T) {
	launchers := args().Domains[2].VolumeLaunchers
	doc := parsePolicy(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, args().Domains[2]).JSON())
	require.Len(t, doc.Statement, 4)
	use, grant, events := doc.Statement[1], doc.Statement[2], doc.Statement[3]
	require.Equal(t, launchers, use.Principal["AWS"])
	require.ElementsMatch(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, use.Action)
	require.Equal(t, launchers, grant.Principal["AWS"])
	require.Equal(t, []string{"kms:CreateGrant"}, grant.Action)
	require.Equal(t, []string{"true"}, grant.Condition["Bool"]["kms:GrantIsForAWSResource"], "grants only for AWS resources")
	require.Equal(t, []string{"events.amazonaws.com"}, events.Principal["Service"])
	require.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, events.Action)
}

// TestKeysWaitForWhatTheirPoliciesName: KMS refuses a key policy naming a
// principal that does not exist, so every key depends on DependsOn.
func TestKeysWaitForWhatTheirPoliciesName(t *testing.T) {
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	require.NoError(t, rec.Run(func(ctx *pulumi.Context) error {
		role, err := iam.NewServiceLinkedRole(ctx, "spot", &iam.ServiceLinkedRoleArgs{AwsServiceName: pulumi.String("spot.amazonaws.com")})
		if err != nil {
			return err
		}
		a := args()
		a.DependsOn = []pulumi.Resource{role}
		_, err = keys.NewKeys(ctx, "keys", a)
		return err
	}, nil))
	role := rec.ByType("aws:iam/serviceLinkedRole:ServiceLinkedRole")[0]
	for _, key := range rec.ByType("aws:kms/key:Key") {
		require.Contains(t, key.Dependencies, role.URN, "%s waits for the role its policy may name", key.Name)
	}
}

func TestProtect(t *testing.T) {
	a := args()
	a.Protect = true
	rec, _, err := build(t, a)
	require.NoError(t, err)
	for _, key := range rec.ByType("aws:kms/key:Key") {
		require.True(t, key.Protect, key.Name)
		require.True(t, key.RetainOnDelete, key.Name)
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*keys.KeysArgs)
		want   string
	}{
		{"no domains", func(a *keys.KeysArgs) { a.Domains = nil }, "Domains: at least one domain is required"},
		{"bad name", func(a *keys.KeysArgs) { a.Domains[0].Name = "Data" }, `Domains[0].Name: "Data" must be lowercase`},
		{"duplicate", func(a *keys.KeysArgs) { a.Domains[1].Name = "data" }, `Domains[1].Name: "data" is listed twice`},
		{"no description", func(a *keys.KeysArgs) { a.Domains[0].Description = "" }, "Domains[0].Description: required"},
		{"no account", func(a *keys.KeysArgs) { a.AccountID = "" }, "AccountID: required"},
		{"not a service-linked role", func(a *keys.KeysArgs) {
			a.Domains[2].VolumeLaunchers = []string{"arn:aws:iam::123456789012:role/admin"}
		},
			`Domains[2].VolumeLaunchers[0]: "arn:aws:iam::123456789012:role/admin" is not a service-linked role ARN`},
		{"not a service principal", func(a *keys.KeysArgs) { a.Domains[2].ServicePrincipals = []string{"*"} },
			`Domains[2].ServicePrincipals[0]: "*" is not a service principal`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args()
			tc.mutate(a)
			rec, _, err := build(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources())
		})
	}
}

// keyPolicyDoc is the part of a key policy the tests read.
type keyPolicyDoc struct {
	Statement []struct {
		Sid       string
		Principal map[string][]string
		Action    []string
		Condition map[string]map[string][]string
	}
}

func parsePolicy(t *testing.T, text string) keyPolicyDoc {
	t.Helper()
	var doc keyPolicyDoc
	require.NoError(t, json.Unmarshal([]byte(text), &doc))
	return doc
}

// TestFSxS3Access: with storage's grant, a key that encrypts buckets an FSx
// data repository links lets FSx use it through S3 only, from this account, in FSx's session.
func TestFSxS3Access(t *testing.T) {
	d := keys.Domain{Name: "data", Description: "d", Grants: []keys.Grant{storage.FSxKeyGrant}}
	doc := parsePolicy(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON())
	require.Len(t, doc.Statement, 2)
	fsx := doc.Statement[1]
	require.Equal(t, "AllowFSxDataRepositoriesThroughS3", fsx.Sid)
	require.Equal(t, []string{"*"}, fsx.Principal["AWS"], "the role is named after the file system, which does not exist yet")
	require.Equal(t, []string{mock.AccountID}, fsx.Condition["StringEquals"]["kms:CallerAccount"])
	require.Equal(t, []string{"s3.eu-west-1.amazonaws.com"}, fsx.Condition["StringEquals"]["kms:ViaService"])
	require.Equal(t, []string{"*:FSx"}, fsx.Condition["StringLike"]["aws:userid"])
	require.Subset(t, fsx.Action, []string{"kms:Decrypt", "kms:GenerateDataKey*"})

	d.Grants = nil
	require.NotContains(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON(), "FSx")
}

// TestPrometheusWorkspaces: AMP may create its grants and use the key
// through AMP in the region, for this account's callers only.
func TestPrometheusWorkspaces(t *testing.T) {
	d := keys.Domain{Name: "logs", Description: "l", Grants: []keys.Grant{observability.PrometheusKeyGrant}}
	doc := parsePolicy(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON())
	require.Len(t, doc.Statement, 2)
	aps := doc.Statement[1]
	require.Equal(t, "AllowPrometheusWorkspacesOfThisAccount", aps.Sid)
	require.Equal(t, []string{mock.AccountID}, aps.Condition["StringEquals"]["kms:CallerAccount"])
	require.Equal(t, []string{"aps.eu-west-1.amazonaws.com"}, aps.Condition["StringEquals"]["kms:ViaService"])
	require.ElementsMatch(t, []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}, aps.Action)

	d.Grants = nil
	require.NotContains(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON(), "aps.")
}

// TestBedrockInvocationLogs: Bedrock may generate data keys for this
// account's invocation logs in the region, and nothing more.
func TestBedrockInvocationLogs(t *testing.T) {
	d := keys.Domain{Name: "data", Description: "d", Grants: []keys.Grant{bedrock.InvocationLogsKeyGrant}}
	doc := parsePolicy(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON())
	require.Len(t, doc.Statement, 2)
	st := doc.Statement[1]
	require.Equal(t, "AllowBedrockInvocationLogsToS3", st.Sid)
	require.Equal(t, []string{"bedrock.amazonaws.com"}, st.Principal["Service"])
	require.Equal(t, []string{"kms:GenerateDataKey"}, st.Action, "the user guide's one action")
	require.Equal(t, []string{mock.AccountID}, st.Condition["StringEquals"]["aws:SourceAccount"])
	require.Equal(t, []string{"arn:aws:bedrock:eu-west-1:123456789012:*"}, st.Condition["ArnLike"]["aws:SourceArn"])

	d.Grants = nil
	require.NotContains(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON(), "bedrock")
}

// TestS3ReaderAccounts: reader accounts may decrypt through S3 in the
// key's region only, and nothing else.
func TestS3ReaderAccounts(t *testing.T) {
	d := keys.Domain{Name: "data", Description: "d", Grants: []keys.Grant{storage.S3ReadersKeyGrant([]string{"210987654321", "109876543210"})}}
	doc := parsePolicy(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON())
	require.Len(t, doc.Statement, 2)
	st := doc.Statement[1]
	require.Equal(t, "AllowReaderAccountsThroughS3", st.Sid)
	require.Equal(t, []string{"arn:aws:iam::109876543210:root", "arn:aws:iam::210987654321:root"}, st.Principal["AWS"])
	require.Equal(t, []string{"kms:Decrypt", "kms:DescribeKey"}, st.Action)
	require.Equal(t, []string{"s3.eu-west-1.amazonaws.com"}, st.Condition["StringEquals"]["kms:ViaService"])

	d.Grants = nil
	require.NotContains(t, keys.KeyPolicy(awsarn.Account{Partition: "aws", Region: "eu-west-1", AccountID: mock.AccountID}, d).JSON(), "210987654321")
}
