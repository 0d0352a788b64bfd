package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/spec"
)

// BudgetScope says which spend the stack's budgets track.
type BudgetScope string

// Budget scopes.
const (
	// BudgetScopeStack tracks resources tagged with the stack's Stack tag;
	// it counts only once Stack is an active cost allocation tag.
	BudgetScopeStack BudgetScope = "stack"
	// BudgetScopeAccount tracks the whole account: right for an account
	// that runs this one stack.
	BudgetScopeAccount BudgetScope = "account"
)

// BudgetScopes are the allowed scopes.
var BudgetScopes = []BudgetScope{BudgetScopeAccount, BudgetScopeStack}

// AnomalyMonitor says which Cost Anomaly Detection monitor the stack creates.
type AnomalyMonitor string

// Anomaly monitors.
const (
	// AnomalyMonitorStack is a customer-managed monitor on the Stack tag.
	// AWS creates tag monitors only in a management (or standalone) account.
	AnomalyMonitorStack AnomalyMonitor = "stack"
	// AnomalyMonitorServices is an AWS-managed monitor of every service in
	// the account: the one a member account can create. It covers the
	// account, so create it from one stack per account.
	AnomalyMonitorServices AnomalyMonitor = "services"
	// AnomalyMonitorNone creates no monitor and no subscription.
	AnomalyMonitorNone AnomalyMonitor = "none"
	// AnomalyMonitorExisting subscribes to a monitor the account already
	// has (anomaly.monitorArn): an account has one AWS-services monitor,
	// and a second CreateAnomalyMonitor for it fails.
	AnomalyMonitorExisting AnomalyMonitor = "existing"
)

// AnomalyMonitors are the allowed monitors.
var AnomalyMonitors = []AnomalyMonitor{AnomalyMonitorExisting, AnomalyMonitorNone, AnomalyMonitorServices, AnomalyMonitorStack}

// Cost is the validated cost governance configuration. Each field is the
// key of the same name in CostKeys, which documents it.
type Cost struct {
	// Budgets are the budgets and who they alert, as the cost component
	// takes them.
	spec.Budgets
	Scope                      BudgetScope
	Anomaly                    Anomaly
	ActivateCostAllocationTags bool
	BudgetAction               *BudgetAction
	ExpectedUsage              ExpectedUsage
}

// ExpectedUsage is what the estimate prices for usage-billed storage and
// logs; zero leaves them out (the estimate lists their unit prices).
type ExpectedUsage struct {
	// S3GB is the stored GB per storage class (catalog.S3StorageClasses).
	S3GB map[string]float64
	// LogsGBPerMonth is the CloudWatch Logs ingested a month.
	LogsGBPerMonth float64
}

// Anomaly configures Cost Anomaly Detection (CostKeys, anomaly).
type Anomaly struct {
	Monitor      AnomalyMonitor
	MonitorARN   string
	ThresholdUSD float64
	Frequency    string
}

// BudgetAction is the opt-in budget action.
type BudgetAction struct {
	// RoleNames are IAM roles (in the stack's account) that get the
	// deny-new-compute policy; the Karpenter controller role is added when
	// Karpenter is on.
	RoleNames []string
	// ThresholdPercent of the budget, in actual spend, triggers the action.
	ThresholdPercent float64
}

// CostKeys declare ml-platform:cost. There is no default budget: only
// the stack's owner knows it. Anomaly alerts default to a DAILY email, or
// to the alert topic (IMMEDIATE) without alertEmails; the account-wide
// services monitor is created from prod-like stacks only.
var CostKeys = []Key{
	{Name: "monthlyBudgetUsd", Field: "MonthlyBudgetUSD", Required: true, Check: Check{Allowed: "a positive amount in USD (required)"},
		Doc: "the stack's monthly cost budget"},
	{Name: "alertEmails", Check: Matching("an email address", "email addresses, at most "+fmt.Sprint(catalog.BudgetNotificationEmailsMax), emailPattern.MatchString),
		Doc: "addresses that receive budget alerts (and DAILY or WEEKLY anomaly alerts) besides the alert topic"},
	{Name: "actualAlertPercent", Default: Always(80.0), Check: budgetPercent, Doc: "alert when actual spend reaches this share of the budget"},
	{Name: "forecastAlertPercent", Default: Always(100.0), Check: budgetPercent, Doc: "alert when forecast spend reaches this share of the budget"},
	{Name: "serviceBudgetsUsd", Field: "ServiceBudgetsUSD", Check: Check{Allowed: "positive amounts up to the stack budget, by " + budgetServiceList(),
		Name: func(svc string) string {
			if _, ok := catalog.LookupBudgetService(svc); !ok {
				return "unknown service; allowed: " + budgetServiceList()
			}
			return ""
		}, Fn: positiveUSD("a budget")}, Doc: "monthly budgets per service"},
	{Name: "budgetScope", Field: "Scope", Default: Always(BudgetScopeStack), Check: OneOf("a scope", BudgetScopes...),
		Doc: "which spend the budgets track: the stack's Stack tag (an active cost allocation tag) or the whole account"},
	{Name: "anomaly", Doc: "Cost Anomaly Detection", Keys: []Key{
		{Name: "monitor", Default: ByEnv(AnomalyMonitorNone, AnomalyMonitorServices), Check: OneOf("a monitor", AnomalyMonitors...),
			Doc: "services (AWS-managed, one per account), stack (a tag monitor: management or standalone accounts only), existing (monitorArn) or none"},
		{Name: "monitorArn", Field: "MonitorARN", Check: Check{Allowed: "arn:aws:ce::<account>:anomalymonitor/<id>, with monitor existing"},
			Doc: "the account's monitor to subscribe to"},
		{Name: "thresholdUsd", Field: "ThresholdUSD", Default: Always(100.0), Check: Check{Allowed: "a positive amount in USD", Fn: positiveUSD("a threshold")},
			Doc: "the total impact an anomaly must reach to alert"},
		{Name: "frequency", Derived: "DAILY, IMMEDIATE without alertEmails", Default: Always(catalog.AnomalyFrequencyDaily), Check: Rule(quoteAll(catalog.AnomalyFrequencies), func(_ Context, f string) string {
			if !slices.Contains(catalog.AnomalyFrequencies, f) {
				return fmt.Sprintf("%q is not a frequency; allowed: %s (DAILY and WEEKLY email alertEmails, "+
					"IMMEDIATE publishes to the stack's alert topic)", f, quoteAll(catalog.AnomalyFrequencies))
			}
			return ""
		}), Doc: "DAILY or WEEKLY email alertEmails; IMMEDIATE publishes to the alert topic (the default without alertEmails)"},
	}},
	{Name: "activateCostAllocationTags", Doc: "activate the platform's tag keys as cost allocation tags from this stack (management or standalone account only)"},
	{Name: "budgetAction", Doc: "attach a deny-new-compute policy to roles when actual spend crosses a threshold (not in prod-like stacks)", Keys: []Key{
		{Name: "roleNames", Check: Matching("an IAM role name", "1-64 letters, digits and +=,.@_-", roleNamePattern.MatchString),
			Doc: "the IAM roles that get the policy (the Karpenter controller's too, when Karpenter is on)"},
		{Name: "thresholdPercent", Default: Always(100.0), Check: budgetPercent, Doc: "the share of the budget, in actual spend, that triggers the action"},
	}},
	{Name: "expectedUsage", Doc: "usage the estimate prices", Keys: []Key{
		{Name: "s3Gb", Field: "S3GB", Check: Check{Allowed: "0 or more GB, by " + strings.Join(catalog.S3StorageClasses(), ", "),
			Name: func(class string) string {
				if _, ok := catalog.S3StoragePrice(class); !ok {
					return "unknown storage class; allowed: " + strings.Join(catalog.S3StorageClasses(), ", ")
				}
				return ""
			}, OK: func(gb float64) bool { return gb >= 0 }}, Doc: "stored GB per S3 storage class"},
		{Name: "logsGbPerMonth", Field: "LogsGBPerMonth", Check: AtLeast(0, "GB"), Doc: "CloudWatch Logs ingested a month"},
	}},
}

// budgetPercent allows a share of the budget above 0 and at most 1000.
var budgetPercent = Rule("above 0 and at most 1000", func(_ Context, v float64) string {
	if v <= 0 || v > 1000 {
		return fmt.Sprintf("%g is not a threshold; allowed: a percentage of the budget above 0 and at most 1000", v)
	}
	return ""
})

// positiveUSD refuses an amount of 0 or less; what names it.
func positiveUSD(what string) func(Context, any) string {
	return func(_ Context, v any) string {
		if v.(float64) <= 0 {
			return fmt.Sprintf("%g is not %s; allowed: a positive amount in USD", v, what)
		}
		return ""
	}
}

func budgetServiceList() string {
	var allowed []string
	for _, s := range catalog.BudgetServices() {
		allowed = append(allowed, s.Key)
	}
	return strings.Join(allowed, ", ")
}

var (
	emailPattern = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
	// IAM role names: 1-64 of letters, digits and +=,.@_-.
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// checkCost holds the rules that span several cost keys, and the
// defaults that depend on other keys.
func checkCost(c Context, cost *Cost, set Set, p *problems, placeholders *[]*FieldError) {
	const key = KeyCost
	switch {
	case !set[key+".monthlyBudgetUsd"]:
		p.add(key+".monthlyBudgetUsd", "required: the stack's monthly cost budget in USD (alerts go out at %g%% actual and %g%% forecast)",
			cost.ActualAlertPercent, cost.ForecastAlertPercent)
	case cost.MonthlyBudgetUSD <= 0:
		p.add(key+".monthlyBudgetUsd", "%g is not a budget; allowed: a positive amount in USD", cost.MonthlyBudgetUSD)
	}
	if n := len(cost.AlertEmails); n > catalog.BudgetNotificationEmailsMax {
		p.add(key+".alertEmails", "%d addresses; a budget notification takes at most %d", n, catalog.BudgetNotificationEmailsMax)
	}
	seen := map[string]bool{}
	for i, addr := range cost.AlertEmails {
		k := fmt.Sprintf("%s.alertEmails[%d]", key, i)
		lower := strings.ToLower(addr)
		switch {
		case seen[lower]:
			p.add(k, "%q is listed twice", addr)
		case emailPattern.MatchString(addr) && isExampleDomain(addr):
			*placeholders = append(*placeholders, &FieldError{Key: k, Message: fmt.Sprintf(
				"%s is at a reserved example domain (RFC 2606), a placeholder: set the addresses that receive cost alerts", addr)})
		}
		seen[lower] = true
	}
	for _, svc := range slices.Sorted(maps.Keys(cost.ServiceBudgetsUSD)) {
		if amount := cost.ServiceBudgetsUSD[svc]; cost.MonthlyBudgetUSD > 0 && amount > cost.MonthlyBudgetUSD {
			p.add(key+".serviceBudgetsUsd."+svc, "%g is above the stack's monthly budget %g; allowed: at most the stack budget", amount, cost.MonthlyBudgetUSD)
		}
	}
	a := &cost.Anomaly
	switch {
	case a.Monitor == AnomalyMonitorExisting && !anomalyMonitorARN.MatchString(a.MonitorARN):
		p.add(key+".anomaly.monitorArn", "%q is not an anomaly monitor ARN (arn:aws:ce::<account>:anomalymonitor/<id>); "+
			"monitor existing subscribes to the account's monitor named here", a.MonitorARN)
	case a.Monitor != AnomalyMonitorExisting && a.MonitorARN != "":
		p.add(key+".anomaly.monitorArn", "applies to monitor %q only", AnomalyMonitorExisting)
	}
	switch {
	case !set[key+".anomaly.frequency"] && len(cost.AlertEmails) == 0:
		// Without addresses, alerts can only go to the topic.
		a.Frequency = catalog.AnomalyFrequencyImmediate
	case slices.Contains(catalog.AnomalyFrequencies, a.Frequency) && !catalog.AnomalyFrequencyUsesSNS(a.Frequency) &&
		len(cost.AlertEmails) == 0 && a.Monitor != AnomalyMonitorNone:
		p.add(key+".anomaly.frequency", "%s alerts go by email and alertEmails is empty; allowed: %q (the alert topic), "+
			"or set alertEmails", a.Frequency, catalog.AnomalyFrequencyImmediate)
	}
	if a.Monitor != AnomalyMonitorNone && !catalog.AnomalyFrequencyUsesSNS(a.Frequency) &&
		len(cost.AlertEmails) > catalog.AnomalySubscriptionEmailsMax {
		p.add(key+".alertEmails", "%d addresses; an anomaly subscription takes at most %d", len(cost.AlertEmails), catalog.AnomalySubscriptionEmailsMax)
	}
	if b := cost.BudgetAction; b != nil {
		k := key + ".budgetAction"
		if c.Env.ProdLike() {
			p.add(k, "not allowed in %s: a budget action that denies new compute would stop prod scaling; "+
				"allowed only in %s", c.Env, conventions.Dev)
		}
		if n := len(cost.AlertEmails) + 1; n > catalog.BudgetActionSubscribersMax {
			p.add(k, "the action notifies alertEmails and the alert topic, %d subscribers; a budget action takes at most %d", n,
				catalog.BudgetActionSubscribersMax)
		}
	}
}

// isExampleDomain reports whether an address is at a domain RFC 2606
// reserves for examples: mail there never arrives.
func isExampleDomain(addr string) bool {
	_, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, reserved := range []string{"example.com", "example.net", "example.org"} {
		if domain == reserved || strings.HasSuffix(domain, "."+reserved) {
			return true
		}
	}
	for _, tld := range []string{".example", ".test", ".invalid", ".localhost"} {
		if strings.HasSuffix(domain, tld) {
			return true
		}
	}
	return false
}

var anomalyMonitorARN = regexp.MustCompile(`^arn:aws[a-z-]*:ce::\d{12}:anomalymonitor/[0-9a-f-]+$`)
