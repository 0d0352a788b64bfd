package rules

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/conventions"
)

// Kueue's objects, as the platform creates them (catalog.KueueSource).
const (
	kueueClusterQueueType   = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
	kueueResourceFlavorType = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
	karpenterNodePoolLabel  = conventions.KarpenterNodePoolLabel
)

func init() {
	registerStack(ConcernDeploy, StackRule{
		Name: "kueue-cluster-queue-within-pool-limits",
		Description: "A Kueue ClusterQueue admits what its quota allows, and Karpenter launches what its NodePool's " +
			"limits allow: a quota above the limit admits jobs whose pods then never schedule, holding part of the " +
			"pool while they wait (a distributed job half-started is worse than one queued). Admitted pods land on " +
			"the pool's nodes only if they tolerate its taints.",
		Checks: "For each `kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue` flavor whose `ResourceFlavor` selects a " +
			"NodePool (`spec.nodeLabels[karpenter.sh/nodepool]`): the NodePool is in the stack; the nominal quotas of " +
			"every queue on that pool, plus their `borrowingLimit` (unbounded in a cohort without one), add up to no " +
			"more than the NodePool's `spec.limits` of each resource it limits; and the flavor's `tolerations` " +
			"tolerate every NoSchedule taint of the NodePool's template.",
		Level: Mandatory,
		Types: []string{kueueClusterQueueType},
		Check: checkQueuesWithinPools,
	})
}

// poolAdmission is what the queues on one pool may admit of one resource.
type poolAdmission struct {
	total     float64
	unbounded bool
	queues    []string // URNs, in stack order
	names     []string
}

func checkQueuesWithinPools(rs []Resource, _ map[string]any) []Finding {
	pools := map[string]Resource{}
	flavors := map[string]Resource{}
	for _, r := range rs {
		name, _ := getString(r.Properties, "metadata", "name")
		switch {
		case isNodePool(r.Type):
			pools[name] = r
		case r.Type == kueueResourceFlavorType:
			flavors[name] = r
		}
	}
	var out []Finding
	admitted := map[string]map[string]*poolAdmission{} // pool → resource → sum
	for _, q := range rs {
		if q.Type != kueueClusterQueueType {
			continue
		}
		qname, _ := getString(q.Properties, "metadata", "name")
		_, inCohort := getString(q.Properties, "spec", "cohortName")
		groups, _ := getMaps(q.Properties, "spec", "resourceGroups")
		for _, g := range groups {
			fs, _ := getMaps(g, "flavors")
			for _, f := range fs {
				fname, _ := getString(f, "name")
				flavor, ok := flavors[fname]
				if !ok {
					continue
				}
				poolName, ok := getString(flavor.Properties, "spec", "nodeLabels", karpenterNodePoolLabel)
				if !ok {
					continue
				}
				pool, ok := pools[poolName]
				if !ok {
					out = append(out, Finding{q.URN, fmt.Sprintf("flavor %q puts admitted pods on NodePool %q, which the stack does not have: "+
						"they would never schedule", fname, poolName)})
					continue
				}
				if missing := untoleratedTaints(flavor, pool); len(missing) > 0 {
					out = append(out, Finding{q.URN, fmt.Sprintf("flavor %q does not tolerate NodePool %q's taints %s: admitted pods "+
						"that do not tolerate them themselves never schedule; allowed: spec.tolerations covering every NoSchedule taint",
						fname, poolName, strings.Join(missing, ", "))})
				}
				resources, _ := getMaps(f, "resources")
				for _, res := range resources {
					rname, _ := getString(res, "name")
					quota, ok := quantityAt(res, "nominalQuota")
					if !ok {
						continue
					}
					if admitted[poolName] == nil {
						admitted[poolName] = map[string]*poolAdmission{}
					}
					a := admitted[poolName][rname]
					if a == nil {
						a = &poolAdmission{}
						admitted[poolName][rname] = a
					}
					a.total += quota
					if borrow, ok := quantityAt(res, "borrowingLimit"); ok {
						a.total += borrow
					} else if inCohort {
						a.unbounded = true
					}
					if !slices.Contains(a.queues, q.URN) {
						a.queues = append(a.queues, q.URN)
						a.names = append(a.names, qname)
					}
				}
			}
		}
	}
	for _, poolName := range slices.Sorted(maps.Keys(admitted)) {
		limits, _ := getMap(pools[poolName].Properties, "spec", "limits")
		for _, rname := range slices.Sorted(maps.Keys(admitted[poolName])) {
			a := admitted[poolName][rname]
			limit, ok := quantityAt(limits, rname)
			if !ok {
				continue // the pool does not limit it
			}
			if !a.unbounded && a.total <= limit {
				continue
			}
			what := strconv.FormatFloat(a.total, 'f', -1, 64)
			if a.unbounded {
				what = "without bound (a cohort and no borrowingLimit)"
			}
			for _, urn := range a.queues {
				out = append(out, Finding{urn, fmt.Sprintf("the ClusterQueues on NodePool %q (%s) admit %s %s, but the pool may launch %s: "+
					"jobs admitted beyond it wait for nodes that never come; allowed: nominal quotas (and borrowing limits) "+
					"adding up to at most the pool's spec.limits", poolName, strings.Join(a.names, ", "), what, rname,
					strconv.FormatFloat(limit, 'f', -1, 64))})
			}
		}
	}
	return out
}

// untoleratedTaints lists the pool's NoSchedule taints the flavor's
// tolerations do not cover.
func untoleratedTaints(flavor, pool Resource) []string {
	taints, _ := getMaps(pool.Properties, "spec", "template", "spec", "taints")
	tolerations, _ := getMaps(flavor.Properties, "spec", "tolerations")
	var missing []string
	for _, t := range taints {
		key, _ := getString(t, "key")
		if effect, _ := getString(t, "effect"); effect != "NoSchedule" {
			continue
		}
		value, _ := getString(t, "value")
		if !slices.ContainsFunc(tolerations, func(tol property.Map) bool { return tolerates(tol, key, value) }) {
			missing = append(missing, key)
		}
	}
	return missing
}

// tolerates reports whether a toleration covers a NoSchedule taint.
func tolerates(tol property.Map, key, value string) bool {
	k, _ := getString(tol, "key")
	op, _ := getString(tol, "operator")
	effect, _ := getString(tol, "effect")
	v, _ := getString(tol, "value")
	if effect != "" && effect != "NoSchedule" {
		return false
	}
	switch op {
	case "Exists":
		return k == "" || k == key
	case "", "Equal":
		return k == key && v == value
	}
	return false
}

// quantityAt reads a Kubernetes quantity (a number, or a string such as
// "64", "500m", "16Gi", "1k") at key.
func quantityAt(m property.Map, key string) (float64, bool) {
	if n, ok := getNumber(m, key); ok {
		return n, true
	}
	s, ok := getString(m, key)
	if !ok {
		return 0, false
	}
	return parseQuantity(s)
}

// parseQuantity parses the Kubernetes quantity forms the platform writes.
func parseQuantity(s string) (float64, bool) {
	suffixes := []struct {
		s string
		f float64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}
	mult := 1.0
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf.s) {
			s, mult = strings.TrimSuffix(s, suf.s), suf.f
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return n * mult, true
}
