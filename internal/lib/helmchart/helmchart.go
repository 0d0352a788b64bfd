// Package helmchart turns a pinned catalog chart into helm/v4 Chart
// arguments. helm/v4 (not helm/v3) because helm/v3 imports
// kubernetes/yaml, which compiles every Kubernetes API group: minutes of
// every cold build for nothing the platform uses.
package helmchart

import (
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// Args returns the Chart arguments of a catalog chart with the given
// values: OCI charts by URL, the others by name and repository.
func Args(c catalog.Chart, values map[string]any) *helmv4.ChartArgs {
	args := &helmv4.ChartArgs{
		Name:      pulumi.String(c.Name),
		Chart:     pulumi.String(c.Repository),
		Version:   pulumi.String(c.Version),
		Namespace: pulumi.String(c.Namespace),
		Values:    pulumi.ToMap(values),
	}
	if c.Chart != "" {
		args.Chart = pulumi.String(c.Chart)
		args.RepositoryOpts = helmv4.RepositoryOptsArgs{Repo: pulumi.String(c.Repository)}
	}
	return args
}
