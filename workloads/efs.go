package workloads

import (
	"errors"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// Names of the shared file system's Kubernetes objects.
const (
	// SharedStorageClass provisions ReadWriteMany volumes on the file
	// system, each an access point of its own under /dynamic.
	SharedStorageClass = "efs-shared"
	// SharedClaim is the claim on /shared in the training namespace.
	SharedClaim = "shared-files"
)

// SharedFilesArgs wires the EFS file system into the cluster.
type SharedFilesArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider pulumi.ProviderResource
	// FileSystemID and SharedAccessPointID are the file system and its
	// /shared access point (required).
	FileSystemID, SharedAccessPointID pulumi.StringInput
	// Namespace holds the shared claim (required).
	Namespace pulumi.StringInput
	// DependsOn are what mounting needs: the EFS CSI driver add-on and the
	// mount targets. Defaults to none.
	DependsOn []pulumi.Resource
}

// SharedFiles is the storage class, the shared volume and its claim.
type SharedFiles struct {
	pulumi.ResourceState

	StorageClass *storagev1.StorageClass
	Volume       *corev1.PersistentVolume
	Claim        *corev1.PersistentVolumeClaim
}

// NewSharedFiles creates the ReadWriteMany storage class (dynamic access
// points) and a static volume and claim on the /shared access point, all
// mounted with TLS (the file system's policy refuses mounts without it).
func NewSharedFiles(ctx *pulumi.Context, name string, args *SharedFilesArgs, opts ...pulumi.ResourceOption) (*SharedFiles, error) {
	if args == nil || args.Provider == nil || args.FileSystemID == nil || args.SharedAccessPointID == nil || args.Namespace == nil {
		return nil, errors.New("shared files: Provider, FileSystemID, SharedAccessPointID and Namespace are required")
	}
	f := &SharedFiles{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:SharedFiles", name, f, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(f), pulumi.Provider(args.Provider), pulumi.DependsOn(args.DependsOn)}
	var err error
	f.StorageClass, err = storagev1.NewStorageClass(ctx, name, &storagev1.StorageClassArgs{
		Metadata:      &metav1.ObjectMetaArgs{Name: pulumi.String(SharedStorageClass)},
		Provisioner:   pulumi.String(catalog.EFSCSIDriver),
		ReclaimPolicy: pulumi.String("Retain"),
		MountOptions:  pulumi.ToStringArray([]string{"tls"}),
		Parameters: pulumi.StringMap{
			"provisioningMode": pulumi.String("efs-ap"),
			"fileSystemId":     args.FileSystemID,
			"directoryPerms":   pulumi.String("700"),
			"basePath":         pulumi.String("/dynamic"),
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	// EFS is elastic: the capacity is nominal, Kubernetes requires one.
	capacity := pulumi.StringMap{"storage": pulumi.String("1Ti")}
	f.Volume, err = corev1.NewPersistentVolume(ctx, name, &corev1.PersistentVolumeArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(SharedClaim)},
		Spec: &corev1.PersistentVolumeSpecArgs{
			Capacity:                      capacity,
			AccessModes:                   pulumi.ToStringArray([]string{"ReadWriteMany"}),
			PersistentVolumeReclaimPolicy: pulumi.String("Retain"),
			StorageClassName:              pulumi.String(""),
			MountOptions:                  pulumi.ToStringArray([]string{"tls"}),
			Csi: &corev1.CSIPersistentVolumeSourceArgs{
				Driver: pulumi.String(catalog.EFSCSIDriver),
				VolumeHandle: pulumi.All(args.FileSystemID, args.SharedAccessPointID).ApplyT(func(v []any) string {
					return v[0].(string) + "::" + v[1].(string)
				}).(pulumi.StringOutput),
			},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	f.Claim, err = corev1.NewPersistentVolumeClaim(ctx, name, &corev1.PersistentVolumeClaimArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(SharedClaim), Namespace: args.Namespace},
		Spec: &corev1.PersistentVolumeClaimSpecArgs{
			AccessModes:      pulumi.ToStringArray([]string{"ReadWriteMany"}),
			StorageClassName: pulumi.String(""),
			VolumeName:       f.Volume.Metadata.Name(),
			Resources:        &corev1.VolumeResourceRequirementsArgs{Requests: capacity},
		},
	}, pulumi.Parent(f), pulumi.Provider(args.Provider))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{"claim": f.Claim.Metadata.Name()}); err != nil {
		return nil, err
	}
	return f, nil
}
