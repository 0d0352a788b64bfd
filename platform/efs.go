package platform

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/workloads"
)

// buildSharedFiles registers the EFS file system in the private subnets,
// reachable from the nodes, and its storage class and shared claim in the
// training namespace.
func (p *Platform) buildSharedFiles(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	e := cfg.Storage.EFS
	if e == nil {
		return nil
	}
	var err error
	p.SharedFiles, err = storage.NewSharedFiles(ctx, "shared-files", &storage.SharedFilesArgs{
		Name: prefix + "-shared", EFS: *e, KMSKeyARN: p.Keys.ARNs[KeyData],
		VPCID: p.Network.VPC.ID().ToStringOutput(), SubnetIDsByAZ: stringInputs(p.Network.PrivateSubnetIDsByAZ),
		ClientSecurityGroups: map[string]pulumi.StringInput{"nodes": p.Cluster.NodeSecurityGroup.ID().ToStringOutput()},
		Protect:              cfg.Environment.ProdLike(), Tags: cfg.Tags(),
	}, withAWS)
	if err != nil {
		return err
	}
	ns, ok := p.Namespaces.Namespaces[workloads.TrainingNamespace]
	if !ok {
		ns, ok = p.Namespaces.Namespaces[workloads.InferenceNamespace]
	}
	if !ok {
		return nil
	}
	deps := []pulumi.Resource{p.Cluster.Addons[catalog.EFSCSIAddon]}
	for _, az := range slices.Sorted(maps.Keys(p.SharedFiles.MountTargets)) {
		deps = append(deps, p.SharedFiles.MountTargets[az])
	}
	p.SharedVolume, err = workloads.NewSharedFiles(ctx, "shared-files", &workloads.SharedFilesArgs{
		Provider: p.Cluster.Provider, FileSystemID: p.SharedFiles.FileSystem.ID().ToStringOutput(),
		SharedAccessPointID: p.SharedFiles.AccessPoints[storage.SharedAccessPoint].ID().ToStringOutput(),
		Namespace:           ns.Metadata.Name().Elem(), DependsOn: deps,
	})
	return err
}
