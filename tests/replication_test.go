package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestModelsReplicatedInProd: prod replicates its models bucket to the
// configured region, into a replica bucket and key created there (by the
// second region's provider), wired from their outputs; dev has no replica.
func TestModelsReplicatedInProd(t *testing.T) {
	dev := preview(t, "dev")
	require.Empty(t, byType(dev, "aws:s3/bucketReplicationConfig:BucketReplicationConfig"))
	require.Equal(t, "", dev.Outputs["modelsReplicaBucket"])

	prod := preview(t, "prod")
	region := prod.Config.Storage.Replication.Region
	require.Equal(t, "us-west-2", region)
	configs := byType(prod, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
	require.Len(t, configs, 1)
	cfg := configs[0]
	models := named(byType(prod, "aws:s3/bucketV2:BucketV2"), "buckets-models")
	replica := named(byType(prod, "aws:s3/bucketV2:BucketV2"), "replica-buckets-models")
	require.Equal(t, str(models.Inputs, "bucket"), str(cfg.Inputs, "bucket"))
	require.Equal(t, str(replica.Outputs, "id"), prod.Outputs["modelsReplicaBucket"])
	require.Contains(t, str(replica.Inputs, "bucket"), region)
	require.True(t, replica.Protect, "prod's replica is protected")

	key := named(byType(prod, "aws:kms/key:Key"), "replica-keys-data")
	require.True(t, strings.HasPrefix(str(key.Outputs, "arn"), "arn:aws:kms:"+region+":"), "the replica key is in the replica's region")
	dest := cfg.Inputs["rules"].ArrayValue()[0].ObjectValue()["destination"].ObjectValue()
	require.Equal(t, str(key.Outputs, "arn"), str(dest["encryptionConfiguration"].ObjectValue(), "replicaKmsKeyId"))
	require.Contains(t, cfg.PropertyDependencies["rules"], key.URN, "wired from the key's output")
	for _, v := range byType(prod, "aws:s3/bucketVersioningV2:BucketVersioningV2") {
		if v.Name == "buckets-models-versioning" || v.Name == "replica-buckets-models-versioning" {
			require.Contains(t, cfg.Dependencies, v.URN, "replication waits for %s", v.Name)
		}
	}

	// The source bucket accepts objects only through the VPC endpoint; S3
	// replicates with the role from outside, so the role is exempt.
	policy := str(named(byType(prod, "aws:s3/bucketPolicy:BucketPolicy"), "buckets-models-policy").Inputs, "policy")
	require.Contains(t, policy, ":role/ml-platform-prod-replication")
	require.Equal(t, "ml-platform-prod-replication", str(named(byType(prod, "aws:iam/role:Role"), "replication").Inputs, "name"))

	// Everything in the replica region uses that region's provider.
	for _, r := range prod.Registered {
		if strings.HasPrefix(r.Name, "replica-") && r.Custom {
			require.Contains(t, r.Provider, "aws-replica", r.Name)
		}
	}
}
