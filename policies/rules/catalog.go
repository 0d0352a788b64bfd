package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
)

// Rules that keep a missing catalog fact from blocking a valid stack:
// what the catalog does not know is an advisory (the type still deploys),
// never an error. What AWS does not have is aws-input-enums-valid's.
func init() {
	register(ConcernDeploy, Rule{
		Name: "ec2-instance-type-catalogued",
		Description: "Instance types the catalog lacks deploy, with less help: the estimate cannot price them, EFA " +
			"interfaces are not fanned out for them, their accelerator kind comes from the family's name.",
		Checks: "Instance types named by `aws:eks/nodeGroup` `instanceTypes`, launch templates and instances " +
			"(`instanceType`), Karpenter NodePools (`node.kubernetes.io/instance-type` requirements) and SageMaker " +
			"endpoint configurations (`productionVariants[].instanceType`) that AWS has but the catalog does not record.",
		Level: Advisory,
		Types: []string{eksNodeGroupType, launchTemplateType, ec2InstanceType, karpenterNodePoolType, smEndpointConfigType},
		Check: checkInstanceTypesCatalogued,
	})
	registerStack(ConcernDeploy, StackRule{
		Name: "ec2-instance-type-offered-in-region",
		Description: "An instance type the catalog has not recorded in the stack's region may not be offered there: " +
			"check before `pulumi up` (the region lists are a recorded subset, so this is advice, not an error).",
		Checks: "For the region of the stack's `pulumi:providers:aws` provider, catalogued instance types named by node " +
			"groups, launch templates, instances and NodePools that the catalog's region list for the type does not " +
			"include (`catalog.InstanceRegionsSource`).",
		Level: Advisory,
		Types: []string{eksNodeGroupType, launchTemplateType, ec2InstanceType, karpenterNodePoolType},
		Check: checkInstanceTypesInRegion,
	})
}

// instanceTypesOf returns the EC2 instance types a resource names.
func instanceTypesOf(r Resource) []string {
	switch r.Type {
	case eksNodeGroupType:
		types, _ := getStrings(r.Properties, "instanceTypes")
		return types
	case launchTemplateType, ec2InstanceType:
		if t, ok := getString(r.Properties, "instanceType"); ok {
			return []string{t}
		}
	case karpenterNodePoolType:
		reqs, _ := getMaps(r.Properties, "spec", "template", "spec", "requirements")
		for _, req := range reqs {
			if k, _ := getString(req, "key"); k == "node.kubernetes.io/instance-type" {
				values, _ := getStrings(req, "values")
				return values
			}
		}
	}
	return nil
}

func checkInstanceTypesCatalogued(r Resource, _ map[string]any) []string {
	var out []string
	if r.Type == smEndpointConfigType {
		variants, _ := getMaps(r.Properties, "productionVariants")
		for i, v := range variants {
			name, ok := getString(v, "instanceType")
			if !ok {
				continue
			}
			if _, k := catalog.ResolveSageMakerInstance(name); k == catalog.Inferred {
				out = append(out, fmt.Sprintf("productionVariants[%d] runs on %s, which the catalog lacks: the estimate cannot price it "+
					"and its instance storage (which decides the KMS key) follows its family", i, name))
			}
		}
		return out
	}
	for _, name := range instanceTypesOf(r) {
		t, k := catalog.ResolveInstanceType(name)
		if k != catalog.Inferred {
			continue
		}
		out = append(out, fmt.Sprintf("%s is not in the catalog: the estimate cannot price it, EFA interfaces are not fanned out, "+
			"and its accelerator kind (%s) comes from its family; add it to catalog/instances.go", name, t.Accelerator))
	}
	return out
}

func checkInstanceTypesInRegion(rs []Resource, _ map[string]any) []Finding {
	region := ""
	for _, r := range rs {
		if r.Type == "pulumi:providers:aws" {
			if v, ok := getString(r.Properties, "region"); ok {
				region = v
			}
		}
	}
	if region == "" {
		return nil
	}
	var out []Finding
	for _, r := range rs {
		var missing []string
		for _, name := range instanceTypesOf(r) {
			if t, ok := catalog.LookupInstanceType(name); ok && !t.OfferedIn(region) && !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			out = append(out, Finding{r.URN, fmt.Sprintf("%s not recorded as offered in %s (the catalog records %s): check "+
				"`aws ec2 describe-instance-type-offerings --region %s` before `pulumi up`", strings.Join(missing, ", "), region,
				regionsOf(missing[0]), region)})
		}
	}
	return out
}

func regionsOf(name string) string {
	t, _ := catalog.LookupInstanceType(name)
	return strings.Join(t.Regions, ", ")
}
