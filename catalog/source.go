package catalog

// Source says where a table's figures come from and when they were recorded.
type Source struct {
	Description string // what was read, e.g. "Amazon EC2 On-Demand pricing, Linux, us-east-1"
	URL         string // the page or API reference the figures were copied from
	Recorded    string // YYYY-MM-DD the figures were last checked
}

// recorded is the date the tables in this package were last checked.
const recorded = "2026-11-26"
