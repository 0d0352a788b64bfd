package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// The deploy concern: what `pulumi preview` accepts and AWS refuses at
// `pulumi up`. Each rule cites the constraint it checks; all are mandatory,
// since a plan that breaks them fails halfway through an update.

func init() {
	enumTypes := []string{smPipelineType, logGroupType, flowLogType, fsxLustreType}
	for _, f := range enumFields {
		enumTypes = append(enumTypes, f.Types...)
	}
	register(ConcernDeploy,
		Rule{
			Name: "aws-input-enums-valid",
			Description: "Every enum-valued input holds a value the AWS API accepts: the provider passes strings " +
				"through, and AWS refuses an unknown instance type, AMI type or storage class only at `pulumi up`.",
			Checks: "Each enum-valued input the platform produces (node group AMI and capacity types, taint effects and " +
				"instance types; launch template instance, volume and interface types; placement strategies; flow-log " +
				"traffic and destination types and custom-format fields; EKS authentication modes and add-on conflict " +
				"resolution; NodePool instance types; SageMaker hosting, notebook, training and processing instance types " +
				"(pipeline steps included); FSx deployment, storage and compression types; S3 storage classes, ownership, " +
				"SSE algorithms and versioning status; Bedrock guardrail filter, strength, PII, action, topic and word " +
				"values; Budgets and Cost Explorer types) is a value of the AWS SDK for Go v2's generated enum for it. " +
				"Values AWS documents without an SDK enum: CloudWatch Logs `retentionInDays`, FSx for Lustre " +
				"`perUnitStorageThroughput` per deployment type and `storageCapacity` steps.",
			Level: Mandatory,
			Types: slices.Compact(slices.Sorted(slices.Values(enumTypes))),
			Check: checkEnums,
		},
		Rule{
			Name: "ec2-launch-template-public-ip-single-interface",
			Description: "EC2 refuses AssociatePublicIpAddress, even false, on a launch with several network " +
				"interfaces (InvalidParameterCombination); the node group then never gets a node.",
			Checks: "An `aws:ec2/launchTemplate:LaunchTemplate` with more than one `networkInterfaces` entry sets " +
				"`associatePublicIpAddress` on none of them.",
			Level: Mandatory,
			Types: []string{launchTemplateType},
			Check: checkPublicIPSingleInterface,
		},
		Rule{
			Name: "billing-alert-subscribers-valid",
			Description: "AWS Budgets and Cost Anomaly Detection refuse subscribers their channel does not take: " +
				"a budget notification takes at most 10 email addresses and one SNS topic, a budget action 1 to 11 " +
				"subscribers, and an anomaly subscription emails DAILY and WEEKLY alerts (at most 10 addresses) and " +
				"sends IMMEDIATE alerts to one SNS topic only (catalog.BillingSource).",
			Checks: "Each `notifications` entry of `aws:budgets/budget:Budget` has 1 to 10 `subscriberEmailAddresses` plus " +
				"`subscriberSnsTopicArns` (at most one topic, at least one subscriber); `aws:budgets/budgetAction` has 1 to 11 " +
				"`subscribers`; `aws:costexplorer/anomalySubscription` subscribers are all `SNS` (one) for `IMMEDIATE` and all " +
				"`EMAIL` (at most 10) for `DAILY` and `WEEKLY`.",
			Level: Mandatory,
			Types: []string{budgetType, budgetActionType, anomalySubType},
			Check: checkBillingSubscribers,
		},
		Rule{
			Name: "amp-scraper-deploy-ready",
			Description: "Amazon Managed Service for Prometheus refuses a managed collector whose subnets are not in at " +
				"least two AZs, and one writing to a workspace encrypted with a customer-managed key (every workspace, " +
				"by prometheus-workspace-customer-key) without a role configuration (catalog.PrometheusSource).",
			Checks: "`aws:amp/scraper:Scraper` has at least 2 `source.eks.subnetIds` (when known) and sets both " +
				"`roleConfiguration.sourceRoleArn` and `roleConfiguration.targetRoleArn`.",
			Level: Mandatory,
			Types: []string{ampScraperType},
			Check: checkScraperReady,
		},
		Rule{
			Name: "iam-policy-size-within-limit",
			Description: "IAM refuses policies over its size quotas (LimitExceeded): a role's inline policies hold " +
				"10,240 characters, a managed policy 6,144, whitespace not counted.",
			Checks: "The `policy` of `aws:iam/rolePolicy` (and a role's `inlinePolicies` together) stays within " +
				"10,240 characters, of `aws:iam/policy` within 6,144, counted without whitespace.",
			Level: Mandatory,
			Types: []string{iamRolePolicyType, iamPolicyType, iamRoleType},
			Check: checkPolicySize,
		},
	)
	registerStack(ConcernDeploy,
		StackRule{
			Name: "eks-node-group-reservation-usable",
			Description: "A managed node group whose launch template targets one capacity reservation launches where the " +
				"reservation is: in one zone, and not into a placement group of the stack's own (a reservation serves " +
				"launches into its own placement group only); otherwise nodes miss the reservation.",
			Checks: "For an `aws:eks/nodeGroup:NodeGroup` whose launch template (`aws:ec2/launchTemplate:LaunchTemplate`, matched " +
				"by ID) sets `capacityReservationSpecification.capacityReservationTarget.capacityReservationId`: the group lists " +
				"one subnet (a reservation is in one zone), and the template sets no `placement.groupName`.",
			Level: Mandatory,
			Types: []string{eksNodeGroupType, launchTemplateType},
			Check: checkReservationUsable,
		},
		StackRule{
			Name: "kms-key-grants-services",
			Description: "A customer-managed key used by an AWS service grants that service in its key policy; " +
				"the account-root statement does not: volumes fail to attach, logs and messages are dropped.",
			Checks: "A key (`aws:kms/key:Key`, matched by property dependency, ARN or key ID) that encrypts: launch " +
				"template volumes of managed node groups grants the `AWSServiceRoleForAutoScaling` service-linked role, " +
				"and `AWSServiceRoleForEC2Spot` when a group or NodePool using it runs spot (or an EBS-style statement " +
				"for every principal with `kms:ViaService` ec2 and `kms:CallerAccount`); a log group grants " +
				"`logs.<region>.amazonaws.com`; an SQS queue or SNS topic grants the services its policy lets send to, and an SNS topic that CloudWatch alarms notify grants `cloudwatch.amazonaws.com`; a key encrypting a bucket an FSx data repository association links grants FSx through S3 " +
				"it and the EventBridge rules that target it (`events.amazonaws.com`).",
			Level: Mandatory,
			Types: []string{kmsKeyType},
			Check: checkKeyGrants,
		},
		StackRule{
			Name: "resource-dependencies-declared",
			Description: "A resource that names another resource of the stack (by name, ID or ARN) depends on " +
				"it; otherwise a first `pulumi up` creates them in any order and the call naming a missing " +
				"resource fails.",
			Checks: "For every top-level string input (or list of strings), a value equal to another resource's " +
				"physical `name`, ID or ARN is matched by a property dependency or dependency on that resource or on " +
				"a component containing it. Only properties the program set are judged (the keys of its property " +
				"dependencies, or a stack export's inputs): outputs a provider adds, such as a role's " +
				"`managedPolicyArns` after a refresh, are not. IDs and ARNs are seen once resources exist: in " +
				"stack exports (`audit`) and in the outputs the engine gives stack rules after an update.",
			Level: Mandatory,
			Check: checkDependenciesDeclared,
		},
		StackRule{
			Name: "ec2-efa-interfaces-within-cards",
			Description: "A launch template asks for no more EFA interfaces, and no higher network card, than " +
				"the instance types of its node group have; EC2 refuses the launch otherwise.",
			Checks: "For each `aws:eks/nodeGroup` whose launch template (matched through `launchTemplate.id`) has " +
				"`efa`/`efa-only` interfaces, and for each of its instance types in the catalog: the EFA interfaces " +
				"are at most `MaxEFAInterfaces` and every `networkCardIndex` is below `NetworkCards`.",
			Level: Mandatory,
			Types: []string{eksNodeGroupType},
			Check: checkEFAWithinCards,
		},
	)
}

// checkEnums judges every enum field of the resource's type, the
// documented numeric values, and pipeline step instance types.
func checkEnums(r Resource, _ map[string]any) []string {
	var out []string
	for _, f := range enumFields {
		if !slices.Contains(f.Types, r.Type) {
			continue
		}
		var got []string
		where := strings.Join(f.Path, ".")
		if f.Path == nil { // NodePool instance-type requirements
			got, _ = nodePoolValues(r, k8sInstanceType)
			where = "spec.template.spec.requirements[" + k8sInstanceType + "]"
		} else {
			got, _ = stringsAt(r.Properties, f.Path)
		}
		for _, v := range got {
			if !slices.Contains(f.Values, v) {
				out = append(out, fmt.Sprintf("%s is %q, which AWS does not accept (%s); allowed: %s",
					strings.ReplaceAll(where, ".[]", "[]"), v, f.Enum, allowedList(f.Values)))
			}
		}
	}
	switch r.Type {
	case logGroupType:
		if days, ok := getNumber(r.Properties, "retentionInDays"); ok && days != 0 && !slices.Contains(conventions.LogRetentionDays, int(days)) {
			out = append(out, fmt.Sprintf("retentionInDays is %g, which CloudWatch Logs does not accept; allowed: %s",
				days, strings.Trim(fmt.Sprint(conventions.LogRetentionDays), "[]")))
		}
	case flowLogType:
		if format, ok := getString(r.Properties, "logFormat"); ok {
			for _, field := range flowLogFieldPattern.FindAllStringSubmatch(format, -1) {
				if !slices.Contains(catalog.FlowLogFields, field[1]) {
					out = append(out, fmt.Sprintf("logFormat names ${%s}, which is not a flow log field (%s)", field[1], catalog.FlowLogFieldsSource.URL))
				}
			}
		}
	case fsxLustreType:
		out = append(out, lustreNumbers(r)...)
	case smPipelineType:
		out = append(out, pipelineInstanceTypeProblems(r)...)
	}
	return out
}

var flowLogFieldPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// lustreNumbers judges storageCapacity and perUnitStorageThroughput against
// the deployment type.
func lustreNumbers(r Resource) []string {
	deployment, ok := getString(r.Properties, "deploymentType")
	if !ok {
		if isUnknown(r.Properties, "deploymentType") {
			return nil
		}
		deployment = "SCRATCH_1" // the API's default
	}
	storage, _ := getString(r.Properties, "storageType")
	var out []string
	if gib, ok := getNumber(r.Properties, "storageCapacity"); ok && !catalog.LustreCapacityOK(deployment, int(gib)) {
		out = append(out, fmt.Sprintf("storageCapacity %g GiB is not a %s size: 1200, 2400, then steps of 2400 GiB (%s)",
			gib, deployment, catalog.LustreSource.URL))
	}
	if t, ok := getNumber(r.Properties, "perUnitStorageThroughput"); ok && !catalog.LustreThroughputOK(deployment, storage, int(t)) {
		out = append(out, fmt.Sprintf("perUnitStorageThroughput %g MB/s/TiB is not offered for %s %s; allowed: %v",
			t, deployment, storage, catalog.LustreThroughputMBpsPerTiB[deployment]))
	}
	return out
}

// pipelineInstanceTypeProblems judges the instance types named in a
// pipeline definition's training and processing steps (parameters are not
// judged).
func pipelineInstanceTypeProblems(r Resource) []string {
	def, ok := getString(r.Properties, "pipelineDefinition")
	if !ok {
		return nil
	}
	var doc struct{ Steps []map[string]any }
	if json.Unmarshal([]byte(def), &doc) != nil {
		return nil
	}
	var out []string
	var walk func(steps []any)
	walk = func(steps []any) {
		for _, s := range steps {
			step, _ := s.(map[string]any)
			typ, _ := step["Type"].(string)
			args, _ := step["Arguments"].(map[string]any)
			if typ == "Condition" {
				for _, branch := range []string{"IfSteps", "ElseSteps"} {
					nested, _ := args[branch].([]any)
					walk(nested)
				}
				continue
			}
			spec, ok := pipelineInstanceTypes[typ]
			if !ok {
				continue
			}
			var cur any = args
			for _, k := range spec.path {
				m, _ := cur.(map[string]any)
				cur = m[k]
			}
			if t, ok := cur.(string); ok && !slices.Contains(spec.vals, t) {
				name, _ := step["Name"].(string)
				out = append(out, fmt.Sprintf("step %s: %s is %q, which SageMaker does not accept (%s)", name,
					strings.Join(spec.path, "."), t, spec.enum))
			}
		}
	}
	steps := make([]any, len(doc.Steps))
	for i, s := range doc.Steps {
		steps[i] = s
	}
	walk(steps)
	return out
}

// checkPublicIPSingleInterface fires when a template with several
// interfaces sets associatePublicIpAddress on any of them.
func checkPublicIPSingleInterface(r Resource, _ map[string]any) []string {
	nics, p := getMaps(r.Properties, "networkInterfaces")
	if p == unknown || len(nics) < 2 {
		return nil
	}
	var out []string
	for i, ni := range nics {
		if _, vp := lookup(ni, "associatePublicIpAddress"); vp == present {
			out = append(out, fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress is set on a template with %d interfaces: "+
				"EC2 refuses the parameter, even false, on a launch with several interfaces; leave it unset", i, len(nics)))
		}
	}
	return out
}

// checkScraperReady checks a managed collector's subnets and roles.
func checkScraperReady(r Resource, _ map[string]any) []string {
	var out []string
	if subnets, ok := getArray(r.Properties, "source", "eks", "subnetIds"); ok && len(subnets) < catalog.PrometheusMinScraperAZs {
		out = append(out, fmt.Sprintf("source.eks.subnetIds has %d subnet(s): a managed collector needs subnets in at least %d AZs",
			len(subnets), catalog.PrometheusMinScraperAZs))
	}
	for _, k := range []string{"sourceRoleArn", "targetRoleArn"} {
		if !isSet(r.Properties, "roleConfiguration", k) && !isUnknown(r.Properties, "roleConfiguration", k) {
			out = append(out, "roleConfiguration."+k+" is not set: a workspace encrypted with a customer-managed key takes "+
				"samples only through a role configuration")
		}
	}
	return out
}

// checkBillingSubscribers checks the subscribers of budgets, budget actions
// and anomaly subscriptions against what each channel takes.
func checkBillingSubscribers(r Resource, _ map[string]any) []string {
	count := func(m property.Map, key string) (int, bool) {
		v, p := lookup(m, key)
		if p == unknown {
			return 0, false
		}
		vals, vp := stringElems(v)
		if vp == unknown {
			return 0, false
		}
		return len(vals), true
	}
	var out []string
	switch r.Type {
	case budgetType:
		notes, p := getMaps(r.Properties, "notifications")
		if p == unknown {
			return nil
		}
		for i, n := range notes {
			emails, eok := count(n, "subscriberEmailAddresses")
			topics, tok := count(n, "subscriberSnsTopicArns")
			switch {
			case eok && emails > catalog.BudgetNotificationEmailsMax:
				out = append(out, fmt.Sprintf("notifications[%d] has %d email subscribers; a budget notification takes at most %d",
					i, emails, catalog.BudgetNotificationEmailsMax))
			case tok && topics > 1:
				out = append(out, fmt.Sprintf("notifications[%d] has %d SNS topics; a budget notification takes one", i, topics))
			case eok && tok && emails+topics == 0:
				out = append(out, fmt.Sprintf("notifications[%d] has no subscriber; AWS Budgets requires at least one", i))
			}
		}
	case budgetActionType:
		subs, p := getMaps(r.Properties, "subscribers")
		if n := len(subs); p == present && (n < 1 || n > catalog.BudgetActionSubscribersMax) {
			out = append(out, fmt.Sprintf("%d subscribers; a budget action takes 1 to %d", n, catalog.BudgetActionSubscribersMax))
		}
	case anomalySubType:
		freq, ok := getString(r.Properties, "frequency")
		subs, p := getMaps(r.Properties, "subscribers")
		if !ok || p == unknown {
			return nil
		}
		want := "EMAIL"
		if catalog.AnomalyFrequencyUsesSNS(freq) {
			want = "SNS"
		}
		for i, sub := range subs {
			if typ, ok := getString(sub, "type"); ok && typ != want {
				out = append(out, fmt.Sprintf("subscribers[%d] is %s; %s alerts go to %s subscribers only", i, typ, freq, want))
			}
		}
		if limit := map[string]int{"SNS": 1, "EMAIL": catalog.AnomalySubscriptionEmailsMax}[want]; len(subs) > limit {
			out = append(out, fmt.Sprintf("%d subscribers; an anomaly subscription with %s alerts takes at most %d", len(subs), freq, limit))
		}
	}
	return out
}

// nonSpace counts the characters IAM counts in a policy: all but whitespace.
func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			n++
		}
	}
	return n
}

// checkPolicySize fires on policy documents over IAM's quotas.
func checkPolicySize(r Resource, _ map[string]any) []string {
	limit, what := catalog.IAMInlineRolePolicyChars, "a role's inline policies"
	var docs []string
	switch r.Type {
	case iamPolicyType:
		limit, what = catalog.IAMManagedPolicyChars, "a managed policy"
		fallthrough
	case iamRolePolicyType:
		if s, ok := getString(r.Properties, "policy"); ok {
			docs = append(docs, s)
		}
	case iamRoleType:
		inline, _ := getMaps(r.Properties, "inlinePolicies")
		for _, p := range inline {
			if s, ok := getString(p, "policy"); ok {
				docs = append(docs, s)
			}
		}
	}
	total := 0
	for _, d := range docs {
		total += nonSpace(d)
	}
	if total > limit {
		return []string{fmt.Sprintf("the policy holds %d characters without whitespace; IAM allows %d for %s (%s)",
			total, limit, what, catalog.IAMQuotasSource.URL)}
	}
	return nil
}

// checkEFAWithinCards compares each EFA node group's launch template with
// the catalog's network facts of the group's instance types.
func checkEFAWithinCards(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, ng := range rs {
		if ng.Type != eksNodeGroupType {
			continue
		}
		types, tp := getStrings(ng.Properties, "instanceTypes")
		lt, ok := launchTemplateOf(rs, ng)
		if !ok || tp != present {
			continue
		}
		nics, p := getMaps(lt.Properties, "networkInterfaces")
		if p != present {
			continue
		}
		efa, maxCard := 0, -1
		for _, ni := range nics {
			if t, ok := getString(ni, "interfaceType"); ok && slices.Contains(efaInterfaceTypes, t) {
				efa++
			}
			if c, ok := getNumber(ni, "networkCardIndex"); ok && int(c) > maxCard {
				maxCard = int(c)
			}
		}
		if efa == 0 {
			continue
		}
		for _, name := range types {
			t, ok := catalog.LookupInstanceType(name)
			if !ok {
				continue
			}
			if efa > t.MaxEFAInterfaces {
				out = append(out, Finding{URN: ng.URN, Message: fmt.Sprintf("its launch template has %d EFA interfaces; %s supports %d",
					efa, name, t.MaxEFAInterfaces)})
			}
			if maxCard >= t.NetworkCards {
				out = append(out, Finding{URN: ng.URN, Message: fmt.Sprintf("its launch template uses network card %d; %s has %d cards (0 to %d)",
					maxCard, name, t.NetworkCards, t.NetworkCards-1)})
			}
		}
	}
	return out
}

// launchTemplateOf finds the stack's launch template a node group uses.
func launchTemplateOf(rs []Resource, ng Resource) (Resource, bool) {
	ref := referenceOf(ng, "launchTemplate", "id")
	if ref.unresolved || ref.empty() {
		return Resource{}, false
	}
	for _, lt := range rs {
		if lt.Type == launchTemplateType && ref.matches(lt) {
			return lt, true
		}
	}
	return Resource{}, false
}

// ignoredReferenceKeys are inputs whose values are text, not references.
var ignoredReferenceKeys = []string{"id", "urn", "tags", "tagsAll", "description", "name", "namePrefix", "policy",
	"assumeRolePolicy", "eventPattern", "pipelineDefinition", "kubeconfig", "clusterIdentifier"}

// inputsNamingOthers are properties that, on these types, hold another
// resource's identity rather than the resource's own.
var inputsNamingOthers = map[string][]string{
	eventTargetType: {"arn"},
}

// identities returns the values by which other resources name r: the
// physical name and ARN of an AWS resource (a bucket's name is its
// "bucket"), the EKS cluster name of pulumi-eks's cluster, and the ID, when
// known. Short values are left out: they match by coincidence.
func identities(r Resource) []string {
	var keys []string
	switch {
	case isBucket(r.Type):
		keys = []string{"bucket", "arn"}
	case strings.HasPrefix(r.Type, "aws:"):
		keys = []string{"name", "arn"}
	case r.Type == "eks:index:Cluster":
		keys = []string{"name"}
	}
	var out []string
	for _, k := range keys {
		if slices.Contains(inputsNamingOthers[r.Type], k) {
			continue
		}
		if s, ok := getString(r.Properties, k); ok && len(s) >= 6 {
			out = append(out, s)
		}
	}
	if len(r.ID) >= 6 {
		out = append(out, r.ID)
	}
	return out
}

// awsIDPattern matches AWS physical IDs that name one resource wherever
// they appear (subnet-0a1b..., vpc-..., sg-...).
var awsIDPattern = regexp.MustCompile(`^(vpc|subnet|sg|sgr|rtb|rtbassoc|igw|nat|eipalloc|vpce|lt|fs|fl|pg|eni|i|vol|acl)-[0-9a-z]+$`)

// unambiguous reports whether an identity value names one resource
// wherever it appears: an ARN or an AWS physical ID. Plain names (a
// cluster's, a bucket's) can coincide: a SageMaker domain and an EKS
// cluster may both be named after the stack.
func unambiguous(v string) bool { return strings.HasPrefix(v, "arn:") || awsIDPattern.MatchString(v) }

// namesKind reports whether property key, holding a plain name, names a
// resource of type typ: the key without its Id/Arn/Name/Url suffix ends in
// the type's kind ("clusterName" names a Cluster, "role" a Role,
// "targetBucket" a BucketV2).
func namesKind(key, typ string) bool {
	base := strings.ToLower(key)
	for _, suffix := range []string{"ids", "id", "arns", "arn", "names", "name"} {
		if b, ok := strings.CutSuffix(base, suffix); ok && b != "" {
			base = b
			break
		}
	}
	kind := strings.ToLower(typ[strings.LastIndex(typ, ":")+1:])
	kind = strings.TrimSuffix(kind, "v2")
	return strings.HasSuffix(base, kind)
}

// checkDependenciesDeclared fires for each input that holds another
// resource's identity without depending on that resource or a component
// around it. A value several resources carry (an S3 bucket's companions
// take the bucket's name as their ID) is satisfied by a dependency on any
// of them: the finding names the first.
func checkDependenciesDeclared(rs []Resource, _ map[string]any) []Finding {
	byURN := make(map[string]Resource, len(rs))
	owners := map[string][]Resource{} // identity value -> resources carrying it
	for _, r := range rs {
		byURN[r.URN] = r
		for _, id := range identities(r) {
			owners[id] = append(owners[id], r)
		}
	}
	ancestors := func(urn string) []string {
		var out []string
		for seen := 0; urn != "" && seen < 64; seen++ {
			out = append(out, urn)
			urn = byURN[urn].Parent
		}
		return out
	}
	var out []Finding
	for _, r := range rs {
		mine := ancestors(r.URN)
		for key, v := range r.Properties.All {
			if slices.Contains(ignoredReferenceKeys, key) || !ProgramInput(r, key) {
				continue // stack rules see outputs: judge what the program set
			}
			vals, _ := stringElems(v)
			deps := append(slices.Clone(r.PropertyDependencies[key]), r.Dependencies...)
			for _, val := range vals {
				if slices.Contains(identities(r), val) {
					continue // the resource's own name (a bucket's "bucket")
				}
				var targets []Resource
				for _, target := range owners[val] {
					if target.URN == r.URN || slices.Contains(mine, target.URN) || slices.Contains(ancestors(target.URN)[1:], r.URN) {
						continue // itself, a component around it, or its own child
					}
					if !unambiguous(val) && !namesKind(key, target.Type) {
						continue // a name that happens to be equal
					}
					targets = append(targets, target)
				}
				satisfied := slices.ContainsFunc(targets, func(target Resource) bool {
					return slices.ContainsFunc(ancestors(target.URN), func(u string) bool { return slices.Contains(deps, u) })
				})
				if len(targets) == 0 || satisfied {
					continue
				}
				target := targets[0]
				out = append(out, Finding{URN: r.URN, Message: fmt.Sprintf(
					"%s is %q, the identity of %s %s, but the resource does not depend on it: a first `pulumi up` "+
						"may create them in either order; pass the value as that resource's output (or add DependsOn)",
					key, val, target.Type, target.Name)})
			}
		}
	}
	return dedupeFindings(out)
}

func dedupeFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, func(a, b Finding) int {
		if a.URN != b.URN {
			return strings.Compare(a.URN, b.URN)
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(fs)
}

// keyUse is one service's use of a key a resource names.
type keyUse struct {
	consumer Resource
	why      string
	// grants are the grants that would satisfy it; any one is enough.
	grants []func(st map[string]any) bool
}

// checkKeyGrants collects every use of a key by a service and checks the
// key's policy grants it.
func checkKeyGrants(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, key := range rs {
		if key.Type != kmsKeyType {
			continue
		}
		uses, unresolved := keyUses(rs, key)
		if unresolved || len(uses) == 0 {
			continue
		}
		doc, known := keyPolicyOf(rs, key)
		if !known {
			continue
		}
		sts := statements(doc)
		for _, u := range uses {
			if !slices.ContainsFunc(u.grants, func(g func(map[string]any) bool) bool { return slices.ContainsFunc(sts, g) }) {
				out = append(out, Finding{URN: key.URN, Message: fmt.Sprintf("%s %s uses this key, but the key policy does not grant %s",
					u.consumer.Type, u.consumer.Name, u.why)})
			}
		}
	}
	return dedupeFindings(out)
}

// keyPolicyOf returns the key's policy: an aws:kms/keyPolicy resource for
// it, else its own policy, else the default policy (the account root only).
// known is false when the policy is computed.
func keyPolicyOf(rs []Resource, key Resource) (map[string]any, bool) {
	for _, kp := range rs {
		if kp.Type == kmsKeyPolicyType && referenceOf(kp, "keyId").matches(key, "keyId", "arn") {
			doc, ok := policyDocument(kp.Properties, "policy")
			return doc, ok
		}
	}
	if isUnknown(key.Properties, "policy") {
		return nil, false
	}
	if doc, ok := policyDocument(key.Properties, "policy"); ok {
		return doc, true
	}
	return map[string]any{}, true
}

// keyUses lists what uses key and must be granted. unresolved is true when
// some key reference cannot be told (it might be this key).
func keyUses(rs []Resource, key Resource) (uses []keyUse, unresolved bool) {
	refersTo := func(r Resource, path ...string) bool {
		ref := nestedReference(r, path...)
		if ref.unresolved {
			unresolved = true
		}
		return ref.matches(key, "arn", "keyId")
	}
	for _, r := range rs {
		switch {
		case r.Type == launchTemplateType && refersTo(r, "blockDeviceMappings", "[]", "ebs", "kmsKeyId"):
			groups := nodeGroupsUsing(rs, r)
			if len(groups) == 0 {
				continue
			}
			uses = append(uses, keyUse{r, "the AWSServiceRoleForAutoScaling service-linked role (managed node groups launch through EC2 Auto Scaling)",
				[]func(map[string]any) bool{grantsServiceLinkedRole("autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"), grantsViaEC2}})
			if slices.ContainsFunc(groups, func(g Resource) bool { return nodeCapacity(g) == capacitySpot }) {
				uses = append(uses, spotUse(r))
			}
		case isNodeClass(r.Type) && refersTo(r, "spec", "blockDeviceMappings", "[]", "ebs", "kmsKeyID"):
			if slices.ContainsFunc(rs, func(p Resource) bool { return isNodePool(p.Type) && nodeCapacity(p) == capacitySpot }) {
				uses = append(uses, spotUse(r))
			}
		case r.Type == logGroupType && refersTo(r, "kmsKeyId"):
			uses = append(uses, keyUse{r, "the CloudWatch Logs service principal (logs.<region>.amazonaws.com)",
				[]func(map[string]any) bool{grantsServicePattern(`^logs\.[a-z0-9-]+\.amazonaws\.com$`, "kms:GenerateDataKey", "kms:Decrypt")}})
		case r.Type == fsxDRAType:
			if sse, ok := bucketEncryptionOf(rs, draBucket(r)); ok && refersTo(sse, "rules", "[]", "applyServerSideEncryptionByDefault", "kmsMasterKeyId") {
				uses = append(uses, keyUse{r, "FSx for Lustre through S3 (the association reads and writes the linked bucket's SSE-KMS objects " +
					"as the file system's AWSServiceRoleForFSxS3Access role)", []func(map[string]any) bool{grantsFSxThroughS3}})
			}
		case (r.Type == sqsQueueType || r.Type == snsTopicType) && refersTo(r, "kmsMasterKeyId"):
			for _, svc := range publishersOf(rs, r) {
				uses = append(uses, keyUse{r, svc + " (it sends to the encrypted queue or topic)",
					[]func(map[string]any) bool{grantsServicePattern("^"+regexp.QuoteMeta(svc)+"$", "kms:GenerateDataKey", "kms:Decrypt")}})
			}
		}
	}
	return uses, unresolved
}

func spotUse(r Resource) keyUse {
	return keyUse{r, "the AWSServiceRoleForEC2Spot service-linked role (spot capacity launches through EC2 Spot)",
		[]func(map[string]any) bool{grantsServiceLinkedRole("spot.amazonaws.com/AWSServiceRoleForEC2Spot"), grantsViaEC2}}
}

// nodeGroupsUsing returns the managed node groups whose launch template is lt.
func nodeGroupsUsing(rs []Resource, lt Resource) []Resource {
	var out []Resource
	for _, ng := range rs {
		if ng.Type == eksNodeGroupType {
			if found, ok := launchTemplateOf(rs, ng); ok && found.URN == lt.URN {
				out = append(out, ng)
			}
		}
	}
	return out
}

// draBucket is the bucket name of a data repository association's
// s3://bucket/prefix path ("" when unknown).
func draBucket(dra Resource) string {
	path, ok := getString(dra.Properties, "dataRepositoryPath")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(path, "s3://"), "/")
	return name
}

// bucketEncryptionOf finds the encryption configuration of the bucket named
// name: by its own bucket value, or through the bucket resource it refers to.
func bucketEncryptionOf(rs []Resource, name string) (Resource, bool) {
	if name == "" {
		return Resource{}, false
	}
	for _, sse := range rs {
		if sse.Type != s3SSEConfigType {
			continue
		}
		if b, ok := getString(sse.Properties, "bucket"); ok && b == name {
			return sse, true
		}
		ref := referenceOf(sse, "bucket")
		for _, b := range rs {
			if slices.Contains(bucketTypes, b.Type) && ref.matches(b, "bucket") {
				if n, ok := getString(b.Properties, "bucket"); ok && n == name {
					return sse, true
				}
			}
		}
	}
	return Resource{}, false
}

// grantsFSxThroughS3 matches the FSx user guide's statements for linked
// SSE-KMS buckets: the FSx S3 access role by path, or every principal of
// the account through S3 (kms:ViaService s3).
func grantsFSxThroughS3(st map[string]any) bool {
	if !isAllow(st) || !actionsCover(st, "kms:Decrypt") || !actionsCover(st, "kms:GenerateDataKey") {
		return false
	}
	if slices.ContainsFunc(principals(st, "AWS"), func(p string) bool { return strings.Contains(p, "/"+catalog.FSxS3AccessRolePath) }) {
		return true
	}
	via := conditionValues(st, "StringEquals", "kms:ViaService")
	return wildcardPrincipal(st) && slices.ContainsFunc(via, func(v string) bool { return strings.HasPrefix(v, "s3.") })
}

// publishersOf returns the AWS services that send to a queue or topic: the
// service principals its policy allows (but the owning service itself),
// EventBridge when a rule targets it and CloudWatch when an alarm notifies it.
func publishersOf(rs []Resource, target Resource) []string {
	set := map[string]bool{}
	policyType, owner := sqsQueuePolicyType, "sqs.amazonaws.com"
	if target.Type == snsTopicType {
		policyType, owner = snsTopicPolicyType, "sns.amazonaws.com"
	}
	for _, r := range rs {
		switch {
		case r.Type == eventTargetType && referenceOf(r, "arn").matches(target, "arn"):
			set["events.amazonaws.com"] = true
		case r.Type == metricAlarmType && target.Type == snsTopicType && (referenceOf(r, "alarmActions").matches(target, "arn") ||
			referenceOf(r, "okActions").matches(target, "arn") || referenceOf(r, "insufficientDataActions").matches(target, "arn")):
			// CloudWatch user guide, "Amazon SNS topic encryption for alarm
			// actions": the key grants cloudwatch.amazonaws.com.
			set["cloudwatch.amazonaws.com"] = true
		case r.Type == policyType && (referenceOf(r, "queueUrl").matches(target, "url", "id") || referenceOf(r, "arn").matches(target, "arn")):
			doc, _ := policyDocument(r.Properties, "policy")
			for _, st := range statements(doc) {
				if !isAllow(st) {
					continue
				}
				for _, p := range principals(st, "Service") {
					if p != owner && p != "*" {
						set[p] = true
					}
				}
			}
		}
	}
	return sortedKeys(set)
}

// grantsServiceLinkedRole matches a statement allowing the service-linked
// role (by the end of its ARN) the volume actions the EC2 Auto Scaling
// guide lists.
func grantsServiceLinkedRole(suffix string) func(map[string]any) bool {
	return func(st map[string]any) bool {
		if !isAllow(st) || !slices.ContainsFunc(principals(st, "AWS"), func(p string) bool { return strings.HasSuffix(p, "/"+suffix) }) {
			return false
		}
		return actionsCover(st, "kms:GenerateDataKeyWithoutPlaintext") && actionsCover(st, "kms:Decrypt") ||
			actionsCover(st, "kms:CreateGrant")
	}
}

// grantsViaEC2 matches the EBS-style statement: every principal of the
// account, only through EC2 (the aws/ebs key's policy and Karpenter's
// troubleshooting guide use it).
func grantsViaEC2(st map[string]any) bool {
	if !isAllow(st) || !wildcardPrincipal(st) || !actionsCover(st, "kms:CreateGrant") {
		return false
	}
	via := conditionValues(st, "StringEquals", "kms:ViaService")
	return slices.ContainsFunc(via, func(v string) bool { return strings.HasPrefix(v, "ec2.") }) &&
		len(conditionValues(st, "StringEquals", "kms:CallerAccount")) > 0
}

// grantsServicePattern matches a statement allowing a service principal
// (by pattern) every one of the actions.
func grantsServicePattern(pattern string, actions ...string) func(map[string]any) bool {
	re := regexp.MustCompile(pattern)
	return func(st map[string]any) bool {
		if !isAllow(st) || !slices.ContainsFunc(principals(st, "Service"), re.MatchString) {
			return false
		}
		for _, a := range actions {
			if !actionsCover(st, a) {
				return false
			}
		}
		return true
	}
}

// checkReservationUsable judges node groups launched into one reservation
// (catalog.CapacityReservationSource).
func checkReservationUsable(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, ng := range rs {
		if ng.Type != eksNodeGroupType {
			continue
		}
		lt, ok := launchTemplateOf(rs, ng)
		if !ok {
			continue
		}
		id, _ := getString(lt.Properties, "capacityReservationSpecification", "capacityReservationTarget", "capacityReservationId")
		if id == "" {
			continue
		}
		if subnets, ok := getArray(ng.Properties, "subnetIds"); ok && len(subnets) > 1 {
			out = append(out, Finding{ng.URN, fmt.Sprintf("launches into reservation %s, which is in one zone, from %d subnets: nodes "+
				"in the other zones miss it; give the group the reservation's zone only", id, len(subnets))})
		}
		if group, _ := getString(lt.Properties, "placement", "groupName"); group != "" {
			out = append(out, Finding{ng.URN, fmt.Sprintf("launches into reservation %s through a placement group of its own (%s): a "+
				"reservation serves launches into its own placement group only; drop the template's placement", id, group)})
		}
	}
	return out
}
