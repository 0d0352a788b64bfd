package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// PackConfig is a --policy-pack-config file as the Pulumi CLI reads it
// (pkg/resource/analyzer/config.go, CLI 3.276.0): either unversioned, every
// key a policy (or "all"), or version 2:
//
//	{"version": 2, "policies": {...}, "exceptions": {"EXC-1": {"reason": "...",
//	  "match": [{"policies": ["rule"], "targets": ["urn:pulumi:..."]}]}}}
//
// An excepted violation is still reported but fails nothing, whatever its
// level.
type PackConfig struct {
	Settings   Settings
	Exceptions []Exception
}

// Exception exempts the violations of its policies on its targets.
type Exception struct {
	ID     string           `json:"id"`
	Reason string           `json:"reason"`
	Match  []ExceptionMatch `json:"match"`
}

// ExceptionMatch matches the violations of any of its policies on any of
// its targets (URNs, compared exactly, as the CLI does).
type ExceptionMatch struct {
	Policies []string `json:"policies"`
	Targets  []string `json:"targets"`
}

// ParsePackConfig reads a --policy-pack-config file in either format. ESC
// environments ("environments") are refused: the offline engine cannot
// open them.
func ParsePackConfig(data []byte) (PackConfig, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return PackConfig{}, fmt.Errorf("policy config: not a JSON object")
	}
	var version float64
	versioned := raw["version"] != nil && json.Unmarshal(raw["version"], &version) == nil
	if _, ok := raw["environments"]; ok {
		return PackConfig{}, errors.New(`policy config: "environments" names ESC environments, which the offline engine cannot open; ` +
			"give their policy settings in the file instead")
	}
	if !versioned {
		s, err := ParseSettings(data)
		return PackConfig{Settings: s}, err
	}
	switch {
	case version > 2:
		return PackConfig{}, fmt.Errorf("policy config: version %v is not supported; allowed: 2 (or no version)", version)
	case version != 2:
		return PackConfig{}, errors.New(`policy config: "version" must be 2`)
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if !slices.Contains([]string{"version", "policies", "exceptions"}, k) {
			errs = append(errs, fmt.Errorf("policy config: unknown key %q of a version 2 file; allowed: version, policies, exceptions", k))
		}
	}
	out := PackConfig{Settings: Settings{}}
	if p, ok := raw["policies"]; ok {
		s, err := ParseSettings(p)
		if err != nil {
			errs = append(errs, err)
		}
		out.Settings = s
	}
	if e, ok := raw["exceptions"]; ok {
		exc, err := parseExceptions(e)
		if err != nil {
			errs = append(errs, err)
		}
		out.Exceptions = exc
	}
	return out, errors.Join(errs...)
}

// parseExceptions validates the exceptions block as the CLI does: each ID
// a name, a reason, and at least one match naming policies (not "all")
// and URN targets. Every problem is reported, in ID order.
func parseExceptions(data []byte) ([]Exception, error) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil || entries == nil {
		return nil, errors.New(`policy config: "exceptions" must be an object that maps exception IDs to exceptions`)
	}
	var out []Exception
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		fail := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("policy config: exception %q: %s", id, fmt.Sprintf(format, a...)))
		}
		if !exceptionID.MatchString(id) {
			fail("the ID must be non-empty and contain only letters, digits, '-', '.' and '_'")
			continue
		}
		var e Exception
		if err := json.Unmarshal(entries[id], &e); err != nil {
			fail("must be an object with reason and match (%v)", err)
			continue
		}
		e.ID = id
		if strings.TrimSpace(e.Reason) == "" {
			fail(`"reason" is required`)
		}
		if len(e.Match) == 0 {
			fail(`"match" must list at least one {"policies", "targets"} entry`)
		}
		for i, m := range e.Match {
			if len(m.Policies) == 0 {
				fail(`match[%d]: "policies" must list at least one policy`, i)
			}
			for _, p := range m.Policies {
				if _, known := configSchemas()[p]; !known {
					fail("match[%d]: unknown policy %q (\"all\" is not allowed: name the policies)", i, p)
				}
			}
			if len(m.Targets) == 0 {
				fail(`match[%d]: "targets" must list at least one URN`, i)
			}
			for _, t := range m.Targets {
				if !strings.HasPrefix(t, "urn:pulumi:") || strings.Count(t, "::") < 3 {
					fail("match[%d]: target %q is not a URN (urn:pulumi:<stack>::<project>::<type>::<name>)", i, t)
				}
			}
		}
		out = append(out, e)
	}
	return out, errors.Join(errs...)
}

// exceptionID is what the CLI accepts as an exception ID (tokens.IsName).
var exceptionID = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// ApplyExceptions records on each violation the IDs of the exceptions that
// match it.
func ApplyExceptions(vs []Violation, exceptions []Exception) {
	for i := range vs {
		var ids []string
		for _, e := range exceptions {
			if slices.ContainsFunc(e.Match, func(m ExceptionMatch) bool {
				return slices.Contains(m.Policies, vs[i].Policy) && slices.Contains(m.Targets, vs[i].URN)
			}) {
				ids = append(ids, e.ID)
			}
		}
		vs[i].ExceptedBy = strings.Join(ids, ", ")
	}
}
