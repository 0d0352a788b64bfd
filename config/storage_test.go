package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStorageDefaultsPerEnvironment(t *testing.T) {
	dev, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Equal(t, Lifecycle{
		TrainingDataIntelligentTieringDays: 90, TrainingDataGlacierIRDays: 365, CheckpointsExpireDays: 30,
		ModelsGlacierDays: 180, NoncurrentExpireDays: 30, LogsExpireDays: 30,
	}, dev.Storage.Lifecycle, "the seed's lifecycle")
	require.True(t, dev.Storage.ForceDestroy, "dev buckets are disposable")
	require.False(t, dev.Storage.RestrictToVPCEndpoint)
	require.Nil(t, dev.Storage.Lustre, "Lustre is opt-in")
	require.Nil(t, dev.Storage.TrainingJob)
	require.Equal(t, 7, dev.Storage.AbortIncompleteUploadDays)

	prod, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.False(t, prod.Storage.ForceDestroy)
	require.True(t, prod.Storage.RestrictToVPCEndpoint, "prod objects only through the VPC endpoint")
	require.Equal(t, 365, prod.Storage.Lifecycle.LogsExpireDays)
}

func TestLustreSettings(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyStorage, obj(map[string]any{
		"lustre": map[string]any{"storageCapacityGiB": 4800, "throughputMBpsPerTiB": 1000, "metadataIops": 12000, "efa": true},
	})))
	require.NoError(t, err)
	require.Equal(t, &Lustre{DeploymentType: "PERSISTENT_2", StorageCapacityGiB: 4800, ThroughputMBpsPerTiB: 1000,
		MetadataIops: 12000, EFA: true, LinkBuckets: true}, s.Storage.Lustre)

	s, err = Parse("ml-platform", "dev", with(base(), KeyStorage, obj(map[string]any{
		"lustre": map[string]any{"deploymentType": "SCRATCH_2", "storageCapacityGiB": 2400},
	})))
	require.NoError(t, err)
	require.Equal(t, "SCRATCH_2", s.Storage.Lustre.DeploymentType)
	require.Zero(t, s.Storage.Lustre.ThroughputMBpsPerTiB, "scratch has no tier")

	// Not linked to S3, a prod file system is the only copy: backups by default.
	s, err = Parse("ml-platform", "prod", with(base(), KeyStorage, obj(map[string]any{
		"lustre": map[string]any{"linkBuckets": false},
	})))
	require.NoError(t, err)
	require.Equal(t, 7, s.Storage.Lustre.BackupRetentionDays)

	s, err = Parse("ml-platform", "dev", with(base(), KeyStorage, obj(map[string]any{
		"lustre": map[string]any{"enabled": false},
	})))
	require.NoError(t, err)
	require.Nil(t, s.Storage.Lustre)
}

func TestStorageErrors(t *testing.T) {
	tests := []struct {
		name, stack string
		storage     map[string]any
		want        string
	}{
		{"throughput not a tier", "prod", map[string]any{"lustre": map[string]any{"throughputMBpsPerTiB": 300}},
			"ml-platform:storage.lustre.throughputMBpsPerTiB: 300 MB/s/TiB is not a tier; allowed: 125, 250, 500, 1000"},
		{"capacity not a step", "prod", map[string]any{"lustre": map[string]any{"storageCapacityGiB": 1500}},
			"ml-platform:storage.lustre.storageCapacityGiB: 1500 GiB is not a size FSx offers; allowed: 1200, 2400, then steps of 2400 GiB"},
		{"EFA on scratch", "dev", map[string]any{"lustre": map[string]any{"deploymentType": "SCRATCH_2", "efa": true}},
			`ml-platform:storage.lustre.efa: EFA-enabled file systems need deploymentType "PERSISTENT_2"`},
		{"scratch in prod", "prod", map[string]any{"lustre": map[string]any{"deploymentType": "SCRATCH_2"}},
			`ml-platform:storage.lustre.deploymentType: "SCRATCH_2" is weaker than prod allows`},
		{"unknown deployment type", "dev", map[string]any{"lustre": map[string]any{"deploymentType": "SCRATCH_1"}},
			`ml-platform:storage.lustre.deploymentType: "SCRATCH_1" is not offered; allowed: "PERSISTENT_2", "SCRATCH_2" (outside prod)`},
		{"metadata IOPS", "dev", map[string]any{"lustre": map[string]any{"metadataIops": 5000}},
			"ml-platform:storage.lustre.metadataIops: 5000 is not a metadata IOPS value"},
		{"backups with linked buckets", "prod", map[string]any{"lustre": map[string]any{"backupRetentionDays": 7}},
			"ml-platform:storage.lustre.backupRetentionDays: AWS does not back up file systems linked to S3"},
		{"unlinked prod without backups", "prod", map[string]any{"lustre": map[string]any{"linkBuckets": false, "backupRetentionDays": 0}},
			"ml-platform:storage.lustre.backupRetentionDays: 0 is weaker than prod allows"},
		{"lifecycle out of order", "dev", map[string]any{"lifecycle": map[string]any{"trainingData": map[string]any{"glacierIrDays": 60}}},
			"ml-platform:storage.lifecycle.trainingData.glacierIrDays: 60 must be later than intelligentTieringDays (90)"},
		{"prod logs kept a month", "prod", map[string]any{"lifecycle": map[string]any{"logs": map[string]any{"expireDays": 30}}},
			"ml-platform:storage.lifecycle.logs.expireDays: 30 is weaker than prod allows"},
		{"archive tier too early", "dev", map[string]any{"archiveTiering": map[string]any{"archiveAccessDays": 30}},
			"ml-platform:storage.archiveTiering.archiveAccessDays: 30 is outside the allowed 90 to 730"},
		{"prod without endpoint restriction", "prod", map[string]any{"restrictToVpcEndpoint": false},
			"ml-platform:storage.restrictToVpcEndpoint: false is weaker than prod allows"},
		{"bad exempt role", "prod", map[string]any{"vpcEndpointExemptRoleArns": []string{"deployer"}},
			`ml-platform:storage.vpcEndpointExemptRoleArns[0]: "deployer" is not an IAM role ARN`},
		{"force destroy in prod", "prod", map[string]any{"forceDestroy": true},
			"ml-platform:storage.forceDestroy: true is not allowed in prod"},
		{"job without Lustre", "dev", map[string]any{"trainingJob": map[string]any{"enabled": true}},
			"ml-platform:storage.trainingJob: needs the Lustre file system"},
		{"job on a CPU type", "dev", map[string]any{"lustre": map[string]any{}, "trainingJob": map[string]any{"enabled": true, "instanceType": "m6i.xlarge"}},
			`ml-platform:storage.trainingJob.instanceType: "m6i.xlarge" is not an NVIDIA GPU type with EFA in the catalog`},
		{"job shm too large", "dev", map[string]any{"lustre": map[string]any{}, "trainingJob": map[string]any{"enabled": true, "shmGiB": 2048}},
			"ml-platform:storage.trainingJob.shmGiB: 2048 GiB is outside the allowed 1 to 1024"},
		{"typo", "dev", map[string]any{"lustre": map[string]any{"capacity": 1200}}, "ml-platform:storage.lustre.capacity: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("ml-platform", tt.stack, with(base(), KeyStorage, obj(tt.storage)))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestTrainingJobDefaults(t *testing.T) {
	s, err := Parse("ml-platform", "dev", with(base(), KeyStorage, obj(map[string]any{
		"lustre": map[string]any{}, "trainingJob": map[string]any{"enabled": true},
	})))
	require.NoError(t, err)
	require.Equal(t, &TrainingJob{InstanceType: "p5.48xlarge", Nodes: 2, Image: "pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime",
		Command: []string{"torchrun", "/data/code/train.py"}, CheckpointIntervalMinutes: 15, ShmGiB: 64}, s.Storage.TrainingJob)
}

func TestReplication(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyStorage, obj(map[string]any{"replication": map[string]any{"region": "us-west-2"}})))
	require.NoError(t, err)
	require.Equal(t, &Replication{Region: "us-west-2"}, s.Storage.Replication)
	s, err = Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.Nil(t, s.Storage.Replication, "off unless configured")

	for stack, c := range map[string]struct{ region, want string }{
		"dev":     {"us-west-2", "ml-platform:storage.replication: a disaster recovery copy is for prod and staging"},
		"prod":    {"us-east-1", `ml-platform:storage.replication.region: "us-east-1" is the stack's own region`},
		"staging": {"us-west-3", `ml-platform:storage.replication.region: "us-west-3" is not a commercial AWS region the provider knows; closest: us-west-1`},
	} {
		_, err := Parse("ml-platform", stack, with(base(), KeyStorage, obj(map[string]any{"replication": map[string]any{"region": c.region}})))
		require.ErrorContains(t, err, c.want, stack)
	}
}

// TestEFSConfig: off unless enabled; the transition, throughput mode and
// teams are checked.
func TestEFSConfig(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Nil(t, s.Storage.EFS)
	s, err = Parse("ml-platform", "dev", with(base(), KeyStorage, obj(map[string]any{"efs": map[string]any{"enabled": true, "teams": []string{"research"}}})))
	require.NoError(t, err)
	require.Equal(t, &EFS{ThroughputMode: "elastic", TransitionToIADays: 30, Teams: []string{"research"}}, s.Storage.EFS)
	for in, want := range map[string]string{
		`{"enabled": true, "transitionToIaDays": 45}`:        "ml-platform:storage.efs.transitionToIaDays: 45 is not a lifecycle transition; allowed: 1, 7, 14, 30",
		`{"enabled": true, "throughputMode": "provisioned"}`: `ml-platform:storage.efs.throughputMode: "provisioned" is not a throughput mode; allowed: "bursting", "elastic"`,
		`{"enabled": true, "teams": ["a", "a"]}`:             `ml-platform:storage.efs.teams[1]: "a" is listed twice`,
		`{"enabled": true, "teams": ["Data_Science"]}`:       `ml-platform:storage.efs.teams[0]: "Data_Science" is not a team name`,
	} {
		_, err := Parse("ml-platform", "dev", with(base(), KeyStorage, `{"efs": `+in+`}`))
		require.ErrorContains(t, err, want, in)
	}
}
