package spec

// Alarms decide when the stack's alarms fire: config fills them from
// ml-platform:observability (checking each bound), the observability
// component creates the alarms.
type Alarms struct {
	// EndpointErrorRatePercent of invocations answered 5xx (15 minutes).
	EndpointErrorRatePercent float64
	// EndpointP99LatencyMs of model latency (15 minutes).
	EndpointP99LatencyMs int
	// FSxFreePercent of a Lustre file system's capacity below which it
	// alarms.
	FSxFreePercent float64
	// InterruptionBacklog messages waiting in Karpenter's queue (15 minutes).
	InterruptionBacklog int
	// IdleUtilizationPercent and IdleHours: accelerators below this
	// utilization for this long on one node are idle and billed.
	IdleUtilizationPercent float64
	IdleHours              int
}
