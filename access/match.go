package access

import (
	"fmt"
	"strings"
)

// Glob reports whether s matches pattern, where "*" matches any run of
// characters and "?" any one character, as IAM matches actions (case
// folded by the caller) and ARNs (case-sensitive).
func Glob(pattern, s string) bool {
	// Iterative matcher with backtracking on the last star: linear in
	// practice for policy-sized inputs.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ActionMatches reports whether a policy's action pattern covers action:
// service prefixes and names compare without case.
func ActionMatches(pattern, action string) bool {
	return Glob(strings.ToLower(pattern), strings.ToLower(action))
}

// Kind is what sort of principal makes a request.
type Kind string

// The principal kinds a request may name.
const (
	KindRole      Kind = "role"
	KindUser      Kind = "user"
	KindRoot      Kind = "root"
	KindService   Kind = "service"
	KindAccount   Kind = "account"
	KindFederated Kind = "federated"
)

// Principal is who makes a request.
type Principal struct {
	Kind Kind
	// ARN is the role, user or root ARN (a role session's ARN is turned
	// into its role's), or the identity provider's ARN for federated.
	ARN string
	// Account is the principal's account; empty for services.
	Account string
	// Partition is the ARN's partition ("aws", "aws-cn", "aws-us-gov").
	Partition string
	// Service is a service principal's name, "sagemaker.amazonaws.com".
	Service string
}

// ParsePrincipal reads the principal forms a query may give: a role, user
// or root ARN (an assumed-role session ARN counts as its role),
// "service:<name>.amazonaws.com", "account:<12 digits>" or
// "federated:<provider ARN>".
func ParsePrincipal(s string) (Principal, error) {
	switch {
	case strings.HasPrefix(s, "service:"):
		name := strings.TrimPrefix(s, "service:")
		if !strings.Contains(name, ".") {
			return Principal{}, fmt.Errorf("principal %q: a service principal is service:<name>.amazonaws.com", s)
		}
		return Principal{Kind: KindService, Service: name}, nil
	case strings.HasPrefix(s, "account:"):
		acct := strings.TrimPrefix(s, "account:")
		if !isAccountID(acct) {
			return Principal{}, fmt.Errorf("principal %q: an account principal is account:<12 digits>", s)
		}
		return Principal{Kind: KindAccount, Account: acct, Partition: "aws"}, nil
	case strings.HasPrefix(s, "federated:"):
		arn := strings.TrimPrefix(s, "federated:")
		a, err := ParseARN(arn)
		if err != nil {
			return Principal{}, fmt.Errorf("principal %q: %w", s, err)
		}
		return Principal{Kind: KindFederated, ARN: arn, Account: a.Account, Partition: a.Partition}, nil
	}
	a, err := ParseARN(s)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q: want a role, user or root ARN, service:<name>, account:<id> or federated:<ARN>: %w", s, err)
	}
	p := Principal{Account: a.Account, Partition: a.Partition, ARN: s}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Kind = KindRoot
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		p.Kind = KindRole
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		p.Kind = KindUser
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		parts := strings.Split(a.Resource, "/")
		if len(parts) < 3 {
			return Principal{}, fmt.Errorf("principal %q: assumed-role ARN without role and session", s)
		}
		p.Kind = KindRole
		p.ARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition, a.Account, parts[1])
	default:
		return Principal{}, fmt.Errorf("principal %q: not a role, user or root ARN", s)
	}
	return p, nil
}

// String renders the principal in the form ParsePrincipal reads.
func (p Principal) String() string {
	switch p.Kind {
	case KindService:
		return "service:" + p.Service
	case KindAccount:
		return "account:" + p.Account
	case KindFederated:
		return "federated:" + p.ARN
	}
	return p.ARN
}

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits an ARN into its parts.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN", s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// principalMatch is how a statement's principal covers a request's.
type principalMatch int8

const (
	noMatch principalMatch = iota
	// byAccount: the statement names the principal's account (a 12-digit
	// ID or its root ARN). In a resource policy this delegates to the
	// account's own identity policies.
	byAccount
	// byName: the statement names the principal itself (its role or user
	// ARN, its service) or everyone ("*").
	byName
)

// matchPrincipal says how one Principal element covers p.
func matchPrincipal(elem map[string][]string, p Principal) principalMatch {
	best := noMatch
	for _, typ := range sortedKeys(elem) {
		for _, v := range elem[typ] {
			m := matchOne(typ, v, p)
			if m > best {
				best = m
			}
		}
	}
	return best
}

func matchOne(typ, v string, p Principal) principalMatch {
	if typ == "*" || (typ == "AWS" && v == "*") {
		return byName
	}
	switch typ {
	case "Service":
		if p.Kind == KindService && strings.EqualFold(v, p.Service) {
			return byName
		}
	case "Federated":
		if p.Kind == KindFederated && v == p.ARN {
			return byName
		}
	case "AWS":
		if p.Kind == KindService || p.Kind == KindFederated {
			return noMatch
		}
		if isAccountID(v) {
			if v == p.Account {
				return byAccount
			}
			return noMatch
		}
		a, err := ParseARN(v)
		if err != nil {
			return noMatch
		}
		if a.Service == "iam" && a.Resource == "root" {
			if a.Account == p.Account {
				if p.Kind == KindRoot {
					return byName
				}
				return byAccount
			}
			return noMatch
		}
		if p.Kind != KindAccount && v == p.ARN {
			return byName
		}
	}
	return noMatch
}
