package spec

// Budgets are the stack's monthly budgets and who they alert: config
// fills them from ml-platform:cost (checking every value), the cost
// component creates them.
type Budgets struct {
	// MonthlyBudgetUSD is the stack's monthly cost budget.
	MonthlyBudgetUSD float64
	// ActualAlertPercent and ForecastAlertPercent of the budget, in actual
	// and forecast spend, send an alert.
	ActualAlertPercent, ForecastAlertPercent float64
	// AlertEmails receive budget alerts (and DAILY or WEEKLY anomaly
	// alerts) besides the alert topic.
	AlertEmails []string
	// ServiceBudgetsUSD are per-service monthly budgets by
	// catalog.BudgetServices key.
	ServiceBudgetsUSD map[string]float64
}
