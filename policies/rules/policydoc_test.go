package rules

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/urn"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestPolicyDocumentHelpers(t *testing.T) {
	for i, want := range map[int]string{0: "0", 9: "9", 10: "10", 123: "123"} {
		if got := itoa(i); got != want {
			t.Errorf("itoa(%d) = %q", i, got)
		}
	}
	m := property.NewMap(map[string]property.Value{
		"json":    property.New(`{"Statement":[{"Effect":"Allow","Principal":"*"},"junk"]}`),
		"array":   property.New(`[]`),
		"number":  property.New(1.0),
		"secret":  property.New(`{"Statement":{"Effect":"Deny"}}`).WithSecret(true),
		"unknown": computed,
	})
	doc, ok := policyDocument(m, "json")
	if !ok || len(statements(doc)) != 1 || !isAllow(statements(doc)[0]) || !wildcardPrincipal(statements(doc)[0]) {
		t.Errorf("json document = %v, %v", doc, ok)
	}
	for _, key := range []string{"array", "number", "unknown", "missing"} {
		if _, ok := policyDocument(m, key); ok {
			t.Errorf("policyDocument(%s) succeeded", key)
		}
	}
	if doc, ok := policyDocument(m, "secret"); !ok || isAllow(statements(doc)[0]) {
		t.Errorf("secret document = %v, %v", doc, ok)
	}
	if hasCondition(map[string]any{"Condition": map[string]any{}}) || !hasCondition(map[string]any{"Condition": unknownValue{}}) {
		t.Error("hasCondition is wrong")
	}
	if got := toGo(property.New(property.NewResourceReference(urn.URN(urnOf(vpcType, "v")), property.New("id"), ""))); got != (unknownValue{}) {
		t.Errorf("toGo(reference) = %#v", got)
	}
}

func TestReferences(t *testing.T) {
	vpc := res(vpcType, "v", nil)
	vpc.ID = "vpc-1"
	byValue := mk(flowLogType, "f", map[string]any{"vpcId": "vpc-1"})
	if ref := referenceOf(byValue, "vpcId"); !ref.matches(vpc) || ref.unresolved || ref.empty() {
		t.Errorf("reference by value = %+v", ref)
	}
	unknownRef := referenceOf(mk(flowLogType, "f", map[string]any{"vpcId": computed}), "vpcId")
	if !unknownRef.unresolved || unknownRef.matches(vpc) {
		t.Errorf("unknown reference = %+v", unknownRef)
	}
	partial := referenceOf(mk(eksNodeGroupType, "n", map[string]any{"subnetIds": []any{"s-1", computed}}), "subnetIds")
	if partial.unresolved || len(partial.values) != 1 {
		t.Errorf("partly known reference = %+v", partial)
	}
	allUnknown := referenceOf(mk(eksNodeGroupType, "n", map[string]any{"subnetIds": []any{computed}}), "subnetIds")
	if !allUnknown.unresolved {
		t.Errorf("all-unknown list = %+v", allUnknown)
	}
	if ref := referenceOf(mk(flowLogType, "f", nil), "vpcId"); !ref.empty() {
		t.Errorf("absent reference = %+v", ref)
	}
}

func TestInstanceTypeHelpers(t *testing.T) {
	for typ, want := range map[string]bool{
		"p5.48xlarge": true, "ml.g5.xlarge": true, "trn1n.32xlarge": true, "inf2.xlarge": true, "g4dn": true,
		"gr6.4xlarge": true, "m6i.xlarge": false, "c6i.4xlarge": false, "t3.medium": false, "ml.t3.medium": false,
	} {
		if got := isAccelerated(typ); got != want {
			t.Errorf("isAccelerated(%s) = %v", typ, got)
		}
	}
	if !typeAllowed("ml.p5.48xlarge", []string{"p5.*"}) || typeAllowed("p5e.48xlarge", []string{"p5.*"}) ||
		!typeAllowed("g5.xlarge", []string{"g5.xlarge"}) || typeAllowed("g5.2xlarge", []string{"g5.xlarge"}) {
		t.Error("typeAllowed is wrong")
	}
}
