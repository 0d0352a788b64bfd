package platform

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/keys"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
)

// Replica is the disaster recovery copy of the models bucket in a second
// region: its provider, key, bucket (with its access-log bucket) and the
// replication from the stack's bucket.
type Replica struct {
	Provider    *aws.Provider
	Keys        *keys.Keys
	Buckets     *storage.Buckets
	Replication *storage.Replication
}

func replicationRoleName(prefix string) string { return prefix + "-replication" }

// buildReplication registers the replica in storage.replication.region.
func (p *Platform) buildReplication(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	r := cfg.Storage.Replication
	if r == nil {
		return nil
	}
	tagsOf := cfg.Tags()
	replica := &Replica{}
	var err error
	replica.Provider, err = aws.NewProvider(ctx, "aws-replica", &aws.ProviderArgs{
		Region:      pulumi.String(r.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(tagsOf)},
	})
	if err != nil {
		return err
	}
	inReplica := pulumi.Provider(replica.Provider)
	protect := cfg.Environment.ProdLike()
	replica.Keys, err = keys.NewKeys(ctx, "replica-keys", &keys.KeysArgs{
		Domains:     []keys.Domain{{Name: KeyData, Description: prefix + ": disaster recovery copy of the models (" + r.Region + ")"}},
		AliasPrefix: prefix + "-replica", Account: awsarn.Account{Partition: p.Partition, Region: r.Region, AccountID: p.AccountID},
		Protect: protect, Tags: tagsOf,
	}, inReplica)
	if err != nil {
		return err
	}
	replica.Buckets, err = storage.NewBuckets(ctx, "replica-buckets", &storage.BucketsArgs{
		NamePrefix: prefix, Account: awsarn.Account{Partition: p.Partition, Region: r.Region, AccountID: p.AccountID},
		DataKeyARN:                replica.Keys.ARNs[KeyData],
		DataPurposes:              []string{storage.Models},
		Lifecycle:                 cfg.Storage.Lifecycle,
		AbortIncompleteUploadDays: cfg.Storage.AbortIncompleteUploadDays,
		Protect:                   protect,
		Tags:                      tagsOf,
	}, inReplica)
	if err != nil {
		return err
	}
	replica.Replication, err = storage.NewReplication(ctx, "replication", &storage.ReplicationArgs{
		RoleName: replicationRoleName(prefix), Account: awsarn.Account{Partition: p.Partition, AccountID: p.AccountID},
		SourceRegion: cfg.Region, DestinationRegion: r.Region,
		SourceBucket: p.Buckets.Names[storage.Models], DestinationBucket: replica.Buckets.Names[storage.Models],
		SourceKeyAlias: keys.AliasName(prefix, KeyData), DestinationKeyAlias: keys.AliasName(prefix+"-replica", KeyData),
		DestinationKeyARN: replica.Keys.ARNs[KeyData],
		// Both buckets and their versioning, named: a dependency on a
		// component covers only the children registered when it is taken.
		DependsOn: []pulumi.Resource{p.Buckets.Buckets[storage.Models], p.Buckets.Versionings[storage.Models],
			replica.Buckets.Buckets[storage.Models], replica.Buckets.Versionings[storage.Models]},
		Tags: tagsOf,
	}, withAWS)
	if err != nil {
		return err
	}
	p.Replica = replica
	return nil
}

// replicaBucket is the replica of the models bucket, "" without one.
func (p *Platform) replicaBucket() pulumi.StringInput {
	if p.Replica == nil {
		return pulumi.String("")
	}
	return p.Replica.Buckets.Buckets[storage.Models].ID().ToStringOutput()
}
