package sagemaker

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sagemaker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// Online store kinds.
const (
	OnlineNone     = "none"
	OnlineStandard = "standard"
	OnlineInMemory = "inMemory"
)

// FeatureGroupSpec is one feature group.
type FeatureGroupSpec struct {
	Name, RecordIdentifier, EventTime string
	// Features maps feature names to Integral, Fractional or String.
	Features map[string]string
	// OnlineStore is OnlineNone, OnlineStandard or OnlineInMemory.
	OnlineStore string
	// OfflineStore keeps history in S3 (not with an InMemory online store).
	OfflineStore bool
}

// FeatureGroupsArgs configures Feature Store.
type FeatureGroupsArgs struct {
	// Prefix starts every group's name: project and stack (required).
	Prefix string
	// Groups are the feature groups (required, at least one).
	Groups []FeatureGroupSpec
	// RoleARN writes the offline store (required).
	RoleARN pulumi.StringInput
	// OfflineStoreURI is the S3 prefix of the offline stores (required).
	OfflineStoreURI string
	// KMSKeyARN encrypts the stores (required).
	KMSKeyARN pulumi.StringInput
	// Protect protects the groups, whose deletion deletes their online
	// store (prod). Defaults to false.
	Protect bool
	// Tags are applied to every group (required).
	Tags map[string]string
}

// FeatureGroups are the Feature Store groups.
type FeatureGroups struct {
	pulumi.ResourceState

	Groups map[string]*sagemaker.FeatureGroup
}

// NewFeatureGroups creates the feature groups: online stores encrypted
// with the key (Standard; AWS encrypts InMemory stores itself), offline
// stores in the data bucket encrypted with it. The offline store creates
// no Glue table (the role gets no Glue permissions); query it with the
// Glue crawler or Athena of your choice.
func NewFeatureGroups(ctx *pulumi.Context, name string, args *FeatureGroupsArgs, opts ...pulumi.ResourceOption) (*FeatureGroups, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("feature groups %q: %w", name, err)
	}
	f := &FeatureGroups{Groups: map[string]*sagemaker.FeatureGroup{}}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:FeatureGroups", name, f, opts...); err != nil {
		return nil, err
	}
	groupOpts := []pulumi.ResourceOption{pulumi.Parent(f)}
	if args.Protect {
		groupOpts = append(groupOpts, pulumi.Protect(true))
	}
	for _, g := range args.Groups {
		var defs sagemaker.FeatureGroupFeatureDefinitionArray
		for _, feature := range sortedKeys(g.Features) {
			defs = append(defs, sagemaker.FeatureGroupFeatureDefinitionArgs{
				FeatureName: pulumi.String(feature), FeatureType: pulumi.String(g.Features[feature])})
		}
		fgArgs := &sagemaker.FeatureGroupArgs{
			FeatureGroupName:            pulumi.String(args.Prefix + "-" + g.Name),
			RecordIdentifierFeatureName: pulumi.String(g.RecordIdentifier),
			EventTimeFeatureName:        pulumi.String(g.EventTime),
			FeatureDefinitions:          defs,
			RoleArn:                     args.RoleARN,
			Tags:                        tags.With(args.Tags, "Name", args.Prefix+"-"+g.Name),
		}
		switch g.OnlineStore {
		case OnlineStandard:
			fgArgs.OnlineStoreConfig = sagemaker.FeatureGroupOnlineStoreConfigArgs{
				EnableOnlineStore: pulumi.Bool(true), StorageType: pulumi.String("Standard"),
				SecurityConfig: sagemaker.FeatureGroupOnlineStoreConfigSecurityConfigArgs{KmsKeyId: args.KMSKeyARN},
			}
		case OnlineInMemory:
			fgArgs.OnlineStoreConfig = sagemaker.FeatureGroupOnlineStoreConfigArgs{
				EnableOnlineStore: pulumi.Bool(true), StorageType: pulumi.String("InMemory")}
		}
		if g.OfflineStore {
			fgArgs.OfflineStoreConfig = sagemaker.FeatureGroupOfflineStoreConfigArgs{
				S3StorageConfig: sagemaker.FeatureGroupOfflineStoreConfigS3StorageConfigArgs{
					S3Uri: pulumi.String(strings.TrimSuffix(args.OfflineStoreURI, "/") + "/" + g.Name), KmsKeyId: args.KMSKeyARN},
				DisableGlueTableCreation: pulumi.Bool(true),
			}
		}
		var err error
		if f.Groups[g.Name], err = sagemaker.NewFeatureGroup(ctx, name+"-"+g.Name, fgArgs, groupOpts...); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{}); err != nil {
		return nil, err
	}
	return f, nil
}

func (a *FeatureGroupsArgs) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	if a.Prefix == "" || a.RoleARN == nil || a.KMSKeyARN == nil || !strings.HasPrefix(a.OfflineStoreURI, "s3://") {
		errs = append(errs, errors.New("Prefix, RoleARN, KMSKeyARN, OfflineStoreURI (s3://): required"))
	}
	if len(a.Groups) == 0 {
		errs = append(errs, errors.New("Groups: at least one"))
	}
	for i, g := range a.Groups {
		switch {
		case g.OnlineStore == OnlineInMemory && g.OfflineStore:
			errs = append(errs, fmt.Errorf("Groups[%d]: an InMemory online store takes no offline store", i))
		case g.OnlineStore == OnlineNone && !g.OfflineStore:
			errs = append(errs, fmt.Errorf("Groups[%d]: needs an online or offline store", i))
		case g.OnlineStore != OnlineNone && g.OnlineStore != OnlineStandard && g.OnlineStore != OnlineInMemory:
			errs = append(errs, fmt.Errorf("Groups[%d]: OnlineStore %q", i, g.OnlineStore))
		}
		for _, f := range []string{g.RecordIdentifier, g.EventTime} {
			if _, ok := g.Features[f]; !ok {
				errs = append(errs, fmt.Errorf("Groups[%d]: %q is not a feature", i, f))
			}
		}
	}
	return errors.Join(errs...)
}
