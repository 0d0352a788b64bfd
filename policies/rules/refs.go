package rules

import "slices"

// reference is what one property of a resource points at, for stack rules
// that pair resources (a flow log and its VPC, an encryption configuration
// and its bucket): the URNs the property depends on (previews, mocks and
// state all record them) and the known string values it holds (physical IDs
// or names, matched against exported state).
type reference struct {
	urns   []string
	values []string
	// unresolved is true when the value is unknown and no dependency is
	// recorded: the reference could point anywhere.
	unresolved bool
}

// referenceOf reads the reference held at path; its first key names the
// property whose dependencies count (property dependencies are recorded per
// top-level property).
func referenceOf(r Resource, path ...string) reference {
	ref := reference{urns: r.PropertyDependencies[path[0]]}
	v, p := lookup(r.Properties, path...)
	switch p {
	case unknown:
		ref.unresolved = len(ref.urns) == 0
	case present:
		vals, vp := stringElems(v)
		ref.values = vals
		ref.unresolved = vp == unknown && len(ref.urns) == 0 && len(vals) == 0
	}
	return ref
}

// nestedReference is referenceOf for a value deep inside a top-level
// property ("[]" steps into list elements): the top-level property's
// dependencies, and the known strings at the path.
func nestedReference(r Resource, path ...string) reference {
	ref := reference{urns: r.PropertyDependencies[path[0]]}
	vals, unknownSeen := stringsAt(r.Properties, path)
	ref.values = vals
	ref.unresolved = unknownSeen && len(ref.urns) == 0 && len(vals) == 0
	return ref
}

// empty reports whether the reference points at nothing at all.
func (ref reference) empty() bool {
	return !ref.unresolved && len(ref.urns) == 0 && len(ref.values) == 0
}

// matches reports whether the reference points at target: by URN, by the
// target's physical ID, or by the known value of one of the target's
// nameKeys (an S3 bucket's name, a placement group's name).
func (ref reference) matches(target Resource, nameKeys ...string) bool {
	if slices.Contains(ref.urns, target.URN) {
		return true
	}
	if target.ID != "" && slices.Contains(ref.values, target.ID) {
		return true
	}
	for _, k := range nameKeys {
		if name, ok := getString(target.Properties, k); ok && name != "" && slices.Contains(ref.values, name) {
			return true
		}
	}
	return false
}

// companions returns, for each subject (by URN), the resources of
// companionType whose reference at path points at it. unresolved is true
// when some companion's reference cannot be resolved: it might belong to any
// subject, so callers must not report a subject as lacking one.
func companions(rs []Resource, isSubject func(string) bool, companionType string, nameKeys []string, path ...string) (found map[string][]Resource, unresolved bool) {
	found = map[string][]Resource{}
	for _, c := range rs {
		if c.Type != companionType {
			continue
		}
		ref := referenceOf(c, path...)
		if ref.unresolved {
			unresolved = true
			continue
		}
		for _, s := range rs {
			if isSubject(s.Type) && ref.matches(s, nameKeys...) {
				found[s.URN] = append(found[s.URN], c)
			}
		}
	}
	return found, unresolved
}

// companionCheck builds the check of a stack rule of the form "every
// subject has a companion of type companion whose reference at path points
// at it" (a bucket and its encryption configuration, a VPC and its flow
// log). judge decides on the companions found (nil: any one is enough);
// missing, on a subject without one ("" passes: an inline setting may
// stand in). A companion whose reference cannot be resolved could be any
// subject's, so nothing is reported then.
func companionCheck(subjects []string, companion string, nameKeys []string, path []string,
	judge func(subject Resource, found []Resource, cfg map[string]any) []string,
	missing func(subject Resource, cfg map[string]any) string,
) func([]Resource, map[string]any) []Finding {
	return func(rs []Resource, cfg map[string]any) []Finding {
		isSubject := func(t string) bool { return slices.Contains(subjects, t) }
		found, unresolved := companions(rs, isSubject, companion, nameKeys, path...)
		if unresolved {
			return nil
		}
		var out []Finding
		for _, s := range rs {
			if !isSubject(s.Type) {
				continue
			}
			if cs := found[s.URN]; len(cs) > 0 {
				if judge != nil {
					for _, msg := range judge(s, cs, cfg) {
						out = append(out, Finding{URN: s.URN, Message: msg})
					}
				}
				continue
			}
			if msg := missing(s, cfg); msg != "" {
				out = append(out, Finding{URN: s.URN, Message: msg})
			}
		}
		return out
	}
}
