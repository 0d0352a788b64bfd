package catalog

import (
	"maps"
	"slices"
)

// HoursPerMonth is the month length the estimate uses (AWS pricing calculator
// convention: 24 × 365 / 12).
const HoursPerMonth = 730.0

// ServicePrices are the unit prices of the non-instance services the monthly
// estimate prices, us-east-1 list prices in USD. Tiered prices are the first
// tier.
type ServicePrices struct {
	NATGatewayUSDPerHour               float64         // per NAT gateway-hour
	NATGatewayUSDPerGB                 float64         // per GB processed by a NAT gateway
	InterfaceEndpointUSDPerHourPerAZ   float64         // per interface endpoint per AZ-hour
	InterfaceEndpointUSDPerGB          float64         // per GB processed, first PB a month
	PublicIPv4USDPerHour               float64         // per public IPv4 address-hour, in use or idle
	KMSKeyUSDPerMonth                  float64         // per customer managed key-month
	CloudWatchLogsIngestUSDPerGB       float64         // standard log class ingestion
	CloudWatchLogsStorageUSDPerGBMonth float64         // archived (stored) logs
	VPCFlowLogsUSDPerGB                float64         // vended logs delivered to CloudWatch Logs, first 10 TB tier
	EKSClusterUSDPerHour               float64         // per cluster-hour on standard support
	S3StandardUSDPerGBMonth            float64         // S3 Standard, first 50 TB a month
	FSxLustrePersistent2USDPerGBMonth  map[int]float64 // SSD storage, keyed by throughput in MB/s/TiB: 125, 250, 500, 1000
	FSxLustreScratch2USDPerGBMonth     float64         // SCRATCH_2 storage (200 MB/s/TiB baseline included)
	OpenSearchServerlessUSDPerOCUHour  float64         // OpenSearch Compute Unit-hour, indexing or search
	CloudWatchAlarmUSDPerMetricMonth   float64         // standard-resolution alarm, per metric it evaluates
	CloudWatchDashboardUSDPerMonth     float64         // per dashboard beyond the free three
}

// Prices are the us-east-1 unit prices the cost estimate uses. Treat it as
// read-only; use [FSxLustrePersistent2Price] to read the FSx table.
var Prices = ServicePrices{
	NATGatewayUSDPerHour:               0.045,
	NATGatewayUSDPerGB:                 0.045,
	InterfaceEndpointUSDPerHourPerAZ:   0.01,
	InterfaceEndpointUSDPerGB:          0.01,
	PublicIPv4USDPerHour:               0.005,
	KMSKeyUSDPerMonth:                  1.00,
	CloudWatchLogsIngestUSDPerGB:       0.50,
	CloudWatchLogsStorageUSDPerGBMonth: 0.03,
	VPCFlowLogsUSDPerGB:                0.50,
	EKSClusterUSDPerHour:               0.10,
	S3StandardUSDPerGBMonth:            0.023,
	FSxLustreScratch2USDPerGBMonth:     0.140,
	OpenSearchServerlessUSDPerOCUHour:  0.24,
	CloudWatchAlarmUSDPerMetricMonth:   0.10,
	CloudWatchDashboardUSDPerMonth:     3.00,
	FSxLustrePersistent2USDPerGBMonth: map[int]float64{
		125:  0.145,
		250:  0.210,
		500:  0.290,
		1000: 0.420,
	},
}

// ServicePricesSource says where [Prices] come from.
var ServicePricesSource = Source{
	Description: "Published us-east-1 list prices (USD, first tier) from the AWS pricing pages: " +
		"Amazon VPC pricing (NAT gateway, public IPv4), AWS PrivateLink pricing (interface endpoints), " +
		"AWS KMS pricing, Amazon CloudWatch pricing (Logs ingestion/storage, vended VPC flow logs, standard alarms per metric, " +
		"dashboards: the first three of an account are free, priced here as if they were not), " +
		"Amazon EKS pricing (standard support), Amazon S3 pricing (S3 Standard), " +
		"Amazon FSx for Lustre pricing (Persistent-2 SSD per throughput tier, Scratch-2), " +
		"Amazon OpenSearch Service pricing (Serverless OCU-hour; a collection bills at least 2 OCUs with standby " +
		"replicas, 1 without: OpenSearchServerlessMinOCUs). " +
		"FSx Persistent-2 figures are the storage price including the throughput tier, without backups or metadata IOPS.",
	URL:      "https://aws.amazon.com/vpc/pricing/",
	Recorded: recorded,
}

// FSxLustrePersistent2Price returns the us-east-1 Persistent-2 storage price
// in USD per GB-month for a throughput tier in MB/s/TiB, and false when the
// tier is not one AWS offers (125, 250, 500 or 1000).
func FSxLustrePersistent2Price(throughputMBpsPerTiB int) (float64, bool) {
	p, ok := Prices.FSxLustrePersistent2USDPerGBMonth[throughputMBpsPerTiB]
	return p, ok
}

// FSxLustrePersistent2Tiers returns the Persistent-2 throughput tiers in
// MB/s/TiB, ascending.
func FSxLustrePersistent2Tiers() []int {
	return slices.Sorted(maps.Keys(Prices.FSxLustrePersistent2USDPerGBMonth))
}

// OpenSearchServerlessMinOCUs is the minimum OCUs a collection's account
// pays for (indexing plus search), with and without standby replicas
// (Amazon OpenSearch Service pricing, Serverless; ServicePricesSource).
func OpenSearchServerlessMinOCUs(standby bool) float64 {
	if standby {
		return 2
	}
	return 1
}
