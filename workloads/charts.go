package workloads

import (
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/helmchart"
)

// chartInNamespace installs a catalog chart into its namespace, which it
// creates first (after nsDeps): these charts do not create their own, and
// Pulumi's helm/v4 Chart does not either. The chart also waits for
// chartDeps.
func chartInNamespace(ctx *pulumi.Context, nsLogical, chartLogical, key string, values map[string]any, k8s []pulumi.ResourceOption,
	nsDeps, chartDeps []pulumi.Resource,
) (*helmv4.Chart, *corev1.Namespace, error) {
	chart, ok := catalog.LookupChart(key)
	if !ok {
		return nil, nil, fmt.Errorf("the catalog has no %s chart", key)
	}
	ns, err := corev1.NewNamespace(ctx, nsLogical, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(chart.Namespace)},
	}, append(k8s, pulumi.DependsOn(nsDeps))...)
	if err != nil {
		return nil, nil, err
	}
	c, err := helmv4.NewChart(ctx, chartLogical, helmchart.Args(chart, values), append(k8s, pulumi.DependsOn(append([]pulumi.Resource{ns}, chartDeps...)))...)
	return c, ns, err
}
