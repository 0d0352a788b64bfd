package access

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// tri is a three-valued truth: an element applies, does not, or cannot be
// known to.
type tri int8

const (
	no tri = iota
	maybe
	yes
)

func and(a, b tri) tri { return min(a, b) }
func or(a, b tri) tri  { return max(a, b) }

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

// Unknown is the value of a context key that exists but whose value cannot
// be known (a computed value in a first preview).
const Unknown = "\x00unknown"

// Context holds a request's condition keys and their values. Keys compare
// without case, as IAM compares them; a single-valued key holds one value.
type Context map[string][]string

// get returns the values of key and whether the key is present.
func (c Context) get(key string) ([]string, bool) {
	if v, ok := c[key]; ok {
		return v, true
	}
	for k, v := range c {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// with returns a copy of c with key set to vals.
func (c Context) with(key string, vals ...string) Context {
	out := make(Context, len(c)+1)
	for k, v := range c {
		out[k] = v
	}
	for k := range out {
		if strings.EqualFold(k, key) {
			delete(out, k)
		}
	}
	out[key] = vals
	return out
}

// has reports whether key is present.
func (c Context) has(key string) bool {
	_, ok := c.get(key)
	return ok
}

// comparator is a base operator: whether one context value matches one
// policy value. ok is false when the policy value cannot be read for the
// operator (a malformed date, an unsupported value): such a condition
// never matches, as IAM treats it.
type comparator func(ctx, policy string) (match, ok bool)

// operators maps each base operator to its comparator and whether it is
// negated (true when no value matches).
var operators = map[string]struct {
	cmp     comparator
	negated bool
}{
	"StringEquals":              {strEq, false},
	"StringNotEquals":           {strEq, true},
	"StringEqualsIgnoreCase":    {strEqFold, false},
	"StringNotEqualsIgnoreCase": {strEqFold, true},
	"StringLike":                {strLike, false},
	"StringNotLike":             {strLike, true},
	"NumericEquals":             {numeric(func(a, b float64) bool { return a == b }), false},
	"NumericNotEquals":          {numeric(func(a, b float64) bool { return a == b }), true},
	"NumericLessThan":           {numeric(func(a, b float64) bool { return a < b }), false},
	"NumericLessThanEquals":     {numeric(func(a, b float64) bool { return a <= b }), false},
	"NumericGreaterThan":        {numeric(func(a, b float64) bool { return a > b }), false},
	"NumericGreaterThanEquals":  {numeric(func(a, b float64) bool { return a >= b }), false},
	"DateEquals":                {date(func(a, b time.Time) bool { return a.Equal(b) }), false},
	"DateNotEquals":             {date(func(a, b time.Time) bool { return a.Equal(b) }), true},
	"DateLessThan":              {date(func(a, b time.Time) bool { return a.Before(b) }), false},
	"DateLessThanEquals":        {date(func(a, b time.Time) bool { return !a.After(b) }), false},
	"DateGreaterThan":           {date(func(a, b time.Time) bool { return a.After(b) }), false},
	"DateGreaterThanEquals":     {date(func(a, b time.Time) bool { return !a.Before(b) }), false},
	"Bool":                      {boolEq, false},
	"BinaryEquals":              {binaryEq, false},
	"IpAddress":                 {ipIn, false},
	"NotIpAddress":              {ipIn, true},
	"ArnEquals":                 {arnLike, false},
	"ArnLike":                   {arnLike, false},
	"ArnNotEquals":              {arnLike, true},
	"ArnNotLike":                {arnLike, true},
}

func strEq(c, p string) (bool, bool)     { return c == p, true }
func strEqFold(c, p string) (bool, bool) { return strings.EqualFold(c, p), true }
func strLike(c, p string) (bool, bool)   { return Glob(p, c), true }

func boolEq(c, p string) (bool, bool) {
	pb, err := strconv.ParseBool(strings.ToLower(p))
	if err != nil {
		return false, false
	}
	cb, err := strconv.ParseBool(strings.ToLower(c))
	return err == nil && cb == pb, true
}

func binaryEq(c, p string) (bool, bool) {
	pb, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return false, false
	}
	cb, err := base64.StdEncoding.DecodeString(c)
	return err == nil && bytes.Equal(cb, pb), true
}

func numeric(f func(a, b float64) bool) comparator {
	return func(c, p string) (bool, bool) {
		pv, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return false, false
		}
		cv, err := strconv.ParseFloat(c, 64)
		return err == nil && f(cv, pv), true
	}
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date", s)
	}
	return time.Unix(secs, 0).UTC(), nil
}

func date(f func(a, b time.Time) bool) comparator {
	return func(c, p string) (bool, bool) {
		pv, err := parseDate(p)
		if err != nil {
			return false, false
		}
		cv, err := parseDate(c)
		return err == nil && f(cv, pv), true
	}
}

func ipIn(c, p string) (bool, bool) {
	prefix, err := netip.ParsePrefix(p)
	if err != nil {
		addr, aerr := netip.ParseAddr(p)
		if aerr != nil {
			return false, false
		}
		prefix = netip.PrefixFrom(addr, addr.BitLen())
	}
	addr, err := netip.ParseAddr(c)
	return err == nil && prefix.Contains(addr), true
}

// arnLike compares ARNs part by part, each part a glob (ArnEquals and
// ArnLike behave alike in IAM).
func arnLike(c, p string) (bool, bool) {
	if p == "*" {
		return true, true
	}
	pp := strings.SplitN(p, ":", 6)
	cp := strings.SplitN(c, ":", 6)
	if len(pp) != 6 {
		return false, false
	}
	if len(cp) != 6 {
		return false, true
	}
	for i := range pp {
		if !Glob(pp[i], cp[i]) {
			return false, true
		}
	}
	return true, true
}

// operator splits a condition operator into its set qualifier
// (ForAnyValue, ForAllValues or none), base operator and IfExists suffix.
func operator(op string) (qualifier, base string, ifExists bool) {
	if q, rest, ok := strings.Cut(op, ":"); ok {
		qualifier, op = q, rest
	}
	if strings.HasSuffix(op, "IfExists") && op != "IfExists" {
		return qualifier, strings.TrimSuffix(op, "IfExists"), true
	}
	return qualifier, op, false
}

// condition evaluates one operator block (all of its keys must hold) and
// returns the reason when the answer is maybe.
func condition(op string, keys map[string][]string, ctx Context) (tri, string) {
	result := yes
	reason := ""
	for _, key := range sortedKeys(keys) {
		r, why := conditionKey(op, key, keys[key], ctx)
		if r < result {
			result = r
			reason = why
		}
		if result == no {
			return no, ""
		}
	}
	return result, reason
}

func conditionKey(op, key string, policyValues []string, ctx Context) (tri, string) {
	qualifier, base, ifExists := operator(op)
	ctxValues, present := ctx.get(key)
	if base == "Null" {
		if ifExists || qualifier != "" {
			return maybe, fmt.Sprintf("condition operator %s is not valid", op)
		}
		for _, v := range ctxValues {
			if v == Unknown {
				return maybe, fmt.Sprintf("%s is not known", key)
			}
		}
		for _, pv := range policyValues {
			want, err := strconv.ParseBool(strings.ToLower(pv))
			if err != nil {
				return no, ""
			}
			if want != !present {
				return no, ""
			}
		}
		return yes, ""
	}
	o, known := operators[base]
	if !known {
		return maybe, fmt.Sprintf("condition operator %s is not modelled", op)
	}
	for _, v := range ctxValues {
		if v == Unknown {
			return maybe, fmt.Sprintf("%s is not known", key)
		}
	}
	// matchesAny: does context value v match one of the policy values?
	matchesAny := func(v string) bool {
		for _, pv := range policyValues {
			if m, ok := o.cmp(v, pv); ok && m {
				return true
			}
		}
		return false
	}
	// holds: does one context value satisfy the (possibly negated) operator?
	holds := func(v string) bool { return matchesAny(v) != o.negated }
	empty := !present || len(ctxValues) == 0
	switch qualifier {
	case "ForAnyValue":
		if empty {
			return triOf(ifExists), ""
		}
		for _, v := range ctxValues {
			if holds(v) {
				return yes, ""
			}
		}
		return no, ""
	case "ForAllValues":
		if empty {
			return yes, ""
		}
		for _, v := range ctxValues {
			if !holds(v) {
				return no, ""
			}
		}
		return yes, ""
	case "":
		if empty {
			// A negated operator holds when the key is absent; a positive
			// one only with IfExists.
			return triOf(ifExists || o.negated), ""
		}
		if o.negated {
			for _, v := range ctxValues {
				if matchesAny(v) {
					return no, ""
				}
			}
			return yes, ""
		}
		for _, v := range ctxValues {
			if matchesAny(v) {
				return yes, ""
			}
		}
		return no, ""
	}
	return maybe, fmt.Sprintf("condition set operator %s is not valid", qualifier)
}
