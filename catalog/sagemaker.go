package catalog

import (
	"slices"
	"strings"
)

// SageMakerInstance holds the us-east-1 on-demand prices of one SageMaker
// ml.* instance type. A price of 0 means the dimension does not apply (the
// type is not offered for it) or was not recorded; Note says which.
type SageMakerInstance struct {
	Name               string  // "ml.g5.xlarge"
	HostingUSDPerHour  float64 // real-time inference endpoint, per instance-hour
	TrainingUSDPerHour float64 // training job, per instance-hour
	Note               string  // caveats about the figures, "" when none
}

// SageMakerPricesSource says where the ml.* prices come from.
var SageMakerPricesSource = Source{
	Description: "Amazon SageMaker AI on-demand pricing, us-east-1, USD per instance-hour, Real-Time Inference and " +
		"Training tabs (published list prices, no Savings Plans). The ml.p4d and ml.p5 figures are the pre-June-2025 " +
		"list prices; whether SageMaker followed the June 2025 EC2 P4/P5 reduction was not verified, so they may " +
		"overstate the current price. Not re-checked against the live page on the recorded date: treat as approximate.",
	URL:      "https://aws.amazon.com/sagemaker/ai/pricing/",
	Recorded: recorded,
}

// sageMakerInstances is sorted by Name.
var sageMakerInstances = []SageMakerInstance{
	{Name: "ml.c5.xlarge", HostingUSDPerHour: 0.204, TrainingUSDPerHour: 0.204},
	{Name: "ml.g5.12xlarge", HostingUSDPerHour: 7.09, TrainingUSDPerHour: 7.09},
	{Name: "ml.g5.2xlarge", HostingUSDPerHour: 1.515, TrainingUSDPerHour: 1.515},
	{Name: "ml.g5.xlarge", HostingUSDPerHour: 1.408, TrainingUSDPerHour: 1.408},
	{Name: "ml.inf2.xlarge", HostingUSDPerHour: 0.99, TrainingUSDPerHour: 0,
		Note: "Inferentia2 is an inference accelerator: SageMaker does not offer it for training."},
	{Name: "ml.m5.large", HostingUSDPerHour: 0.115, TrainingUSDPerHour: 0.115},
	{Name: "ml.m5.xlarge", HostingUSDPerHour: 0.23, TrainingUSDPerHour: 0.23},
	{Name: "ml.p4d.24xlarge", HostingUSDPerHour: 37.688, TrainingUSDPerHour: 37.688,
		Note: "Pre-June-2025 list price; may not reflect the 2025 P4 price reduction."},
	{Name: "ml.p5.48xlarge", HostingUSDPerHour: 113.068, TrainingUSDPerHour: 113.068,
		Note: "Pre-June-2025 list price; may not reflect the 2025 P5 price reduction."},
	{Name: "ml.trn1.32xlarge", HostingUSDPerHour: 0, TrainingUSDPerHour: 28.497,
		Note: "Hosting price not recorded: plan Trainium for training jobs."},
}

// LookupSageMakerInstance returns the prices for an ml.* instance type and
// whether it is known.
func LookupSageMakerInstance(name string) (SageMakerInstance, bool) {
	i, found := slices.BinarySearchFunc(sageMakerInstances, name, func(s SageMakerInstance, n string) int {
		return strings.Compare(s.Name, n)
	})
	if !found {
		return SageMakerInstance{}, false
	}
	return sageMakerInstances[i], true
}

// SageMakerInstanceNames returns the names of every priced ml.* instance
// type, sorted.
func SageMakerInstanceNames() []string {
	names := make([]string, 0, len(sageMakerInstances))
	for _, s := range sageMakerInstances {
		names = append(names, s.Name)
	}
	return names
}
