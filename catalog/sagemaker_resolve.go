package catalog

import (
	"regexp"
	"slices"
	"strings"

	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
)

// The ml.* types the SageMaker API takes, per use (the AWS SDK for Go v2's
// ProductionVariantInstanceType, TrainingInstanceType and
// ProcessingInstanceType enums), sorted.
var (
	smHosting    = sortedEnum(smtypes.ProductionVariantInstanceType("").Values())
	smTraining   = sortedEnum(smtypes.TrainingInstanceType("").Values())
	smProcessing = sortedEnum(smtypes.ProcessingInstanceType("").Values())
)

func sortedEnum[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	slices.Sort(out)
	return out
}

// SageMakerUse is what an ml.* type is used for.
type SageMakerUse string

// SageMaker uses.
const (
	SageMakerHosting    SageMakerUse = "hosting"
	SageMakerTraining   SageMakerUse = "training"
	SageMakerProcessing SageMakerUse = "processing"
)

// SageMakerTypes are the ml.* types the API takes for a use, sorted.
func SageMakerTypes(use SageMakerUse) []string {
	switch use {
	case SageMakerHosting:
		return slices.Clone(smHosting)
	case SageMakerTraining:
		return slices.Clone(smTraining)
	}
	return slices.Clone(smProcessing)
}

// SageMakerTypeFor reports whether the API takes an ml.* type for a use.
func SageMakerTypeFor(name string, use SageMakerUse) bool {
	_, ok := slices.BinarySearch(SageMakerTypes(use), name)
	return ok
}

// ClosestSageMakerTypes are the ml.* types of a use nearest to a name.
func ClosestSageMakerTypes(name string, use SageMakerUse, n int) []string {
	family, size, _ := strings.Cut(strings.TrimPrefix(name, "ml."), ".")
	return closest(SageMakerTypes(use), n, func(c string) int {
		cf, cs, _ := strings.Cut(strings.TrimPrefix(c, "ml."), ".")
		return 2*editDistance(family, cf) + editDistance(size, cs)
	})
}

// nvmeFamilies are the accelerated families whose instances carry local
// NVMe instance storage (EC2 user guide, "Instance store volumes"); any
// family with a "d" after its generation (m5d, c6id) does too.
var (
	nvmeFamilies = []string{"g4dn", "g5", "g6", "g6e", "gr6", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "trn1", "trn1n", "trn2"}
	dFamily      = regexp.MustCompile(`^[a-z]+[0-9]+[a-z]*d[a-z]*$`)
)

// ResolveSageMakerInstance returns what the catalog knows of an ml.*
// type: its prices and flags, or, for a type the API has but the catalog
// lacks, the flags its family implies (instance storage, processing) and
// no prices.
func ResolveSageMakerInstance(name string) (SageMakerInstance, Knowledge) {
	if t, ok := LookupSageMakerInstance(name); ok {
		return t, Catalogued
	}
	if !SageMakerTypeFor(name, SageMakerHosting) && !SageMakerTypeFor(name, SageMakerTraining) && !SageMakerTypeFor(name, SageMakerProcessing) {
		return SageMakerInstance{}, NotEC2
	}
	family, _, _ := strings.Cut(strings.TrimPrefix(name, "ml."), ".")
	return SageMakerInstance{Name: name, InstanceStorage: slices.Contains(nvmeFamilies, family) || dFamily.MatchString(family),
		Processing: SageMakerTypeFor(name, SageMakerProcessing), Note: "not in the catalog: unpriced"}, Inferred
}

// SageMakerTypesLike are the ml.* types of a use whose instance storage
// is the same as name's: what a pipeline parameter defaulting to name may
// be overridden with when the job's volume key (or its absence) was
// chosen for name (SageMaker API ResourceConfig and ProcessingClusterConfig:
// "You can't request a VolumeKmsKeyId when using an instance type with
// local storage"). With accelerated, only accelerated types (GPU,
// Trainium, Inferentia) are kept, for jobs that launch torchrun.
func SageMakerTypesLike(name string, use SageMakerUse, accelerated bool) []string {
	want, _ := ResolveSageMakerInstance(name)
	var out []string
	for _, t := range SageMakerTypes(use) {
		got, _ := ResolveSageMakerInstance(t)
		if got.InstanceStorage != want.InstanceStorage {
			continue
		}
		if accelerated && !SageMakerAccelerated(t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// SageMakerAccelerated reports whether an ml.* type has accelerators, by
// its EC2 family.
func SageMakerAccelerated(name string) bool {
	family, _, _ := strings.Cut(strings.TrimPrefix(name, "ml."), ".")
	return FamilyAccelerator(family) != AcceleratorNone
}
