package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/platform"
)

const (
	devStack  = "organization/ml-platform/dev"
	prodStack = "organization/ml-platform/prod"
)

// stubbedDev is a dev promotion output that no preview would produce: an
// approved model package, its own image, buckets and key, so the test
// proves prod deploys what the reference says and nothing of its own.
func stubbedDev(account, region string, readers ...string) map[string]any {
	if readers == nil {
		readers = []string{}
	}
	churn := map[string]any{
		"image":           "210987654321.dkr.ecr.us-east-1.amazonaws.com/churn-serving:7",
		"modelPackageArn": "arn:aws:sagemaker:us-east-1:" + account + ":model-package/churn/7",
		"readBuckets":     []any{"source-artifacts", "source-models"},
		"keyArns":         []any{"arn:aws:kms:us-east-1:" + account + ":key/source-data"},
		"accountId":       account, "region": region, "readerAccountIds": toAnyStrings(readers), "origin": "ml-platform/dev",
	}
	return map[string]any{platform.PromotionOutput: map[string]any{"stack": "ml-platform/dev", "models": map[string]any{"churn": churn}}}
}

func toAnyStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TestProdServesThePromotedModel: prod's endpoints with promoteFrom get the
// model package dev exports, its execution role may read (only read) the
// package's buckets and key and pull its image, and the promotedFrom
// output records what was taken.
func TestProdServesThePromotedModel(t *testing.T) {
	project, values := shipped(t, "prod")
	res, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root,
		References: map[string]map[string]any{devStack: stubbedDev(mock.AccountID, "us-east-1")}})
	require.NoError(t, err)

	for _, name := range []string{"sagemaker-endpoint-churn", "sagemaker-endpoint-churn-batch"} {
		model := named(byType(res, "aws:sagemaker/model:Model"), name)
		container := obj(model.Inputs, "primaryContainer")
		require.Equal(t, "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7", str(container, "modelPackageName"), name)
		require.Empty(t, str(container, "modelDataUrl"), name)
	}
	recs := named(byType(res, "aws:sagemaker/model:Model"), "sagemaker-endpoint-recommendations")
	require.Contains(t, str(obj(recs.Inputs, "primaryContainer"), "modelDataUrl"), "ml-platform-prod-models-", "not promoted: prod's own bucket")

	role := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), "sagemaker-serving")
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(str(role.Inputs, "policy")), &doc))
	sids := map[string]iamdoc.Statement{}
	for _, st := range doc.Statement {
		sids[st.Sid] = st
	}
	require.Equal(t, []string{"arn:aws:s3:::source-artifacts/*", "arn:aws:s3:::source-models/*"}, sids["PromotedModelArtifacts"].Resource)
	require.Equal(t, []string{"s3:GetObject"}, sids["PromotedModelArtifacts"].Action)
	require.Equal(t, []string{"arn:aws:kms:us-east-1:123456789012:key/source-data"}, sids["PromotedModelKeys"].Resource)
	require.Contains(t, sids["PullImages"].Resource, "arn:aws:ecr:us-east-1:210987654321:repository/churn-serving")

	require.Equal(t, []offline.Reference{{Stack: devStack, Source: ""}}, res.References, "answered from the given outputs")
	rec := res.Outputs[platform.PromotedFromOutput].(map[string]any)
	require.Equal(t, devStack, rec["stack"])
	churn := rec["endpoints"].(map[string]any)["churn"].(map[string]any)
	require.Equal(t, "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7", churn["modelPackageArn"])
	require.Equal(t, "ml-platform/dev", churn["origin"])

	// prod passes its promoted models on, with their origin.
	out := res.Outputs[platform.PromotionOutput].(map[string]any)["models"].(map[string]any)
	require.Equal(t, "ml-platform/dev", out["churn-batch"].(map[string]any)["origin"])
	require.Equal(t, "ml-platform/prod", out["recommendations"].(map[string]any)["origin"])
}

// TestPromotionIsCheckedBeforeRegistering: a model dev does not export, in
// another region, or in an account that does not admit prod's fails with
// the key named, before anything but the provider is registered.
func TestPromotionIsCheckedBeforeRegistering(t *testing.T) {
	project, values := shipped(t, "prod")
	cases := map[string]struct {
		outputs map[string]any
		want    string
	}{
		"no promotion output": {outputs: map[string]any{"region": "us-east-1"},
			want: `ml-platform:promotion: stack organization/ml-platform/dev exports no "promotion" output`},
		"other region": {outputs: stubbedDev(mock.AccountID, "eu-west-1"),
			want: `ml-platform:sagemaker.endpoints[0].promoteFrom: the model of organization/ml-platform/dev's endpoint "churn" is in eu-west-1`},
		"account not admitted": {outputs: stubbedDev("210987654321", "us-east-1"),
			want: "is in account 210987654321, which does not admit this account (123456789012)"},
		"missing model": {outputs: map[string]any{platform.PromotionOutput: map[string]any{"stack": "ml-platform/dev", "models": map[string]any{}}},
			want: `ml-platform:sagemaker.endpoints[0].promoteFrom: stack organization/ml-platform/dev exports no model for endpoint "churn"; allowed: none`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			rec := mock.NewRecorder(project.Name, "prod", "us-east-1")
			rec.DryRun = true
			// prod itself was never deployed: no earlier promotion to keep.
			rec.StackOutputs = map[string]map[string]any{devStack: c.outputs, prodStack: {}}
			err := rec.Run(platform.Run, offline.Merge(project.Defaults, values))
			require.ErrorContains(t, err, c.want)
			for _, r := range rec.Resources() {
				require.Equal(t, "pulumi:providers:aws", r.Type, "nothing but the provider is registered")
			}
			want := []string{devStack}
			if c.outputs[platform.PromotionOutput] == nil {
				want = append(want, prodStack) // looked for the copies of its last promotion
			}
			require.Equal(t, want, rec.References())
		})
	}

	// An account the source admits may promote.
	rec := mock.NewRecorder(project.Name, "prod", "us-east-1")
	rec.DryRun = true
	rec.StackOutputs = map[string]map[string]any{devStack: stubbedDev("210987654321", "us-east-1", mock.AccountID)}
	require.NoError(t, rec.Run(platform.Run, offline.Merge(project.Defaults, values)))

	// Without the source's outputs the offline engine says how to give them.
	rec = mock.NewRecorder(project.Name, "prod", "us-east-1")
	rec.DryRun = true
	err := rec.Run(platform.Run, offline.Merge(project.Defaults, values))
	require.ErrorContains(t, err, "no outputs for the stack reference \"organization/ml-platform/dev\"")
}

// TestSourceAdmitsItsReaderAccounts: the registry's reader accounts also
// read the artifacts and models buckets and decrypt through S3, and an
// endpoint serving a model package exports it for promotion.
func TestSourceAdmitsItsReaderAccounts(t *testing.T) {
	project, values := shipped(t, "dev")
	var sm map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[config.KeySageMaker]), &sm))
	sm["modelPackageGroups"] = []any{map[string]any{"name": "churn", "readerAccountIds": []any{"210987654321"}}}
	ep := sm["endpoints"].([]any)[0].(map[string]any)
	delete(ep, "modelPath")
	ep["modelPackage"] = "churn/3"
	raw, err := json.Marshal(sm)
	require.NoError(t, err)
	values[config.KeySageMaker] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)

	for _, r := range byType(res, "aws:s3/bucketPolicy:BucketPolicy") {
		policy := str(r.Inputs, "policy")
		reads := strings.Contains(r.Name, "models") || strings.Contains(r.Name, "artifacts")
		require.Equal(t, reads, strings.Contains(policy, "arn:aws:iam::210987654321:root"), r.Name)
	}
	key := named(byType(res, "aws:kms/key:Key"), "keys-data")
	require.Contains(t, str(key.Inputs, "policy"), "AllowReaderAccountsThroughS3")
	require.NotContains(t, str(named(byType(res, "aws:kms/key:Key"), "keys-logs").Inputs, "policy"), "210987654321")

	churn := res.Outputs[platform.PromotionOutput].(map[string]any)["models"].(map[string]any)["churn"].(map[string]any)
	require.Equal(t, "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3", churn["modelPackageArn"])
	require.Equal(t, []any{"210987654321"}, churn["readerAccountIds"])
	require.Len(t, churn["readBuckets"], 2, "the pipeline's artifacts and the models bucket")
	model := named(byType(res, "aws:sagemaker/model:Model"), "sagemaker-endpoint-churn")
	require.Equal(t, churn["modelPackageArn"], str(obj(model.Inputs, "primaryContainer"), "modelPackageName"))
}

// TestShippedProdPromotesDev: the shipped prod stack answers its reference
// from dev's stack file, copies dev's churn model into its own models
// bucket (re-encrypted with its data key, retained) and serves the copy:
// nothing prod serves depends on dev's bucket.
func TestShippedProdPromotesDev(t *testing.T) {
	dev, prod := preview(t, "dev"), preview(t, "prod")
	require.Equal(t, []offline.Reference{{Stack: devStack, Source: "offline preview of Pulumi.dev.yaml"}}, prod.References)
	devChurn := dev.Outputs[platform.PromotionOutput].(map[string]any)["models"].(map[string]any)["churn"].(map[string]any)
	model := named(byType(prod, "aws:sagemaker/model:Model"), "sagemaker-endpoint-churn")
	served := str(obj(model.Inputs, "primaryContainer"), "modelDataUrl")
	require.True(t, strings.HasPrefix(served, "s3://ml-platform-prod-models-"), "served from prod's bucket: %s", served)
	require.Contains(t, served, "/promoted/churn/")
	require.Equal(t, devChurn["image"], str(obj(model.Inputs, "primaryContainer"), "image"))

	cp := named(byType(prod, "aws:s3/objectCopy:ObjectCopy"), "promoted-churn")
	require.NotNil(t, cp)
	require.Equal(t, strings.TrimPrefix(devChurn["modelDataUrl"].(string), "s3://"), str(cp.Inputs, "source"))
	require.Equal(t, "s3://"+str(cp.Inputs, "bucket")+"/"+str(cp.Inputs, "key"), served)
	_, ownKey := cp.Inputs["kmsKeyId"]
	require.False(t, ownKey, "the copy takes the bucket's default encryption")
	for _, enc := range byType(prod, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2") {
		if str(enc.Inputs, "bucket") == str(cp.Inputs, "bucket") {
			def := obj(mock.Array(enc.Inputs, "rules")[0].ObjectValue(), "applyServerSideEncryptionByDefault")
			require.Equal(t, prod.Outputs["kmsKeyArns"].(map[string]any)[platform.KeyData], str(def, "kmsMasterKeyId"), "re-encrypted with prod's data key")
		}
	}
	require.True(t, cp.RetainOnDelete, "the copy outlives its resource: a kept promotion serves it")
	rec := prod.Outputs[platform.PromotedFromOutput].(map[string]any)["endpoints"].(map[string]any)["churn"].(map[string]any)
	require.Equal(t, served, rec["servedModelDataUrl"])
}

// TestProdKeepsServingWithoutDev: with dev destroyed (its reference answers
// no outputs), prod plans from its own last promotion: the endpoints keep
// their copies in prod's bucket, nothing is copied, and the output and the
// warning say why; without an earlier promotion the error says what is
// missing.
func TestProdKeepsServingWithoutDev(t *testing.T) {
	project, values := shipped(t, "prod")
	last := preview(t, "prod").Outputs
	res, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root,
		References: map[string]map[string]any{devStack: {}, prodStack: last}})
	require.NoError(t, err)
	lastChurn := last[platform.PromotedFromOutput].(map[string]any)["endpoints"].(map[string]any)["churn"].(map[string]any)
	model := named(byType(res, "aws:sagemaker/model:Model"), "sagemaker-endpoint-churn")
	require.Equal(t, lastChurn["servedModelDataUrl"], str(obj(model.Inputs, "primaryContainer"), "modelDataUrl"), "the same copy as before")
	require.Empty(t, byType(res, "aws:s3/objectCopy:ObjectCopy"), "nothing to copy from")
	kept := res.Outputs[platform.PromotedFromOutput].(map[string]any)["kept"]
	require.Contains(t, kept, "stack organization/ml-platform/dev exports no \"promotion\" output: endpoints keep serving the copies")
	for _, r := range byType(res, "aws:iam/rolePolicy:RolePolicy") {
		require.NotContains(t, str(r.Inputs, "policy"), "ml-platform-dev-", "%s reads nothing of dev", r.Name)
	}

	_, err = offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root,
		References: map[string]map[string]any{devStack: {}, prodStack: {}}})
	require.ErrorContains(t, err, `ml-platform:promotion: stack organization/ml-platform/dev exports no "promotion" output (destroyed, or not updated with this version of the program) and this stack has no earlier promotion to keep serving`)
}

// TestReferenceFromAFile answers the reference from `pulumi stack export`
// and from `pulumi stack output --json`.
func TestReferenceFromAFile(t *testing.T) {
	outputs := stubbedDev(mock.AccountID, "us-east-1")
	dir := t.TempDir()
	export := map[string]any{"version": 3, "deployment": map[string]any{"resources": []any{
		map[string]any{"urn": "urn:pulumi:dev::ml-platform::pulumi:pulumi:Stack::ml-platform-dev", "type": "pulumi:pulumi:Stack", "outputs": outputs},
	}}}
	for name, doc := range map[string]any{"export.json": export, "outputs.json": outputs} {
		path := filepath.Join(dir, name)
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		code, out, errOut := cli(t, "preview", "--stack", "prod", "--json", "--reference", devStack+"="+path)
		require.Equal(t, 0, code, errOut)
		var res struct {
			References []offline.Reference
			Outputs    map[string]any
		}
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		require.Equal(t, []offline.Reference{{Stack: devStack, Source: "file " + path}}, res.References)
		require.Contains(t, out, "model-package/churn/7", name)
	}
	code, _, errOut := cli(t, "preview", "--stack", "prod", "--reference", "dev="+filepath.Join(dir, "outputs.json"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "want ORGANIZATION/PROJECT/STACK=FILE")
}

// TestKeepLastReadsNoSource: a source stack that was removed cannot be
// read at all (a StackReference to it fails the whole update, as the
// real-engine test shows); with promotion.keepLast prod plans from its own
// last promotion without reading the source.
func TestKeepLastReadsNoSource(t *testing.T) {
	project, values := shipped(t, "prod")
	last := preview(t, "prod").Outputs
	var promotion map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[config.KeyPromotion]), &promotion))
	promotion["keepLast"] = true
	data, err := json.Marshal(promotion)
	require.NoError(t, err)
	values[config.KeyPromotion] = string(data)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root,
		References: map[string]map[string]any{prodStack: last}})
	require.NoError(t, err)
	require.Equal(t, []offline.Reference{{Stack: prodStack}}, res.References, "dev is not read")
	kept := res.Outputs[platform.PromotedFromOutput].(map[string]any)["kept"]
	require.Contains(t, kept, "ml-platform:promotion.keepLast is set (stack organization/ml-platform/dev is not read): endpoints keep serving")
	require.Empty(t, byType(res, "aws:s3/objectCopy:ObjectCopy"))
}
