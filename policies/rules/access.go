package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/access"
)

// FlowsType is the type token of a component's flow declaration
// (access/declare).
const FlowsType = "ml-platform:access:Flows"

func init() {
	registerStack(ConcernAccess, StackRule{
		Name: "access-flows-hold",
		Description: "Every access flow a component declares evaluates as declared: what it needs is allowed by the identity, " +
			"resource, key, trust and VPC endpoint policies together, and what it must refuse is denied.",
		Checks: "Evaluates each request of every `ml-platform:access:Flows` declaration against the plan's policies " +
			"(see access/): fires when a required flow is denied or implicitly denied, or when a refused flow is allowed. " +
			"A flow whose answer cannot be known (values computed at deploy, policies outside the stack) is shown as " +
			"unknown by `offline access` and does not fire.",
		Level: Mandatory,
		Types: []string{FlowsType},
		Check: func(rs []Resource, _ map[string]any) []Finding {
			var out []Finding
			for _, f := range EvaluateFlows(rs) {
				if f.Holds || f.Decision == access.Undecided {
					continue
				}
				out = append(out, Finding{URN: f.URN, Message: f.Explain()})
			}
			return out
		},
	})
}

// FlowResult is one declared flow and how it evaluates.
type FlowResult struct {
	Component string `json:"component"`
	// URN is the declaration's.
	URN    string `json:"urn"`
	Name   string `json:"name"`
	Expect string `json:"expect"`
	Why    string `json:"why,omitempty"`
	// Decision combines the requests: for a required flow the weakest
	// answer (one implicit deny denies the flow), for a refused flow the
	// most permissive (one allowed request opens it).
	Decision access.Decision `json:"decision"`
	// Holds is true when the decision is what the flow expects.
	Holds    bool            `json:"holds"`
	Requests []RequestResult `json:"requests"`
}

// RequestResult is one request of a flow and its result.
type RequestResult struct {
	Request access.Request `json:"request"`
	Result  access.Result  `json:"result"`
}

// Explain is the flow's finding: what was expected, what came out and the
// statements (or the missing grant) that decided it.
func (f FlowResult) Explain() string {
	want := "allowed"
	if f.Expect == "deny" {
		want = "refused"
	}
	var parts []string
	for _, r := range f.Requests {
		bad := r.Result.Decision != access.Allow
		if f.Expect == "deny" {
			bad = r.Result.Decision == access.Allow
		}
		if !bad {
			continue
		}
		detail := fmt.Sprintf("%s %s on %s: %s", r.Request.Principal, r.Request.Action, r.Request.Resource, r.Result.Decision)
		if len(r.Result.Statements) > 0 {
			detail += " by " + strings.Join(r.Result.Statements, "; ")
		}
		if len(r.Result.Reasons) > 0 {
			detail += " (" + strings.Join(r.Result.Reasons, "; ") + ")"
		}
		parts = append(parts, detail)
	}
	return fmt.Sprintf("%s flow %q must be %s but is %s: %s", f.Component, f.Name, want, f.Decision, strings.Join(parts, " | "))
}

// EvaluateFlows evaluates every declared flow of the plan against the
// plan's policies, in declaration order (resources, then flows).
func EvaluateFlows(rs []Resource) []FlowResult {
	w := NewWorld(rs)
	var out []FlowResult
	for _, r := range rs {
		if r.Type != FlowsType {
			continue
		}
		component, _ := getString(r.Properties, "component")
		flows, _ := getMaps(r.Properties, "flows")
		for _, fl := range flows {
			res := FlowResult{Component: component, URN: r.URN}
			res.Name, _ = getString(fl, "name")
			res.Expect, _ = getString(fl, "expect")
			res.Why, _ = getString(fl, "why")
			reqs, _ := getMaps(fl, "requests")
			for _, rm := range reqs {
				req := requestOf(rm)
				res.Requests = append(res.Requests, RequestResult{Request: req, Result: w.Evaluate(req)})
			}
			res.Decision, res.Holds = judgeFlow(res.Expect, res.Requests)
			out = append(out, res)
		}
	}
	return out
}

// judgeFlow combines a flow's request decisions and says whether the flow
// holds.
func judgeFlow(expect string, reqs []RequestResult) (access.Decision, bool) {
	if len(reqs) == 0 {
		return access.Undecided, false
	}
	rank := map[access.Decision]int{access.Allow: 0, access.Undecided: 1, access.ImplicitDeny: 2, access.Deny: 3}
	d := reqs[0].Result.Decision
	for _, r := range reqs[1:] {
		x := r.Result.Decision
		if expect == "deny" {
			// The most permissive answer.
			if rank[x] < rank[d] {
				d = x
			}
		} else if rank[x] > rank[d] {
			d = x
		}
	}
	if expect == "deny" {
		return d, d == access.Deny || d == access.ImplicitDeny
	}
	return d, d == access.Allow
}

// requestOf reads one declared request; unknown values become
// access.Unknown, which the evaluator answers with unknown.
func requestOf(m property.Map) access.Request {
	str := func(k string) string {
		if s, ok := getString(m, k); ok {
			return s
		}
		return access.Unknown
	}
	req := access.Request{Principal: str("principal"), Action: str("action"), Resource: str("resource"), Context: access.Context{}}
	req.Assume, _ = getString(m, "assume")
	if c, ok := getMap(m, "context"); ok {
		for k, v := range c.All {
			vals, p := stringElems(v)
			if p == unknown {
				vals = append(vals, access.Unknown)
			}
			req.Context[k] = vals
		}
	}
	return req
}

// NewWorld gathers the plan's policies into the evaluator's world: roles
// with their trust, inline, attached and managed policies; bucket, key,
// topic, queue and registry policies; VPC endpoint policies; bucket keys
// and key aliases. Resources are tied together by the dependencies the
// engine records, and ARNs come from the flow declarations' bindings or
// from any input that names a resource it depends on.
func NewWorld(rs []Resource) *access.World {
	w := &access.World{
		Roles: map[string]*access.Role{}, ResourcePolicies: map[string]*access.Policy{}, Owned: map[string]bool{},
		Endpoints: map[string]*access.Endpoint{}, BucketKeys: map[string]access.BucketKey{}, ResourceContext: map[string]access.Context{},
	}
	byURN := map[string]Resource{}
	for _, r := range rs {
		byURN[r.URN] = r
		if r.Type == FlowsType {
			for k, dst := range map[string]*string{"partition": &w.Partition, "region": &w.Region, "accountId": &w.Account} {
				if s, ok := getString(r.Properties, k); ok && *dst == "" {
					*dst = s
				}
			}
		}
	}
	arns := discoverARNs(rs, byURN)
	ids := map[string]string{}
	// A stack export carries outputs: ARNs and IDs as AWS gave them.
	for _, r := range rs {
		if a, ok := getString(r.Properties, "arn"); ok && strings.HasPrefix(a, "arn:") {
			arns[r.URN] = a
		}
		if r.ID != "" && r.Type == "aws:ec2/vpcEndpoint:VpcEndpoint" {
			ids[r.URN] = r.ID
		}
	}
	for _, r := range rs {
		if r.Type != FlowsType {
			continue
		}
		bs, _ := getMaps(r.Properties, "bindings")
		for _, b := range bs {
			urn, ok1 := getString(b, "urn")
			v, ok2 := getString(b, "value")
			if ok1 && ok2 {
				if strings.HasPrefix(v, "arn:") {
					arns[urn] = v
				} else {
					ids[urn] = v
				}
			}
		}
	}
	if w.Partition == "" {
		w.Partition = "aws"
	}
	bucketName := map[string]string{} // bucket URN -> name
	roleByName := map[string]string{} // role name -> URN
	for _, r := range rs {
		switch r.Type {
		case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
			if name, ok := getString(r.Properties, "bucket"); ok {
				bucketName[r.URN] = name
				w.Owned[bucketARN(w.Partition, name)] = true
			}
		case "aws:iam/role:Role":
			if name, ok := getString(r.Properties, "name"); ok {
				roleByName[name] = r.URN
				if _, ok := arns[r.URN]; !ok && w.Account != "" {
					path, ok := getString(r.Properties, "path")
					if !ok {
						path = "/"
					}
					arns[r.URN] = fmt.Sprintf("arn:%s:iam::%s:role%s%s", w.Partition, w.Account, path, name)
				}
			}
		}
	}
	// refTo resolves the resource of type typ that property k of r names:
	// by dependency, else (for roles and buckets) by name.
	refTo := func(r Resource, k, typ string) string {
		for _, d := range r.PropertyDependencies[k] {
			if typeOfURN(d) == typ {
				return d
			}
		}
		if s, ok := getString(r.Properties, k); ok {
			switch typ {
			case "aws:iam/role:Role":
				return roleByName[s]
			case "aws:s3/bucketV2:BucketV2":
				for urn, n := range bucketName {
					if n == s {
						return urn
					}
				}
			}
		}
		return ""
	}
	roles := map[string]*access.Role{} // by URN
	role := func(urn string) *access.Role {
		if roles[urn] == nil {
			roles[urn] = &access.Role{ARN: arns[urn]}
		}
		return roles[urn]
	}
	policyByURN := map[string]*access.Policy{}
	for _, r := range rs {
		if r.Type == "aws:iam/policy:Policy" {
			policyByURN[r.URN] = documentAt(r, "policy", "managed policy "+r.URN)
		}
	}
	managed := func(r Resource, arn string, deps []string) *access.Policy {
		for _, d := range deps {
			if p, ok := policyByURN[d]; ok {
				return p
			}
		}
		for urn, a := range arns {
			if a == arn && policyByURN[urn] != nil {
				return policyByURN[urn]
			}
		}
		if strings.Contains(arn, ":iam::aws:policy/") {
			return access.Unknowable("AWS managed policy "+arn, "AWS managed policies are not modelled")
		}
		return access.Unknowable("policy "+arn, "the policy is outside this stack")
	}
	for _, r := range rs {
		switch r.Type {
		case "aws:iam/role:Role":
			ro := role(r.URN)
			ro.Trust = documentAt(r, "assumeRolePolicy", "trust policy of "+r.URN)
			inline, _ := getMaps(r.Properties, "inlinePolicies")
			for _, ip := range inline {
				name, _ := getString(ip, "name")
				if p, ok := policyFrom(ip, "policy", fmt.Sprintf("inline policy %s of %s", name, r.URN)); ok {
					ro.Identity = append(ro.Identity, p)
				}
			}
			mp, _ := getStrings(r.Properties, "managedPolicyArns")
			for _, a := range mp {
				ro.Identity = append(ro.Identity, managed(r, a, r.PropertyDependencies["managedPolicyArns"]))
			}
		case "aws:iam/rolePolicy:RolePolicy":
			if u := refTo(r, "role", "aws:iam/role:Role"); u != "" {
				role(u).Identity = append(role(u).Identity, documentAt(r, "policy", "role policy "+r.URN))
			}
		case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
			if u := refTo(r, "role", "aws:iam/role:Role"); u != "" {
				a, _ := getString(r.Properties, "policyArn")
				role(u).Identity = append(role(u).Identity, managed(r, a, r.PropertyDependencies["policyArn"]))
			}
		case "aws:s3/bucketPolicy:BucketPolicy":
			name, ok := getString(r.Properties, "bucket")
			if u := refTo(r, "bucket", "aws:s3/bucketV2:BucketV2"); u != "" && bucketName[u] != "" {
				name, ok = bucketName[u], true
			}
			if ok {
				w.ResourcePolicies[bucketARN(w.Partition, name)] = documentAt(r, "policy", "bucket policy "+r.URN)
			}
		case "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
			name, ok := getString(r.Properties, "bucket")
			if !ok {
				continue
			}
			rules, _ := getMaps(r.Properties, "rules")
			for _, rule := range rules {
				if key, ok := getString(rule, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"); ok && key != "" {
					bk, _ := getBool(rule, "bucketKeyEnabled")
					w.BucketKeys[name] = access.BucketKey{KeyARN: key, BucketKeyEnabled: bk}
				}
			}
		case "aws:kms/key:Key":
			if a := arns[r.URN]; a != "" {
				w.Owned[a] = true
				w.ResourcePolicies[a] = documentAt(r, "policy", "key policy "+r.URN)
			}
		case "aws:kms/alias:Alias":
			name, ok := getString(r.Properties, "name")
			if u := refTo(r, "targetKeyId", "aws:kms/key:Key"); ok && u != "" && arns[u] != "" {
				ctx := w.ResourceContext[arns[u]]
				if ctx == nil {
					ctx = access.Context{}
					w.ResourceContext[arns[u]] = ctx
				}
				ctx["kms:ResourceAliases"] = append(ctx["kms:ResourceAliases"], name)
				slices.Sort(ctx["kms:ResourceAliases"])
			}
		case "aws:sns/topic:Topic", "aws:sqs/queue:Queue":
			if a := arns[r.URN]; a != "" {
				w.Owned[a] = true
				if isSet(r.Properties, "policy") {
					w.ResourcePolicies[a] = documentAt(r, "policy", "resource policy "+r.URN)
				}
			}
		case "aws:sns/topicPolicy:TopicPolicy":
			if a, ok := getString(r.Properties, "arn"); ok {
				w.ResourcePolicies[a] = documentAt(r, "policy", "topic policy "+r.URN)
			}
		case "aws:sqs/queuePolicy:QueuePolicy":
			if u := refTo(r, "queueUrl", "aws:sqs/queue:Queue"); u != "" && arns[u] != "" {
				w.ResourcePolicies[arns[u]] = documentAt(r, "policy", "queue policy "+r.URN)
			}
		case "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy":
			if name, ok := getString(r.Properties, "modelPackageGroupName"); ok && w.Account != "" {
				a := fmt.Sprintf("arn:%s:sagemaker:%s:%s:model-package-group/%s", w.Partition, w.Region, w.Account, strings.ToLower(name))
				w.Owned[a] = true
				w.ResourcePolicies[a] = documentAt(r, "resourcePolicy", "model package group policy "+r.URN)
			}
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			id := ids[r.URN]
			if id == "" {
				continue
			}
			svc, _ := getString(r.Properties, "serviceName")
			ep := &access.Endpoint{ID: id, Service: svc}
			if isSet(r.Properties, "policy") {
				ep.Policy = documentAt(r, "policy", "endpoint policy "+r.URN)
			}
			w.Endpoints[id] = ep
		}
	}
	for urn, ro := range roles {
		if ro.ARN == "" {
			ro.ARN = arns[urn]
		}
		if ro.ARN != "" {
			w.Roles[ro.ARN] = ro
			w.Owned[ro.ARN] = true
		}
	}
	return w
}

func bucketARN(partition, name string) string { return fmt.Sprintf("arn:%s:s3:::%s", partition, name) }

// documentAt reads the policy document at property k; an unknown or
// unreadable one is a document the evaluator cannot know.
func documentAt(r Resource, k, name string) *access.Policy {
	p, ok := policyFrom(r.Properties, k, name)
	if !ok {
		return access.Unknowable(name, "the document is not known until deploy")
	}
	return p
}

func policyFrom(m property.Map, k, name string) (*access.Policy, bool) {
	doc, ok := policyDocument(m, k)
	if !ok {
		return nil, false
	}
	p, err := access.ParseMap(name, doc)
	if err != nil {
		return access.Unknowable(name, err.Error()), true
	}
	return p, true
}

// typeOfURN returns a URN's resource type (the last type of its
// qualified type).
func typeOfURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qt := parts[2]
	if i := strings.LastIndex(qt, "$"); i >= 0 {
		qt = qt[i+1:]
	}
	return qt
}

// arnKinds say what an ARN of each resource type looks like.
var arnKinds = map[string]func(string) bool{
	"aws:iam/role:Role": func(a string) bool { return strings.Contains(a, ":iam::") && strings.Contains(a, ":role/") },
	"aws:kms/key:Key":   func(a string) bool { return strings.Contains(a, ":kms:") && strings.Contains(a, ":key/") },
	"aws:iam/policy:Policy": func(a string) bool {
		return strings.Contains(a, ":iam::") && strings.Contains(a, ":policy/")
	},
	"aws:sns/topic:Topic": func(a string) bool { return strings.Contains(a, ":sns:") },
	"aws:sqs/queue:Queue": func(a string) bool { return strings.Contains(a, ":sqs:") },
}

// discoverARNs learns the ARN of a resource from any input that names it
// and depends on it alone among resources of its type: a role ARN in a
// node group, a key ARN in an encryption configuration.
func discoverARNs(rs []Resource, byURN map[string]Resource) map[string]string {
	arns := map[string]string{}
	conflict := map[string]bool{}
	for _, r := range rs {
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range r.PropertyDependencies {
				if !yield(k) {
					return
				}
			}
		}) {
			deps := r.PropertyDependencies[k]
			v, p := lookup(r.Properties, k)
			if p != present {
				continue
			}
			strs := arnStrings(v)
			perType := map[string][]string{}
			for _, d := range deps {
				t := typeOfURN(d)
				if _, ok := arnKinds[t]; ok {
					perType[t] = append(perType[t], d)
				}
			}
			for t, ds := range perType {
				if len(ds) != 1 {
					continue
				}
				var cands []string
				for _, s := range strs {
					if arnKinds[t](s) && !slices.Contains(cands, s) {
						cands = append(cands, s)
					}
				}
				if len(cands) != 1 {
					continue
				}
				if prev, ok := arns[ds[0]]; ok && prev != cands[0] {
					conflict[ds[0]] = true
				}
				arns[ds[0]] = cands[0]
			}
		}
	}
	for u := range conflict {
		delete(arns, u)
	}
	return arns
}

// arnStrings returns the known strings under v that are ARNs (not JSON
// documents, whose ARNs name many resources).
func arnStrings(v property.Value) []string {
	var out []string
	var walk func(property.Value)
	walk = func(v property.Value) {
		switch {
		case v.IsString():
			if s := v.AsString(); strings.HasPrefix(s, "arn:") {
				out = append(out, s)
			}
		case v.IsArray():
			for _, e := range v.AsArray().AsSlice() {
				walk(e)
			}
		case v.IsMap():
			for _, e := range v.AsMap().All {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
