package config

import (
	"fmt"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

// fitAdvisories apply the instance selector's fit rule (catalog.Holds) to
// the node groups and endpoints that state their model's size: a model the
// instances cannot hold is an advisory naming a better choice, not an
// error (the rule is a rule of thumb).
func fitAdvisories(s *Stack) []*FieldError {
	var out []*FieldError
	advise := func(key string, t catalog.InstanceType, w catalog.Workload, modelGB float64, nodes int) {
		needed, rule := catalog.MemoryNeededGB(w, modelGB)
		have := float64(t.AcceleratorCount) * t.AcceleratorMemoryGiB * float64(nodes)
		if t.AcceleratorCount == 0 || have >= needed {
			return
		}
		out = append(out, &FieldError{Key: key, Message: fmt.Sprintf("%s: %.0f GB of accelerator memory on %d node(s), %.0f GB needed (%s); "+
			"see `go run ./cmd/catalog recommend --workload %s --model-size-gb %g`", t.Name, have, nodes, needed, rule, w, modelGB)})
	}
	for i, g := range s.Cluster.NodeGroups {
		if g.ModelSizeGB <= 0 || len(g.InstanceTypes) == 0 || g.Role == conventions.RoleSystem {
			continue
		}
		t, known := catalog.ResolveInstanceType(g.InstanceTypes[0])
		if known != catalog.Catalogued {
			continue
		}
		key := fmt.Sprintf("%s.nodeGroups[%d].modelSizeGb", KeyCluster, i)
		if g.Role == conventions.RoleTraining {
			nodes := 1
			if g.EFA {
				nodes = max(g.MaxSize, 1) // EFA-connected nodes train together
			}
			advise(key, t, catalog.Training, g.ModelSizeGB, nodes)
			continue
		}
		advise(key, t, catalog.Inference, g.ModelSizeGB, 1)
	}
	for i, e := range s.SageMaker.Endpoints {
		if e.ModelSizeGB <= 0 || e.InstanceType == "" {
			continue
		}
		if t, ok := catalog.LookupInstanceType(strings.TrimPrefix(e.InstanceType, "ml.")); ok {
			advise(fmt.Sprintf("%s.endpoints[%d].modelSizeGb", KeySageMaker, i), t, catalog.Inference, e.ModelSizeGB, 1)
		}
	}
	return out
}
