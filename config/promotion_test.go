package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPromotionDefaults(t *testing.T) {
	values := with(base(), KeySageMaker, obj(map[string]any{"endpoints": []any{
		endpointObj(map[string]any{"image": nil, "modelPath": nil, "promoteFrom": "churn"})}}))
	s, err := Parse("ml-platform", "prod", with(values, KeyPromotion, obj(map[string]any{"stack": "dev"})))
	require.NoError(t, err)
	require.Equal(t, &Promotion{Organization: "organization", Project: "ml-platform", Stack: "dev"}, s.Promotion,
		"the self-managed backends' organization and this project by default")
	require.Equal(t, "organization/ml-platform/dev", s.Promotion.StackName())
	require.Equal(t, "churn", s.SageMaker.Endpoints[0].PromoteFrom)
	require.Empty(t, s.Advisories)

	s, err = Parse("ml-platform", "prod", with(values, KeyPromotion, obj(map[string]any{"organization": "acme", "project": "ml", "stack": "staging"})))
	require.NoError(t, err)
	require.Equal(t, "acme/ml/staging", s.Promotion.StackName())

	s, err = Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Nil(t, s.Promotion, "off without the key")
}

func TestPromotionUnusedIsAdvisory(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyPromotion, obj(map[string]any{"stack": "dev"})))
	require.NoError(t, err)
	require.Len(t, s.Advisories, 1)
	require.Equal(t, "ml-platform:promotion: no endpoint promotes from organization/ml-platform/dev; set promoteFrom on an endpoint or remove the key",
		s.Advisories[0].Error())
}

func TestPromotionErrors(t *testing.T) {
	cases := map[string]struct {
		promotion map[string]any
		endpoint  map[string]any
		groups    []any
		want      string
	}{
		"self": {promotion: map[string]any{"stack": "prod"}, endpoint: map[string]any{"image": nil, "modelPath": nil, "promoteFrom": "churn"},
			want: `ml-platform:promotion.stack: "prod" is this stack; name the stack whose models this one promotes (dev for prod)`},
		"bad name": {promotion: map[string]any{"stack": "dev", "organization": "my org"}, endpoint: map[string]any{"image": nil, "modelPath": nil, "promoteFrom": "churn"},
			want: `ml-platform:promotion.organization: "my org" is not a Pulumi name; allowed: 1 to 100 letters, digits, '_', '.' and '-'`},
		"promote without source": {endpoint: map[string]any{"image": nil, "modelPath": nil, "promoteFrom": "churn"},
			want: "ml-platform:promotion: required by ml-platform:sagemaker.endpoints[0].promoteFrom: the stack to promote from, e.g. {stack: dev}"},
		"promote with image": {promotion: map[string]any{"stack": "dev"}, endpoint: map[string]any{"modelPath": nil, "promoteFrom": "churn"},
			want: "ml-platform:sagemaker.endpoints[0].image: comes from the promoted model; remove it or remove promoteFrom"},
		"promote with path": {promotion: map[string]any{"stack": "dev"}, endpoint: map[string]any{"image": nil, "promoteFrom": "churn"},
			want: "ml-platform:sagemaker.endpoints[0].modelPath: comes from the promoted model; remove it or remove promoteFrom"},
		"package and path": {endpoint: map[string]any{"modelPackage": "churn/3"}, groups: []any{map[string]any{"name": "churn"}},
			want: "ml-platform:sagemaker.endpoints[0].modelPath: a model package names its own artifact; set modelPath or modelPackage, not both"},
		"package of another group": {endpoint: map[string]any{"modelPath": nil, "modelPackage": "fraud/3"}, groups: []any{map[string]any{"name": "churn"}},
			want: `ml-platform:sagemaker.endpoints[0].modelPackage: "fraud/3" names group "fraud", which is not in modelPackageGroups; allowed: churn`},
		"package as ARN": {endpoint: map[string]any{"modelPath": nil, "modelPackage": "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3"},
			groups: []any{map[string]any{"name": "churn"}},
			want:   `ml-platform:sagemaker.endpoints[0].modelPackage: "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3" is not <group>/<version> of this stack's registry, such as churn/3 (another stack's models arrive through promoteFrom)`},
		"package version zero": {endpoint: map[string]any{"modelPath": nil, "modelPackage": "churn/0"}, groups: []any{map[string]any{"name": "churn"}},
			want: `"churn/0" is not <group>/<version>`},
		"package on multi-model": {endpoint: map[string]any{"kind": "multiModel", "modelPath": nil, "modelPackage": "churn/3"},
			groups: []any{map[string]any{"name": "churn"}},
			want:   "ml-platform:sagemaker.endpoints[0].modelPackage: a multi-model endpoint loads artifacts from a prefix (modelPath), not one model package"},
		"no model": {endpoint: map[string]any{"modelPath": nil},
			want: `ml-platform:sagemaker.endpoints[0].modelPath: "" must be a key in the stack's models bucket, such as churn/v1/model.tar.gz (or set modelPackage or promoteFrom)`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			sm := map[string]any{"endpoints": []any{endpointObj(c.endpoint)}}
			if c.groups != nil {
				sm["modelPackageGroups"] = c.groups
			}
			values := with(base(), KeySageMaker, obj(sm))
			if c.promotion != nil {
				values = with(values, KeyPromotion, obj(c.promotion))
			}
			_, err := Parse("ml-platform", "prod", values)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func TestModelPackageARN(t *testing.T) {
	s, err := Parse("ml-platform", "dev", with(base(), KeySageMaker, obj(map[string]any{
		"modelPackageGroups": []any{map[string]any{"name": "churn"}},
		"endpoints":          []any{endpointObj(map[string]any{"modelPath": nil, "modelPackage": "churn/12"})},
	})))
	require.NoError(t, err)
	e := s.SageMaker.Endpoints[0]
	require.Equal(t, "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/12", e.ModelPackageARN("aws", "us-east-1", "123456789012"))
	require.Equal(t, inferenceImage, e.Image, "the package's image stays named for the execution role")
	e.ModelPackage = ""
	require.Empty(t, e.ModelPackageARN("aws", "us-east-1", "123456789012"))
}
