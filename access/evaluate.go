package access

import (
	"fmt"
	"slices"
	"strings"
)

// Request is one question: may Principal do Action on Resource, with these
// condition keys (the network it comes from, tags, encryption context)?
type Request struct {
	// Principal is a role, user or root ARN, "service:<name>",
	// "account:<id>" or "federated:<provider ARN>" (ParsePrincipal).
	Principal string `json:"principal"`
	Action    string `json:"action"`
	// Resource is an ARN: an S3 object is arn:aws:s3:::bucket/key.
	Resource string `json:"resource"`
	// Context holds condition keys; keys the evaluator derives
	// (aws:PrincipalArn, aws:PrincipalAccount, aws:SecureTransport, ...)
	// are filled in unless given.
	Context Context `json:"context,omitempty"`
	// Assume, when set, says why the policies this request meets outside
	// the world (another account's, AWS managed, an AWS-owned bucket's)
	// may be taken to allow it; the result lists it as an assumption.
	// Without it such a policy makes the answer unknown.
	Assume string `json:"assume,omitempty"`
}

// Decision is the answer to a request.
type Decision string

// The four answers.
const (
	Allow Decision = "allow"
	// Deny is an explicit deny: a Deny statement applies.
	Deny Decision = "deny"
	// ImplicitDeny: no Deny applies and nothing needed allows.
	ImplicitDeny Decision = "implicit-deny"
	// Undecided: the answer depends on something the evaluator cannot
	// know (Reasons say what).
	Undecided Decision = "unknown"
)

// Result is a decision with the statements that decided it.
type Result struct {
	Decision Decision `json:"decision"`
	// Statements are the statements that decided: the Deny statements of
	// a deny, the Allow statements of an allow, those that may apply when
	// unknown.
	Statements []string `json:"statements"`
	// Reasons say what could not be known, what was assumed, or, for an
	// implicit deny, what was missing.
	Reasons []string `json:"reasons,omitempty"`
	// Steps are the requests AWS makes to serve this one (S3 calling KMS
	// for an SSE-KMS object), each with its own result. The decision
	// above combines them.
	Steps []Step `json:"steps,omitempty"`
}

// Step is a request made on the caller's behalf and its result.
type Step struct {
	Request Request `json:"request"`
	Result  Result  `json:"result"`
}

// Role is an IAM role in the world: its trust policy and the identity
// policies attached to it (inline, customer managed, AWS managed).
type Role struct {
	ARN      string
	Trust    *Policy
	Identity []*Policy
}

// Endpoint is a VPC endpoint requests may come through.
type Endpoint struct {
	ID, VPC, Service string
	// Policy is the endpoint policy; nil is the default full access.
	Policy *Policy
}

// BucketKey is a bucket's default SSE-KMS key.
type BucketKey struct {
	KeyARN string
	// BucketKeyEnabled makes the bucket ARN, not the object ARN, the
	// encryption context S3 passes to KMS.
	BucketKeyEnabled bool
}

// World is every policy the evaluator knows: one account's roles, resource
// policies and VPC endpoints, as one stack declares them.
type World struct {
	Partition, Region, Account string
	// Roles by ARN.
	Roles map[string]*Role
	// ResourcePolicies by the ARN of the resource that carries them (a
	// bucket's ARN, a key's, a topic's, a queue's, a model package group's).
	ResourcePolicies map[string]*Policy
	// Owned are the ARNs of resources the world holds: a resource of a
	// kind that takes a policy and is not owned has a policy the evaluator
	// cannot see.
	Owned map[string]bool
	// Endpoints by VPC endpoint ID.
	Endpoints map[string]*Endpoint
	// BucketKeys by bucket name.
	BucketKeys map[string]BucketKey
	// ResourceContext holds condition keys a resource brings to every
	// request on it, by its ARN: a key's kms:ResourceAliases, tags as
	// aws:ResourceTag/<key>.
	ResourceContext map[string]Context
}

// policyServices are the services whose resources carry a resource policy
// that takes part in every decision (trust policies for STS).
var policyServices = []string{"s3", "kms", "sns", "sqs", "iam", "secretsmanager"}

// Evaluate answers a request as AWS's policy evaluation logic does for one
// account, and across accounts as far as the world holds the policies:
// an explicit deny wins; within an account an identity or a resource
// policy allows; across accounts both must; a KMS key policy and a role's
// trust policy must allow (or delegate to the account) for any access; a
// VPC endpoint policy must allow what passes through the endpoint. Service
// control and resource control policies, permissions boundaries and
// session policies are not modelled.
func (w *World) Evaluate(req Request) Result {
	p, err := ParsePrincipal(req.Principal)
	if err != nil {
		return Result{Decision: Undecided, Reasons: []string{err.Error()}}
	}
	var res ARN
	if req.Resource != "*" { // "*": an action that takes no resource (List calls)
		if res, err = ParseARN(req.Resource); err != nil {
			return Result{Decision: Undecided, Reasons: []string{fmt.Sprintf("resource: %v", err)}}
		}
	}
	if !strings.Contains(req.Action, ":") {
		return Result{Decision: Undecided, Reasons: []string{fmt.Sprintf("action %q is not service:Action", req.Action)}}
	}
	main := w.evaluateOne(req, p, res)
	steps := w.derived(req, p, res)
	if len(steps) == 0 {
		return main
	}
	main.Steps = steps
	for _, s := range steps {
		main = combine(main, s)
	}
	return main
}

// combine folds a step's result into the main one: a deny anywhere denies,
// then an implicit deny, then unknown; all must allow.
func combine(r Result, s Step) Result {
	rank := map[Decision]int{Allow: 0, Undecided: 1, ImplicitDeny: 2, Deny: 3}
	if rank[s.Result.Decision] > rank[r.Decision] {
		r.Decision = s.Result.Decision
		r.Statements = nil
		r.Reasons = nil
	}
	if s.Result.Decision == r.Decision && r.Decision != Allow {
		r.Statements = append(r.Statements, s.Result.Statements...)
		for _, why := range s.Result.Reasons {
			r.Reasons = append(r.Reasons, fmt.Sprintf("%s on %s: %s", s.Request.Action, s.Request.Resource, why))
		}
	}
	return r
}

// derived returns the requests AWS makes to serve req: S3 asks KMS to
// decrypt or to generate a data key for an object in a bucket whose
// default encryption is SSE-KMS, with the caller's credentials (a forward
// access session: aws:ViaAWSService true, called via S3, and none of the
// caller's network keys).
func (w *World) derived(req Request, p Principal, res ARN) []Step {
	if res.Service != "s3" || !strings.Contains(res.Resource, "/") {
		return nil
	}
	bucket, _, _ := strings.Cut(res.Resource, "/")
	key, ok := w.BucketKeys[bucket]
	if !ok || key.KeyARN == "" {
		return nil
	}
	var kmsAction string
	switch strings.ToLower(req.Action) {
	case "s3:getobject", "s3:getobjectversion":
		kmsAction = "kms:Decrypt"
	case "s3:putobject":
		kmsAction = "kms:GenerateDataKey"
	default:
		return nil
	}
	ctx := Context{}
	for k, v := range req.Context {
		switch strings.ToLower(k) {
		case "aws:sourcevpce", "aws:sourcevpc", "aws:vpcsourceip", "aws:sourceip":
			continue
		}
		ctx[k] = v
	}
	encCtx := req.Resource
	if key.BucketKeyEnabled {
		encCtx = fmt.Sprintf("arn:%s:s3:::%s", res.Partition, bucket)
	}
	ctx = ctx.with("kms:ViaService", fmt.Sprintf("s3.%s.amazonaws.com", w.Region)).
		with("aws:ViaAWSService", "true").
		with("aws:CalledVia", "s3.amazonaws.com").
		with("kms:EncryptionContext:aws:s3:arn", encCtx).
		with("kms:EncryptionContextKeys", "aws:s3:arn")
	sub := Request{Principal: req.Principal, Action: kmsAction, Resource: key.KeyARN, Context: ctx, Assume: req.Assume}
	kres, err := ParseARN(key.KeyARN)
	if err != nil {
		return []Step{{Request: sub, Result: Result{Decision: Undecided, Reasons: []string{err.Error()}}}}
	}
	return []Step{{Request: sub, Result: w.evaluateOne(sub, p, kres)}}
}

// verdict collects the statements of every policy that takes part.
type verdict struct {
	denyYes, denyMaybe  []string
	identity            tri
	identityStmts       []string
	resByName, resByAcc tri
	resStmts            []string
	endpoint            tri
	endpointStmts       []string
	reasons             []string
}

func (w *World) evaluateOne(req Request, p Principal, res ARN) Result {
	ctx := w.context(req, p, res)
	v := verdict{identity: no, resByName: no, resByAcc: no, endpoint: yes}

	owner := res.Account
	if owner == "" && res.Service == "s3" {
		bucket, _, _ := strings.Cut(res.Resource, "/")
		if w.Owned[fmt.Sprintf("arn:%s:s3:::%s", res.Partition, bucket)] {
			owner = w.Account
		}
	}

	// Identity policies. An account principal stands for any principal of
	// that account whose own policies allow the request.
	identityKnown := false
	switch p.Kind {
	case KindAccount:
		identityKnown = true
		v.identity = yes
	case KindRole:
		if role, ok := w.Roles[p.ARN]; ok {
			identityKnown = true
			for _, pol := range role.Identity {
				if pol.Unknown != "" && req.Assume != "" {
					v.identity = yes
					v.reasons = append(v.reasons, fmt.Sprintf("assumed (%s): %s allows", req.Assume, pol.Name))
					continue
				}
				w.judge(pol, req, ctx, p, false, v.allowInto(&v.identity, &v.identityStmts), &v.reasons)
			}
		}
	case KindService:
		identityKnown = true // services act on resource policies alone
	}
	if !identityKnown {
		if req.Assume != "" {
			v.identity = yes
			v.reasons = append(v.reasons, fmt.Sprintf("assumed (%s): the identity policies of %s allow", req.Assume, p))
		} else {
			v.identity = maybe
			v.reasons = append(v.reasons, fmt.Sprintf("the identity policies of %s are outside this stack", p))
		}
	}

	// The resource's policy (a role's trust policy for STS).
	resPolicy, hasRes := w.resourcePolicy(req, res)
	if hasRes && resPolicy.Unknown != "" && req.Assume != "" {
		v.resByName = yes
		v.reasons = append(v.reasons, fmt.Sprintf("assumed (%s): %s allows", req.Assume, resPolicy.Name))
	} else if hasRes {
		w.judge(resPolicy, req, ctx, p, true, func(effect string, t tri, ref string, m principalMatch) {
			if effect == "Deny" {
				v.addDeny(t, ref)
				return
			}
			if t == no {
				return
			}
			if m == byName {
				v.resByName = or(v.resByName, t)
			} else {
				v.resByAcc = or(v.resByAcc, t)
			}
			v.resStmts = append(v.resStmts, ref)
		}, &v.reasons)
	}

	// The VPC endpoint the request passes through.
	if ids, ok := ctx.get("aws:SourceVpce"); ok && len(ids) == 1 {
		if ep, ok := w.Endpoints[ids[0]]; ok && ep.Policy != nil {
			v.endpoint = no
			w.judge(ep.Policy, req, ctx, p, true, v.allowInto(&v.endpoint, &v.endpointStmts), &v.reasons)
		} else if !ok {
			v.endpoint = maybe
			v.reasons = append(v.reasons, fmt.Sprintf("VPC endpoint %s is outside this stack: its policy is not known", ids[0]))
		}
	}

	if len(v.denyYes) > 0 {
		return Result{Decision: Deny, Statements: v.denyYes, Reasons: v.reasons}
	}

	cross := p.Kind != KindService && owner != "" && p.Account != owner
	needsResource := res.Service == "kms" || isTrustAction(req.Action)
	var allowed tri
	switch {
	case p.Kind == KindService:
		allowed = v.resByName
	case cross:
		allowed = and(or(v.resByName, v.resByAcc), v.identity)
	case needsResource:
		allowed = or(v.resByName, and(v.resByAcc, v.identity))
	default:
		allowed = or(v.identity, v.resByName)
	}
	allowed = and(allowed, v.endpoint)

	var stmts []string
	stmts = append(stmts, v.identityStmts...)
	stmts = append(stmts, v.resStmts...)
	stmts = append(stmts, v.endpointStmts...)
	switch {
	case allowed == no:
		return Result{Decision: ImplicitDeny, Statements: nil, Reasons: append(v.reasons, w.missing(v, p, cross, needsResource)...)}
	case len(v.denyMaybe) > 0:
		return Result{Decision: Undecided, Statements: append(v.denyMaybe, stmts...), Reasons: v.reasons}
	case allowed == maybe:
		return Result{Decision: Undecided, Statements: stmts, Reasons: v.reasons}
	}
	return Result{Decision: Allow, Statements: stmts, Reasons: v.reasons}
}

// allowInto is a judge callback that records Deny statements and ORs
// what the Allow statements say into *into.
func (v *verdict) allowInto(into *tri, stmts *[]string) func(string, tri, string, principalMatch) {
	return func(effect string, t tri, ref string, _ principalMatch) {
		if effect == "Deny" {
			v.addDeny(t, ref)
			return
		}
		if t > no {
			*into = or(*into, t)
			*stmts = append(*stmts, ref)
		}
	}
}

func (v *verdict) addDeny(t tri, ref string) {
	switch t {
	case yes:
		v.denyYes = append(v.denyYes, ref)
	case maybe:
		v.denyMaybe = append(v.denyMaybe, ref)
	}
}

// missing says what an implicit deny lacked.
func (w *World) missing(v verdict, p Principal, cross, needsResource bool) []string {
	var out []string
	if v.endpoint == no {
		out = append(out, "the VPC endpoint policy does not allow it")
	}
	switch {
	case p.Kind == KindService:
		out = append(out, "no resource policy statement allows the service principal")
	case cross && v.resByName == no && v.resByAcc == no:
		out = append(out, "cross-account: the resource policy does not allow the caller's account")
	case cross || (needsResource && v.resByName == no && v.resByAcc == yes):
		if v.identity == no {
			out = append(out, "no identity policy allows it")
		}
	case needsResource && v.resByName == no && v.resByAcc == no:
		out = append(out, "the key or trust policy neither allows the principal nor delegates to the account")
	case v.identity == no && v.resByName == no:
		out = append(out, "no identity or resource policy statement allows it")
	}
	return out
}

func isTrustAction(action string) bool {
	a := strings.ToLower(action)
	return strings.HasPrefix(a, "sts:assumerole") || a == "sts:tagsession" || a == "sts:setsourceidentity"
}

// resourcePolicy returns the policy that the resource carries, or a
// document it cannot know when the resource is outside the world and of a
// kind that carries one.
func (w *World) resourcePolicy(req Request, res ARN) (*Policy, bool) {
	arn := req.Resource
	switch {
	case isTrustAction(req.Action):
		if role, ok := w.Roles[req.Resource]; ok {
			if role.Trust == nil {
				return Unknowable("trust policy of "+role.ARN, "the trust policy is not known"), true
			}
			return role.Trust, true
		}
	case res.Service == "s3":
		bucket, _, _ := strings.Cut(res.Resource, "/")
		arn = fmt.Sprintf("arn:%s:s3:::%s", res.Partition, bucket)
	case res.Service == "sagemaker" && strings.HasPrefix(res.Resource, "model-package/"):
		// A model package is governed by its group's resource policy.
		parts := strings.Split(res.Resource, "/")
		if len(parts) >= 2 {
			group := fmt.Sprintf("arn:%s:sagemaker:%s:%s:model-package-group/%s", res.Partition, res.Region, res.Account, parts[1])
			if pol, ok := w.ResourcePolicies[group]; ok {
				return pol, true
			}
		}
	}
	if pol, ok := w.ResourcePolicies[arn]; ok {
		return pol, true
	}
	if w.Owned[arn] || !slices.Contains(policyServices, res.Service) || (res.Service == "iam" && !isTrustAction(req.Action)) {
		return nil, false
	}
	if isTrustAction(req.Action) {
		return Unknowable("trust policy of "+arn, "the role is outside this stack"), true
	}
	return Unknowable("resource policy of "+arn, "the resource is outside this stack"), true
}

// context adds the keys AWS sets on every request, unless the request
// gives them.
func (w *World) context(req Request, p Principal, res ARN) Context {
	ctx := Context{}
	for k, v := range req.Context {
		ctx[k] = v
	}
	set := func(k string, v ...string) {
		if !ctx.has(k) {
			ctx[k] = v
		}
	}
	switch p.Kind {
	case KindService:
		set("aws:PrincipalIsAWSService", "true")
		set("aws:PrincipalServiceName", p.Service)
	default:
		set("aws:PrincipalIsAWSService", "false")
		if p.ARN != "" && p.Kind != KindFederated {
			set("aws:PrincipalArn", p.ARN)
		}
		if p.Account != "" {
			set("aws:PrincipalAccount", p.Account)
		}
		if p.Kind == KindRole && strings.Contains(p.ARN, ":role/aws-service-role/") {
			set("aws:PrincipalIsAWSService", "false")
		}
	}
	set("aws:SecureTransport", "true")
	set("aws:ViaAWSService", "false")
	if res.Account != "" {
		set("aws:ResourceAccount", res.Account)
	} else if res.Service == "s3" && w.Account != "" {
		set("aws:ResourceAccount", w.Account)
	}
	if res.Service == "kms" && p.Account != "" {
		set("kms:CallerAccount", p.Account)
	}
	if w.Region != "" {
		set("aws:RequestedRegion", w.Region)
	}
	target := req.Resource
	if res.Service == "s3" {
		bucket, _, _ := strings.Cut(res.Resource, "/")
		target = fmt.Sprintf("arn:%s:s3:::%s", res.Partition, bucket)
	}
	for _, k := range sortedKeys(w.ResourceContext[target]) {
		set(k, w.ResourceContext[target][k]...)
	}
	return ctx
}

// judge evaluates every statement of pol against the request and reports
// each through f with its effect, whether it applies, its reference and,
// for resource policies, how its principal matched. A document whose text
// is unknown may allow and may deny.
func (w *World) judge(pol *Policy, req Request, ctx Context, p Principal, resourceBased bool,
	f func(effect string, t tri, ref string, m principalMatch), reasons *[]string) {
	if pol.Unknown != "" {
		*reasons = append(*reasons, fmt.Sprintf("%s: %s", pol.Name, pol.Unknown))
		f("Deny", maybe, pol.Name+" (unknown)", byName)
		f("Allow", maybe, pol.Name+" (unknown)", byName)
		return
	}
	for _, st := range pol.Statements {
		m := byName
		if resourceBased {
			m = statementPrincipal(st, p)
			if m == noMatch {
				continue
			}
		}
		t, why := applies(st, req, ctx)
		if t == no {
			continue
		}
		if t == maybe && why != "" {
			*reasons = append(*reasons, fmt.Sprintf("%s: %s", st.Ref(pol), why))
		}
		f(st.Effect, t, st.Ref(pol), m)
	}
}

// statementPrincipal says how a resource-based statement's Principal or
// NotPrincipal covers p.
func statementPrincipal(st Statement, p Principal) principalMatch {
	switch {
	case st.Principal != nil:
		return matchPrincipal(st.Principal, p)
	case st.NotPrincipal != nil:
		if matchPrincipal(st.NotPrincipal, p) != noMatch {
			return noMatch
		}
		return byName
	}
	return noMatch
}

// applies reports whether a statement's action, resource and conditions
// cover the request (its principal is checked by the caller).
func applies(st Statement, req Request, ctx Context) (tri, string) {
	switch {
	case st.Action != nil && !slices.ContainsFunc(st.Action, func(a string) bool { return ActionMatches(a, req.Action) }):
		return no, ""
	case st.NotAction != nil && slices.ContainsFunc(st.NotAction, func(a string) bool { return ActionMatches(a, req.Action) }):
		return no, ""
	}
	resourceMatch := func(pat string) bool { return resourceMatches(pat, req.Resource) }
	switch {
	case st.Resource != nil && !slices.ContainsFunc(st.Resource, resourceMatch):
		return no, ""
	case st.NotResource != nil && slices.ContainsFunc(st.NotResource, resourceMatch):
		return no, ""
	}
	result, reason := yes, ""
	for _, op := range sortedKeys(st.Condition) {
		t, why := condition(op, st.Condition[op], ctx)
		if t < result {
			result, reason = t, why
		}
		if result == no {
			return no, ""
		}
	}
	return result, reason
}

// resourceMatches matches an ARN pattern against a resource ARN; a policy
// variable (${...}) is not resolved, so a pattern holding one matches
// nothing.
func resourceMatches(pattern, resource string) bool {
	if pattern == "*" {
		return true
	}
	if strings.Contains(pattern, "${") {
		return false
	}
	return Glob(pattern, resource)
}
