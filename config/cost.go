package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
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

// Cost is the validated cost governance configuration.
type Cost struct {
	// MonthlyBudgetUSD is the stack's monthly cost budget.
	MonthlyBudgetUSD float64
	// AlertEmails receive budget alerts (and DAILY or WEEKLY anomaly
	// alerts) besides the alert topic; none leaves alerts to the topic.
	AlertEmails []string
	// ActualAlertPercent of the budget, in actual spend, sends an alert.
	ActualAlertPercent float64
	// ForecastAlertPercent of the budget, in forecast spend, sends an alert.
	ForecastAlertPercent float64
	// ServiceBudgetsUSD are per-service monthly budgets by catalog budget
	// service key; empty for none.
	ServiceBudgetsUSD map[string]float64
	// Scope is which spend the budgets track.
	Scope BudgetScope
	// Anomaly is the Cost Anomaly Detection setup.
	Anomaly Anomaly
	// ActivateCostAllocationTags activates the platform's tag keys as cost
	// allocation tags from this stack (management or standalone account
	// only, at least a day after the first `pulumi up`).
	ActivateCostAllocationTags bool
	// BudgetAction, when set, attaches a deny-new-compute policy to roles
	// when actual spend crosses a threshold. Non-prod stacks only.
	BudgetAction *BudgetAction
	// ExpectedUsage prices what the stack stores and logs in the estimate.
	ExpectedUsage ExpectedUsage
}

// ExpectedUsage is what the estimate prices for usage-billed storage and
// logs; zero leaves them out (the estimate lists their unit prices).
type ExpectedUsage struct {
	// S3GB is the stored GB per storage class (catalog.S3StorageClasses).
	S3GB map[string]float64
	// LogsGBPerMonth is the CloudWatch Logs ingested a month.
	LogsGBPerMonth float64
}

// Anomaly configures Cost Anomaly Detection.
type Anomaly struct {
	// Monitor is which monitor the stack creates (or adopts). Defaults to
	// services in prod and staging (the monitor a member account can
	// create; one stack per account owns it) and none elsewhere; stack (a
	// tag monitor) only when set: AWS creates those in a management or
	// standalone account only.
	Monitor AnomalyMonitor
	// MonitorARN is the adopted monitor with Monitor existing.
	MonitorARN string
	// ThresholdUSD is the total impact an anomaly must reach to alert.
	ThresholdUSD float64
	// Frequency is DAILY or WEEKLY (email to AlertEmails) or IMMEDIATE (to
	// the stack's alert topic).
	Frequency string
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

// costInput is ml-platform:cost as written in the stack file.
type costInput struct {
	MonthlyBudgetUSD           *float64           `json:"monthlyBudgetUsd"`
	AlertEmails                []string           `json:"alertEmails"`
	ActualAlertPercent         *float64           `json:"actualAlertPercent"`
	ForecastAlertPercent       *float64           `json:"forecastAlertPercent"`
	ServiceBudgetsUSD          map[string]float64 `json:"serviceBudgetsUsd"`
	Scope                      *string            `json:"budgetScope"`
	Anomaly                    *anomalyInput      `json:"anomaly"`
	ActivateCostAllocationTags *bool              `json:"activateCostAllocationTags"`
	BudgetAction               *budgetActionInput `json:"budgetAction"`
	ExpectedUsage              *struct {
		S3GB           map[string]float64 `json:"s3Gb"`
		LogsGBPerMonth *float64           `json:"logsGbPerMonth"`
	} `json:"expectedUsage"`
}

type anomalyInput struct {
	Monitor      *string  `json:"monitor"`
	MonitorARN   *string  `json:"monitorArn"`
	ThresholdUSD *float64 `json:"thresholdUsd"`
	Frequency    *string  `json:"frequency"`
}

type budgetActionInput struct {
	RoleNames        []string `json:"roleNames"`
	ThresholdPercent *float64 `json:"thresholdPercent"`
}

// CostDefaults returns the defaults every stack starts from. There is no
// default budget: only the stack's owner knows it. Anomaly alerts default
// to a DAILY email, or to the alert topic (IMMEDIATE) without alertEmails.
func CostDefaults() Cost {
	return Cost{
		ActualAlertPercent:   80,
		ForecastAlertPercent: 100,
		Scope:                BudgetScopeStack,
		Anomaly: Anomaly{
			Monitor:      AnomalyMonitorServices,
			ThresholdUSD: 100,
			Frequency:    catalog.AnomalyFrequencyDaily,
		},
	}
}

var (
	emailPattern = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
	// IAM role names: 1-64 of letters, digits and +=,.@_-.
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// parseCost validates ml-platform:cost. present is false when the key is
// absent: the budget is required, so that is an error too.
func parseCost(env conventions.Environment, in costInput, present bool, p *problems, placeholders *[]*FieldError) Cost {
	const key = KeyCost
	c := CostDefaults()
	if !env.ProdLike() {
		c.Anomaly.Monitor = AnomalyMonitorNone
	}
	if !present || in.MonthlyBudgetUSD == nil {
		p.add(key+".monthlyBudgetUsd", "required: the stack's monthly cost budget in USD (alerts go out at %g%% actual and %g%% forecast)",
			c.ActualAlertPercent, c.ForecastAlertPercent)
	} else if *in.MonthlyBudgetUSD <= 0 {
		p.add(key+".monthlyBudgetUsd", "%g is not a budget; allowed: a positive amount in USD", *in.MonthlyBudgetUSD)
	} else {
		c.MonthlyBudgetUSD = *in.MonthlyBudgetUSD
	}

	if n := len(in.AlertEmails); n > catalog.BudgetNotificationEmailsMax {
		p.add(key+".alertEmails", "%d addresses; a budget notification takes at most %d", n, catalog.BudgetNotificationEmailsMax)
	}
	seen := map[string]bool{}
	for i, addr := range in.AlertEmails {
		k := fmt.Sprintf("%s.alertEmails[%d]", key, i)
		lower := strings.ToLower(addr)
		switch {
		case !emailPattern.MatchString(addr):
			p.add(k, "%q is not an email address", addr)
		case seen[lower]:
			p.add(k, "%q is listed twice", addr)
		case isExampleDomain(addr):
			*placeholders = append(*placeholders, &FieldError{Key: k, Message: fmt.Sprintf(
				"%s is at a reserved example domain (RFC 2606), a placeholder: set the addresses that receive cost alerts", addr)})
		}
		seen[lower] = true
	}
	c.AlertEmails = append([]string(nil), in.AlertEmails...)

	percent := func(name string, v *float64, dst *float64) {
		if v == nil {
			return
		}
		if *v <= 0 || *v > 1000 {
			p.add(key+"."+name, "%g is not a threshold; allowed: a percentage of the budget above 0 and at most 1000", *v)
			return
		}
		*dst = *v
	}
	percent("actualAlertPercent", in.ActualAlertPercent, &c.ActualAlertPercent)
	percent("forecastAlertPercent", in.ForecastAlertPercent, &c.ForecastAlertPercent)

	if len(in.ServiceBudgetsUSD) > 0 {
		c.ServiceBudgetsUSD = map[string]float64{}
		var allowed []string
		for _, s := range catalog.BudgetServices() {
			allowed = append(allowed, s.Key)
		}
		for _, svc := range sortedKeys(in.ServiceBudgetsUSD) {
			amount := in.ServiceBudgetsUSD[svc]
			k := key + ".serviceBudgetsUsd." + svc
			switch _, ok := catalog.LookupBudgetService(svc); {
			case !ok:
				p.add(k, "unknown service; allowed: %s", strings.Join(allowed, ", "))
			case amount <= 0:
				p.add(k, "%g is not a budget; allowed: a positive amount in USD", amount)
			case c.MonthlyBudgetUSD > 0 && amount > c.MonthlyBudgetUSD:
				p.add(k, "%g is above the stack's monthly budget %g; allowed: at most the stack budget", amount, c.MonthlyBudgetUSD)
			default:
				c.ServiceBudgetsUSD[svc] = amount
			}
		}
	}

	if in.Scope != nil {
		c.Scope = BudgetScope(*in.Scope)
		if c.Scope != BudgetScopeStack && c.Scope != BudgetScopeAccount {
			p.add(key+".budgetScope", "%q is not a scope; allowed: %s", *in.Scope, quoteAll(BudgetScopes))
		}
	}

	if a := in.Anomaly; a != nil {
		if a.Monitor != nil {
			c.Anomaly.Monitor = AnomalyMonitor(*a.Monitor)
			switch c.Anomaly.Monitor {
			case AnomalyMonitorStack, AnomalyMonitorServices, AnomalyMonitorNone, AnomalyMonitorExisting:
			default:
				p.add(key+".anomaly.monitor", "%q is not a monitor; allowed: %s", *a.Monitor, quoteAll(AnomalyMonitors))
			}
		}
		set(&c.Anomaly.MonitorARN, a.MonitorARN)
		switch {
		case c.Anomaly.Monitor == AnomalyMonitorExisting && !anomalyMonitorARN.MatchString(c.Anomaly.MonitorARN):
			p.add(key+".anomaly.monitorArn", "%q is not an anomaly monitor ARN (arn:aws:ce::<account>:anomalymonitor/<id>); "+
				"monitor existing subscribes to the account's monitor named here", c.Anomaly.MonitorARN)
		case c.Anomaly.Monitor != AnomalyMonitorExisting && c.Anomaly.MonitorARN != "":
			p.add(key+".anomaly.monitorArn", "applies to monitor %q only", AnomalyMonitorExisting)
		}
		if a.ThresholdUSD != nil {
			if *a.ThresholdUSD <= 0 {
				p.add(key+".anomaly.thresholdUsd", "%g is not a threshold; allowed: a positive amount in USD", *a.ThresholdUSD)
			} else {
				c.Anomaly.ThresholdUSD = *a.ThresholdUSD
			}
		}
		if a.Frequency != nil {
			c.Anomaly.Frequency = *a.Frequency
			switch *a.Frequency {
			case catalog.AnomalyFrequencyDaily, catalog.AnomalyFrequencyWeekly, catalog.AnomalyFrequencyImmediate:
				if !catalog.AnomalyFrequencyUsesSNS(*a.Frequency) && len(c.AlertEmails) == 0 && c.Anomaly.Monitor != AnomalyMonitorNone {
					p.add(key+".anomaly.frequency", "%s alerts go by email and alertEmails is empty; allowed: %q (the alert topic), "+
						"or set alertEmails", *a.Frequency, catalog.AnomalyFrequencyImmediate)
				}
			default:
				p.add(key+".anomaly.frequency", "%q is not a frequency; allowed: %s (DAILY and WEEKLY email alertEmails, "+
					"IMMEDIATE publishes to the stack's alert topic)", *a.Frequency, quoteAll(catalog.AnomalyFrequencies))
			}
		}
	}
	if (in.Anomaly == nil || in.Anomaly.Frequency == nil) && len(c.AlertEmails) == 0 {
		// Without addresses, alerts can only go to the topic.
		c.Anomaly.Frequency = catalog.AnomalyFrequencyImmediate
	}
	if c.Anomaly.Monitor != AnomalyMonitorNone && !catalog.AnomalyFrequencyUsesSNS(c.Anomaly.Frequency) &&
		len(c.AlertEmails) > catalog.AnomalySubscriptionEmailsMax {
		p.add(key+".alertEmails", "%d addresses; an anomaly subscription takes at most %d", len(c.AlertEmails), catalog.AnomalySubscriptionEmailsMax)
	}

	set(&c.ActivateCostAllocationTags, in.ActivateCostAllocationTags)

	if b := in.BudgetAction; b != nil {
		k := key + ".budgetAction"
		if env.ProdLike() {
			p.add(k, "not allowed in %s: a budget action that denies new compute would stop prod scaling; "+
				"allowed only in %s", env, conventions.Dev)
		}
		action := &BudgetAction{ThresholdPercent: 100}
		for i, name := range b.RoleNames {
			if !roleNamePattern.MatchString(name) {
				p.add(fmt.Sprintf("%s.roleNames[%d]", k, i), "%q is not an IAM role name (1-64 letters, digits and +=,.@_-)", name)
			}
		}
		action.RoleNames = append([]string(nil), b.RoleNames...)
		if b.ThresholdPercent != nil {
			if *b.ThresholdPercent <= 0 || *b.ThresholdPercent > 1000 {
				p.add(k+".thresholdPercent", "%g is not a threshold; allowed: a percentage of the budget above 0 and at most 1000", *b.ThresholdPercent)
			} else {
				action.ThresholdPercent = *b.ThresholdPercent
			}
		}
		if n := len(c.AlertEmails) + 1; n > catalog.BudgetActionSubscribersMax {
			p.add(k, "the action notifies alertEmails and the alert topic, %d subscribers; a budget action takes at most %d", n,
				catalog.BudgetActionSubscribersMax)
		}
		c.BudgetAction = action
	}
	if u := in.ExpectedUsage; u != nil {
		for _, class := range slices.Sorted(maps.Keys(u.S3GB)) {
			gb := u.S3GB[class]
			if _, ok := catalog.S3StoragePrice(class); !ok {
				p.add(key+".expectedUsage.s3Gb."+class, "unknown storage class; allowed: %s", strings.Join(catalog.S3StorageClasses(), ", "))
			} else if gb < 0 {
				p.add(key+".expectedUsage.s3Gb."+class, "%g; allowed: 0 or more GB", gb)
			}
		}
		c.ExpectedUsage.S3GB = maps.Clone(u.S3GB)
		if u.LogsGBPerMonth != nil {
			if *u.LogsGBPerMonth < 0 {
				p.add(key+".expectedUsage.logsGbPerMonth", "%g; allowed: 0 or more GB", *u.LogsGBPerMonth)
			}
			c.ExpectedUsage.LogsGBPerMonth = *u.LogsGBPerMonth
		}
	}
	return c
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
