package config

import (
	"github.com/ml-platform/ml-platform/catalog"
)

// KeyObservability tunes the dashboards' alarms; every stack has them.
const KeyObservability = Namespace + ":observability"

// Observability decides when the stack's alarms fire.
type Observability struct {
	// EndpointErrorRatePercent of invocations answered 5xx (15 minutes).
	EndpointErrorRatePercent float64
	// EndpointP99LatencyMs of model latency (15 minutes).
	EndpointP99LatencyMs int
	// FSxFreePercent of a Lustre file system's capacity.
	FSxFreePercent float64
	// InterruptionBacklog messages waiting in Karpenter's queue (15 minutes).
	InterruptionBacklog int
	// IdleUtilizationPercent and IdleHours: accelerators below this
	// utilization for this long are idle and billed.
	IdleUtilizationPercent float64
	IdleHours              int
}

type observabilityInput struct {
	EndpointErrorRatePercent *float64 `json:"endpointErrorRatePercent"`
	EndpointP99LatencyMs     *int     `json:"endpointP99LatencyMs"`
	FSxFreePercent           *float64 `json:"fsxFreePercent"`
	InterruptionBacklog      *int     `json:"interruptionBacklog"`
	IdleUtilizationPercent   *float64 `json:"idleUtilizationPercent"`
	IdleHours                *int     `json:"idleHours"`
}

// Observability defaults: an endpoint failing 5% of requests or answering
// in over a second at p99, a file system 90% full, ten interruptions the
// controller has not handled, accelerators under 10% busy for three hours.
const (
	defaultEndpointErrorRatePercent = 5
	defaultEndpointP99LatencyMs     = 1000
	defaultFSxFreePercent           = 10
	defaultInterruptionBacklog      = 10
	defaultIdleUtilizationPercent   = 10
	defaultIdleHours                = 3
)

func parseObservability(in observabilityInput, p *problems) Observability {
	const key = KeyObservability
	o := Observability{
		EndpointErrorRatePercent: floatOr(in.EndpointErrorRatePercent, defaultEndpointErrorRatePercent),
		EndpointP99LatencyMs:     defaultEndpointP99LatencyMs,
		FSxFreePercent:           floatOr(in.FSxFreePercent, defaultFSxFreePercent),
		InterruptionBacklog:      defaultInterruptionBacklog,
		IdleUtilizationPercent:   floatOr(in.IdleUtilizationPercent, defaultIdleUtilizationPercent),
		IdleHours:                defaultIdleHours,
	}
	setInt(&o.EndpointP99LatencyMs, in.EndpointP99LatencyMs)
	setInt(&o.InterruptionBacklog, in.InterruptionBacklog)
	setInt(&o.IdleHours, in.IdleHours)
	percent := func(k string, v float64) {
		if v <= 0 || v >= 100 {
			p.add(key+"."+k, "%g; allowed: above 0 and below 100 (percent)", v)
		}
	}
	percent("endpointErrorRatePercent", o.EndpointErrorRatePercent)
	percent("fsxFreePercent", o.FSxFreePercent)
	percent("idleUtilizationPercent", o.IdleUtilizationPercent)
	if o.EndpointP99LatencyMs < 1 || o.EndpointP99LatencyMs > 60000 {
		p.add(key+".endpointP99LatencyMs", "%d; allowed: 1 to 60000 (a real-time invocation times out after 60 s)", o.EndpointP99LatencyMs)
	}
	if o.InterruptionBacklog < 1 {
		p.add(key+".interruptionBacklog", "%d; allowed: 1 or more messages", o.InterruptionBacklog)
	}
	if maxHours := catalog.AlarmWindowMaxSeconds / 3600; o.IdleHours < 1 || o.IdleHours > maxHours {
		p.add(key+".idleHours", "%d; allowed: 1 to %d (a CloudWatch alarm evaluates at most one day)", o.IdleHours, maxHours)
	}
	return o
}
