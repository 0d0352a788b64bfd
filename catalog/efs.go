package catalog

import "fmt"

// Amazon EFS facts (catalog.EFSSource).
const (
	// EFSCSIAddon is the EKS add-on of the EFS CSI driver; its controller
	// (service account efs-csi-controller-sa in kube-system) creates access
	// points for dynamically provisioned volumes.
	EFSCSIAddon = "aws-efs-csi-driver"
	// EFSCSIDriver is the CSI driver name volumes use.
	EFSCSIDriver = "efs.csi.aws.com"
	// EFSCSIControllerServiceAccount runs the driver's controller.
	EFSCSIControllerServiceAccount = "efs-csi-controller-sa"
	// EFSCSIPolicy is the AWS managed policy the controller needs.
	EFSCSIPolicy = "service-role/AmazonEFSCSIDriverPolicy"
	// EFSPort is the NFS port mount targets listen on.
	EFSPort = 2049
)

// EFSTransitionDays are the days after last access EFS lifecycle management
// moves files to Infrequent Access (TransitionToIA, AFTER_<n>_DAY(S)).
var EFSTransitionDays = []int{1, 7, 14, 30, 60, 90, 180, 270, 365}

// EFSThroughputModes are the throughput modes the platform offers:
// elastic scales with the workload and bills per GB transferred; bursting
// earns credits with the size stored (provisioned, billed per MiB/s-month
// whether used or not, is left out).
var EFSThroughputModes = []string{"bursting", "elastic"}

// EFSTransition is the lifecycle policy value for n days.
func EFSTransition(days int) string {
	if days == 1 {
		return "AFTER_1_DAY"
	}
	return fmt.Sprintf("AFTER_%d_DAYS", days)
}

// EFSSource says where the EFS facts come from.
var EFSSource = Source{
	Description: "Amazon EFS user guide: lifecycle management (TransitionToIA AFTER_1_DAY to AFTER_365_DAYS; " +
		"TransitionToPrimaryStorageClass AFTER_1_ACCESS), throughput modes (elastic, bursting, provisioned), " +
		"mount targets (one per AZ, NFS on TCP 2049 from the clients' security group), access points (POSIX user " +
		"and root directory enforced per mount), file system policies (aws:SecureTransport to require TLS); " +
		"EKS user guide, efs-csi (the aws-efs-csi-driver add-on, efs-csi-controller-sa with " +
		"AmazonEFSCSIDriverPolicy through Pod Identity, volumeHandle <fs-id>::<access-point-id>, the tls mount " +
		"option, provisioningMode efs-ap for dynamic volumes).",
	URL:      "https://docs.aws.amazon.com/efs/latest/ug/lifecycle-management-efs.html",
	Recorded: "2026-12-07",
}
