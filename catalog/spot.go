package catalog

import "slices"

// SpotDiscount is how far below on-demand spot capacity of a family ran
// in us-east-1, as AWS's Spot Instance Advisor reported it.
type SpotDiscount struct {
	Family string
	// Discount is the savings over on-demand, 0.58 for 58%.
	Discount float64
	// Basis names the instance type the figure is read from.
	Basis string
}

// SpotDiscountsSource says where the spot discounts come from.
var SpotDiscountsSource = Source{
	Description: "AWS Spot Instance Advisor feed (spot-advisor-data.json), us-east-1 Linux, \"savings over On-Demand\" of " +
		"the type each family is read from: the 30-day trailing snapshot of 2025-06-28 embedded in alexei-led/spotinfo " +
		"(internal/spot/data). A second-hand reading of 2026-09-20 gave p5.48xlarge 57% and g5.2xlarge 62%; the lower, " +
		"older figures are kept. Spot prices move daily: an indication for the estimate, not a quote. AWS's own claim is " +
		"\"up to 90%\"; SageMaker managed spot training \"up to 90% over on-demand instances\".",
	URL:      "https://aws.amazon.com/ec2/spot/instance-advisor/",
	Recorded: recorded,
}

// spotDiscounts is sorted by Family.
var spotDiscounts = []SpotDiscount{
	{Family: "g5", Discount: 0.58, Basis: "g5.2xlarge, Spot Instance Advisor 2025-06"},
	{Family: "g6", Discount: 0.49, Basis: "g6.xlarge, Spot Instance Advisor 2025-06"},
	{Family: "g6e", Discount: 0.58, Basis: "g6e.xlarge, Spot Instance Advisor 2025-06"},
	{Family: "inf2", Discount: 0.78, Basis: "inf2.xlarge, Spot Instance Advisor 2025-06"},
	{Family: "m6i", Discount: 0.55, Basis: "m6i.xlarge, Spot Instance Advisor 2025-06"},
	{Family: "p4d", Discount: 0.67, Basis: "p4d.24xlarge, Spot Instance Advisor 2025-06"},
	{Family: "p5", Discount: 0.52, Basis: "p5.48xlarge, Spot Instance Advisor 2025-06"},
	{Family: "trn1", Discount: 0.79, Basis: "trn1.32xlarge, Spot Instance Advisor 2025-06"},
}

// LookupSpotDiscount returns a family's recorded spot discount; false when
// none is recorded (the estimate then prices spot at on-demand and says so).
func LookupSpotDiscount(family string) (SpotDiscount, bool) {
	i, ok := slices.BinarySearchFunc(spotDiscounts, family, func(d SpotDiscount, f string) int {
		switch {
		case d.Family < f:
			return -1
		case d.Family > f:
			return 1
		}
		return 0
	})
	if !ok {
		return SpotDiscount{}, false
	}
	return spotDiscounts[i], true
}

// SpotDiscountFamilies returns the families with a recorded discount, sorted.
func SpotDiscountFamilies() []string {
	var out []string
	for _, d := range spotDiscounts {
		out = append(out, d.Family)
	}
	return out
}

// SavingsPlanRate is the discount of a Savings Plan on steady capacity.
type SavingsPlanRate struct {
	Plan string
	// OneYear and ThreeYear are No Upfront discounts over on-demand.
	OneYear, ThreeYear float64
}

// EC2SavingsPlan is the rate the estimate shows for steady EC2 capacity:
// EC2 Instance Savings Plans, No Upfront, as AWS's price list gave them for
// p5.48xlarge, p4de.24xlarge and p5en.48xlarge (37% and 57%). Compute
// Savings Plans, which the issue of record asks for, save less (AWS: up to
// 66% against 72%) and no per-family rate was found: the estimate names
// the plan it prices.
var EC2SavingsPlan = SavingsPlanRate{Plan: "EC2 Instance Savings Plan", OneYear: 0.37, ThreeYear: 0.57}

// SavingsPlansSource says where the Savings Plans figures come from.
var SavingsPlansSource = Source{
	Description: "AWS Price List Savings Plans file (AWSComputeSavingsPlan), us-east-1, published 2026-09-25, as quoted in " +
		"a public catalog: p5.48xlarge on-demand $55.04/h, EC2 Instance Savings Plan No Upfront 1-year $34.6752/h (37% off), " +
		"3-year $23.77728/h (56.8% off); p4de and p5en the same within a point. AWS Savings Plans FAQ: Compute Savings Plans " +
		"\"up to 66%\", EC2 Instance Savings Plans \"up to 72%\". SageMaker Savings Plans (up to 64%, secondary sources only) " +
		"have no recorded rate.",
	URL:      "https://aws.amazon.com/savingsplans/faqs/",
	Recorded: recorded,
}

// s3StoragePrices are us-east-1 USD per GB-month by storage class, first tier.
var s3StoragePrices = map[string]float64{
	"STANDARD":            0.023,
	"INTELLIGENT_TIERING": 0.023, // frequent access tier; colder tiers cost less, plus monitoring per object
	"STANDARD_IA":         0.0125,
	"GLACIER_IR":          0.004,
	"GLACIER":             0.0036,
	"DEEP_ARCHIVE":        0.00099,
}

// S3StoragePrice returns a storage class's us-east-1 price per GB-month
// (Amazon S3 pricing, storage; ServicePricesSource).
func S3StoragePrice(class string) (float64, bool) {
	p, ok := s3StoragePrices[class]
	return p, ok
}

// S3StorageClasses returns the priced storage classes, sorted.
func S3StorageClasses() []string {
	var out []string
	for c := range s3StoragePrices {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
