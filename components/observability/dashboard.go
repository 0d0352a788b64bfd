package observability

import (
	"encoding/json"
	"fmt"

	"github.com/ml-platform/ml-platform/catalog"
)

// Dashboard is a CloudWatch dashboard body (the DashboardBody structure
// of the CloudWatch API reference).
type Dashboard struct {
	Widgets []Widget `json:"widgets"`
}

// Widget is one graph or text block on a 24-column grid.
type Widget struct {
	Type       string           `json:"type"`
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties WidgetProperties `json:"properties"`
}

// WidgetProperties are a metric widget's settings, or a text widget's
// Markdown.
type WidgetProperties struct {
	Title    string  `json:"title,omitempty"`
	Markdown string  `json:"markdown,omitempty"`
	Region   string  `json:"region,omitempty"`
	View     string  `json:"view,omitempty"`
	Stacked  bool    `json:"stacked,omitempty"`
	Period   int     `json:"period,omitempty"`
	Stat     string  `json:"stat,omitempty"`
	Metrics  [][]any `json:"metrics,omitempty"`
	YAxis    *YAxis  `json:"yAxis,omitempty"`
}

// YAxis bounds the left axis.
type YAxis struct {
	Left Axis `json:"left"`
}

// Axis is one axis's range and label.
type Axis struct {
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	Label string   `json:"label,omitempty"`
}

// Resolved is what the dashboard and alarms name once the resources exist:
// the physical names and IDs the metrics are published under.
type Resolved struct {
	Region, ClusterName string
	NVIDIA, Neuron      bool
	Endpoints           []ResolvedEndpoint
	// FileSystemIDs, NATGatewayIDs and NodeGroupASGs are by the names in
	// Args, in Args' order.
	FileSystemIDs    []string
	NATGatewayIDs    []string
	NodeGroupASGs    []string
	NodeGroupNames   []string
	FileSystemNames  []string
	NATGatewayNames  []string
	InterruptionRule string
	InterruptionQ    string
}

// ResolvedEndpoint is an endpoint by its physical name.
type ResolvedEndpoint struct {
	Name, Variant string
	Async         bool
}

// series is one metric line: namespace, name, dimension pairs and options.
func series(m catalog.Metric, dims []string, opts map[string]any) []any {
	out := []any{m.Namespace, m.Name}
	for i, d := range m.Dimensions {
		out = append(out, d, dims[i])
	}
	if opts != nil {
		out = append(out, opts)
	}
	return out
}

var percent = func() *YAxis {
	lo, hi := 0.0, 100.0
	return &YAxis{Left: Axis{Min: &lo, Max: &hi, Label: "%"}}
}

// DashboardBody lays out the stack's dashboard: two graphs per row, one
// row per subject, subjects the stack does not have left out.
func DashboardBody(r Resolved) string {
	var d Dashboard
	x, y := 0, 0
	add := func(title, stat string, period int, axis *YAxis, metrics ...[]any) {
		d.Widgets = append(d.Widgets, Widget{Type: "metric", X: x, Y: y, Width: 12, Height: 6, Properties: WidgetProperties{
			Title: title, Region: r.Region, View: "timeSeries", Period: period, Stat: stat, Metrics: metrics, YAxis: axis}})
		if x == 0 {
			x = 12
		} else {
			x, y = 0, y+6
		}
	}
	newRow := func() {
		if x != 0 {
			x, y = 0, y+6
		}
	}
	cluster := []string{r.ClusterName}
	d.Widgets = append(d.Widgets, Widget{Type: "text", X: 0, Y: 0, Width: 24, Height: 2, Properties: WidgetProperties{
		Markdown: fmt.Sprintf("## %s\nAccelerators, nodes and interruptions of cluster `%s`, then endpoints, file systems and NAT. "+
			"Alarms go to the stack's alert topic (docs/operations.md, Operating the platform).", r.ClusterName, r.ClusterName)}})
	y = 2

	if r.NVIDIA {
		add("GPU utilization", "Average", 300, percent(),
			series(catalog.MetricGPUUtilization, cluster, map[string]any{"label": "GPU utilization"}),
			series(catalog.MetricGPUMemoryUtilization, cluster, map[string]any{"label": "GPU memory"}))
	}
	if r.Neuron {
		add("Neuron core utilization", "Average", 300, percent(),
			series(catalog.MetricNeuronCoreUtilization, cluster, map[string]any{"label": "NeuronCore utilization"}))
	}
	nodes := [][]any{series(catalog.MetricClusterNodes, cluster, map[string]any{"label": "all nodes"})}
	for i, asg := range r.NodeGroupASGs {
		nodes = append(nodes, series(catalog.MetricGroupInService, []string{asg}, map[string]any{"label": r.NodeGroupNames[i], "stat": "Maximum"}))
	}
	add("Nodes (cluster and node groups)", "Average", 300, nil, nodes...)
	if r.InterruptionRule != "" {
		add("Spot interruptions and the Karpenter queue", "Sum", 300, nil,
			series(catalog.MetricRuleMatched, []string{r.InterruptionRule}, map[string]any{"label": "spot interruption warnings"}),
			series(catalog.MetricQueueVisible, []string{r.InterruptionQ}, map[string]any{"label": "queue backlog", "stat": "Maximum"}))
	}
	newRow()
	for _, e := range r.Endpoints {
		dims := []string{e.Name, e.Variant}
		if e.Async {
			add("Endpoint "+e.Name+" (async): failures and model latency", "Sum", 60, nil,
				series(catalog.MetricAsyncInvocationFailures, dims, map[string]any{"label": "failed requests"}),
				series(catalog.MetricEndpointModelLatency, dims, map[string]any{"label": "p99 latency (µs)", "stat": "p99", "yAxis": "right"}))
			continue
		}
		add("Endpoint "+e.Name+": invocations and errors", "Sum", 60, nil,
			series(catalog.MetricEndpointInvocations, dims, map[string]any{"label": "invocations"}),
			series(catalog.MetricEndpoint4XX, dims, map[string]any{"label": "4xx"}),
			series(catalog.MetricEndpoint5XX, dims, map[string]any{"label": "5xx"}))
		add("Endpoint "+e.Name+": model latency (µs)", "p99", 60, nil,
			series(catalog.MetricEndpointModelLatency, dims, map[string]any{"label": "p99", "stat": "p99"}),
			series(catalog.MetricEndpointModelLatency, dims, map[string]any{"label": "p50", "stat": "p50"}))
	}
	newRow()
	for i, id := range r.FileSystemIDs {
		add("FSx "+r.FileSystemNames[i]+": throughput", "Sum", 60, nil,
			series(catalog.MetricFSxDataRead, []string{id}, map[string]any{"label": "read bytes"}),
			series(catalog.MetricFSxDataWrite, []string{id}, map[string]any{"label": "write bytes"}))
		add("FSx "+r.FileSystemNames[i]+": free capacity", "Minimum", 300, nil,
			series(catalog.MetricFSxFreeCapacity, []string{id}, map[string]any{"label": "free bytes"}))
	}
	newRow()
	if len(r.NATGatewayIDs) > 0 {
		var nat [][]any
		for i, id := range r.NATGatewayIDs {
			nat = append(nat,
				series(catalog.MetricNATBytesOut, []string{id}, map[string]any{"label": r.NATGatewayNames[i] + " out"}),
				series(catalog.MetricNATBytesIn, []string{id}, map[string]any{"label": r.NATGatewayNames[i] + " in"}))
		}
		add("NAT gateways: bytes (billed per GB processed)", "Sum", 300, nil, nat...)
	}
	data, err := json.Marshal(d)
	if err != nil {
		panic(err) // plain structs of strings and numbers always marshal
	}
	return string(data)
}
