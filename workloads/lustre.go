package workloads

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
)

// LustreClaim is the ReadWriteMany claim on the Lustre file system in the
// training namespace.
const LustreClaim = "fsx-lustre"

// LustreVolumeArgs wires an existing FSx for Lustre file system into the
// cluster as a static volume.
type LustreVolumeArgs struct {
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// FileSystemID, DNSName and MountName are the file system's outputs (required).
	FileSystemID, DNSName, MountName pulumi.StringInput
	// CapacityGiB is the file system's size, the volume's capacity (required).
	CapacityGiB int
	// Namespace holds the claim (required).
	Namespace pulumi.StringInput
	// DependsOn are what mounting needs: the CSI driver add-on. Defaults to none.
	DependsOn []pulumi.Resource
}

// LustreVolume is the PersistentVolume and its claim.
type LustreVolume struct {
	pulumi.ResourceState

	Volume *corev1.PersistentVolume
	Claim  *corev1.PersistentVolumeClaim
}

// NewLustreVolume creates a static PersistentVolume for the file system
// (FSx CSI driver, mounted with flock) and a claim bound to it by name.
// Static, because dynamic provisioning cannot link PERSISTENT_2 to S3.
func NewLustreVolume(ctx *pulumi.Context, name string, args *LustreVolumeArgs, opts ...pulumi.ResourceOption) (*LustreVolume, error) {
	switch {
	case args == nil || args.Provider == nil:
		return nil, errors.New("lustre volume: a Kubernetes provider is required")
	case args.FileSystemID == nil || args.DNSName == nil || args.MountName == nil || args.Namespace == nil:
		return nil, errors.New("lustre volume: FileSystemID, DNSName, MountName and Namespace are required")
	case args.CapacityGiB <= 0:
		return nil, fmt.Errorf("lustre volume: CapacityGiB %d must be positive", args.CapacityGiB)
	}
	v := &LustreVolume{}
	if err := ctx.RegisterComponentResource("ml-platform:workloads:LustreVolume", name, v, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(v), pulumi.Provider(args.Provider)}
	capacity := pulumi.StringMap{"storage": pulumi.String(fmt.Sprintf("%dGi", args.CapacityGiB))}
	var err error
	v.Volume, err = corev1.NewPersistentVolume(ctx, name, &corev1.PersistentVolumeArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(LustreClaim)},
		Spec: &corev1.PersistentVolumeSpecArgs{
			Capacity:                      capacity,
			AccessModes:                   pulumi.ToStringArray([]string{"ReadWriteMany"}),
			PersistentVolumeReclaimPolicy: pulumi.String("Retain"),
			StorageClassName:              pulumi.String(""),
			MountOptions:                  pulumi.ToStringArray([]string{"flock"}),
			Csi: &corev1.CSIPersistentVolumeSourceArgs{
				Driver:       pulumi.String(catalog.FSxCSIDriver),
				VolumeHandle: args.FileSystemID,
				VolumeAttributes: pulumi.StringMap{
					"dnsname":   args.DNSName,
					"mountname": args.MountName,
				},
			},
		},
	}, append(k8s, pulumi.DependsOn(args.DependsOn))...)
	if err != nil {
		return nil, err
	}
	v.Claim, err = corev1.NewPersistentVolumeClaim(ctx, name, &corev1.PersistentVolumeClaimArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(LustreClaim), Namespace: args.Namespace},
		Spec: &corev1.PersistentVolumeClaimSpecArgs{
			AccessModes:      pulumi.ToStringArray([]string{"ReadWriteMany"}),
			StorageClassName: pulumi.String(""),
			VolumeName:       v.Volume.Metadata.Name(),
			Resources:        &corev1.VolumeResourceRequirementsArgs{Requests: capacity},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(v, pulumi.Map{"claim": v.Claim.Metadata.Name()}); err != nil {
		return nil, err
	}
	return v, nil
}
