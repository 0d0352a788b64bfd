package rules

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Deploy-readiness rules for SageMaker: what CreateEndpointConfig,
// CreateModel and CreateTrainingJob refuse (catalog.SageMakerFactsSource,
// catalog.SageMakerInstanceStorageSource).
func init() {
	register(ConcernDeploy,
		Rule{
			Name: "sagemaker-endpoint-key-storage-compatible",
			Description: "CreateEndpointConfig fails when a KMS key is given for an instance type with local NVMe " +
				"storage (that storage is encrypted by the hardware).",
			Checks: "An `aws:sagemaker/endpointConfiguration` that sets `kmsKeyArn` has no production variant on an ml.* type " +
				"the catalog records with instance storage.",
			Level: Mandatory,
			Types: []string{smEndpointConfigType},
			Check: checkEndpointKeyStorage,
		},
		Rule{
			Name: "sagemaker-spot-wait-valid",
			Description: "SageMaker refuses managed spot training whose MaxWaitTimeInSeconds is missing or shorter than " +
				"MaxRuntimeInSeconds: the wait includes the run.",
			Checks: "Every training job of an `aws:sagemaker/pipeline` `pipelineDefinition` (Training steps, tuning " +
				"definitions, Condition branches) with `EnableManagedSpotTraining: true` sets " +
				"`StoppingCondition.MaxWaitTimeInSeconds` at least `MaxRuntimeInSeconds`.",
			Level: Mandatory,
			Types: []string{smPipelineType},
			Check: checkSpotWait,
		},
	)
	registerStack(ConcernDeploy, StackRule{
		Name: "sagemaker-serverless-supported",
		Description: "Serverless inference takes one variant, no data capture, and models without a VPC " +
			"configuration or network isolation: SageMaker refuses anything else.",
		Checks: "An `aws:sagemaker/endpointConfiguration` with a `serverlessConfig` variant has exactly one variant and " +
			"no enabled `dataCaptureConfig`; an `aws:sagemaker/model:Model` served only by serverless variants sets no " +
			"`vpcConfig` and no `enableNetworkIsolation: true`.",
		Level: Mandatory,
		Types: []string{smEndpointConfigType, smModelType},
		Check: checkServerlessSupported,
	})
}

func checkEndpointKeyStorage(r Resource, _ map[string]any) []string {
	if !isSet(r.Properties, "kmsKeyArn") {
		return nil
	}
	variants, _ := getMaps(r.Properties, "productionVariants")
	var out []string
	for i, v := range variants {
		if hasInstanceStorage(v) {
			t, _ := getString(v, "instanceType")
			out = append(out, fmt.Sprintf("productionVariants[%d] runs on %s, which has local NVMe storage: "+
				"CreateEndpointConfig fails with kmsKeyArn set; leave it unset (the hardware encrypts that storage)", i, t))
		}
	}
	return out
}

func checkSpotWait(r Resource, _ map[string]any) []string {
	def, ok := getString(r.Properties, "pipelineDefinition")
	if !ok {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal([]byte(def), &doc) != nil {
		return nil
	}
	steps, _ := doc["Steps"].([]any)
	var out []string
	forEachTrainingJob(steps, func(where string, args map[string]any) {
		if spot, _ := args["EnableManagedSpotTraining"].(bool); !spot {
			return
		}
		stop, _ := args["StoppingCondition"].(map[string]any)
		wait, waitOK := stop["MaxWaitTimeInSeconds"].(float64)
		run, runOK := stop["MaxRuntimeInSeconds"].(float64)
		switch {
		case stop["MaxWaitTimeInSeconds"] == nil:
			out = append(out, where+": managed spot training without StoppingCondition.MaxWaitTimeInSeconds: SageMaker refuses it")
		case waitOK && runOK && wait < run:
			out = append(out, fmt.Sprintf("%s: MaxWaitTimeInSeconds %.0f is less than MaxRuntimeInSeconds %.0f: SageMaker refuses it", where, wait, run))
		}
	})
	return out
}

func checkServerlessSupported(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, r := range rs {
		switch r.Type {
		case smEndpointConfigType:
			variants, p := getMaps(r.Properties, "productionVariants")
			if p != present || !slices.ContainsFunc(variants, isServerless) {
				continue
			}
			if len(variants) > 1 {
				out = append(out, Finding{r.URN, fmt.Sprintf("%d production variants with a serverless one: serverless endpoints take one", len(variants))})
			}
			if _, dp := lookup(r.Properties, "dataCaptureConfig"); dp == present {
				if on, ok := getBool(r.Properties, "dataCaptureConfig", "enableCapture"); !ok || on {
					out = append(out, Finding{r.URN, "data capture on a serverless endpoint: SageMaker does not capture serverless inference"})
				}
			}
		case smModelType:
			if !servedOnlyServerless(rs, r) {
				continue
			}
			if _, vp := lookup(r.Properties, "vpcConfig"); vp == present {
				out = append(out, Finding{r.URN, "vpcConfig on a model served by a serverless endpoint: serverless inference takes no VPC configuration"})
			}
			if on, ok := getBool(r.Properties, "enableNetworkIsolation"); ok && on {
				out = append(out, Finding{r.URN, "enableNetworkIsolation on a model served by a serverless endpoint: serverless inference does not support it"})
			}
		}
	}
	return out
}

func isServerless(v property.Map) bool {
	_, p := lookup(v, "serverlessConfig")
	return p == present
}
