package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
)

// Deploy-readiness rules for S3 lifecycle configurations and FSx for
// Lustre: what the APIs refuse (or silently do not do) at `pulumi up`.
func init() {
	register(ConcernDeploy,
		Rule{
			Name: "s3-lifecycle-transitions-valid",
			Description: "S3 refuses lifecycle rules whose transitions break its storage-class waterfall, come too early " +
				"for the IA classes or before the previous class's minimum storage, or expire objects before the last " +
				"transition; it refuses AbortIncompleteMultipartUpload with a tag filter (catalog.S3LifecycleSource).",
			Checks: "Each rule of `aws:s3/bucketLifecycleConfigurationV2`: `transitions` (and `noncurrentVersionTransitions`) in " +
				"increasing days, each allowed from the previous class, STANDARD_IA/ONEZONE_IA at 30 days or later, each at " +
				"least the previous class's minimum storage days after it; `expiration` (`noncurrentVersionExpiration`) later " +
				"than every transition; no `abortIncompleteMultipartUpload` with a tag filter.",
			Level: Mandatory,
			Types: []string{s3LifecycleType},
			Check: checkLifecycleTransitions,
		},
		Rule{
			Name: "fsx-efa-filesystem-valid",
			Description: "FSx creates an EFA-enabled Lustre file system only as PERSISTENT_2 on Lustre 2.15 with a " +
				"metadata configuration, set at creation (catalog.LustreFactsSource).",
			Checks: "An `aws:fsx/lustreFileSystem` with `efaEnabled: true` has `deploymentType` PERSISTENT_2, " +
				"`fileSystemTypeVersion` 2.15 and a `metadataConfiguration`.",
			Level: Mandatory,
			Types: []string{fsxLustreType},
			Check: checkFSxEFA,
		},
	)
	registerStack(ConcernDeploy, StackRule{
		Name: "fsx-data-repositories-supported",
		Description: "FSx links a Lustre file system to S3 only where AWS supports it: data repository associations " +
			"(at most 8) on Lustre 2.12 or 2.15 file systems other than SCRATCH_1, never the older import path on " +
			"PERSISTENT_2, and no automatic backups on a linked file system (catalog.LustreFactsSource).",
		Checks: "For each `aws:fsx/lustreFileSystem`: the `aws:fsx/dataRepositoryAssociation`s naming it number at most 8 " +
			"and the file system is not SCRATCH_1 or Lustre 2.10; PERSISTENT_2 sets no `importPath`/`exportPath`; a file " +
			"system linked to S3 keeps `automaticBackupRetentionDays` 0.",
		Level: Mandatory,
		Types: []string{fsxLustreType, fsxDRAType},
		Check: checkFSxDataRepositories,
	})
}

// lifecycleStep is one transition of a rule.
type lifecycleStep struct {
	days  float64
	class string
}

func checkLifecycleTransitions(r Resource, _ map[string]any) []string {
	rules, p := getMaps(r.Properties, "rules")
	if p != present {
		return nil
	}
	var out []string
	for i, rule := range rules {
		where := fmt.Sprintf("rules[%d]", i)
		if id, ok := getString(rule, "id"); ok {
			where = fmt.Sprintf("rule %q", id)
		}
		out = append(out, checkSteps(where, rule, "transitions", "days", "expiration", "days")...)
		out = append(out, checkSteps(where, rule, "noncurrentVersionTransitions", "noncurrentDays", "noncurrentVersionExpiration", "noncurrentDays")...)
		if _, ap := lookup(rule, "abortIncompleteMultipartUpload"); ap == present && tagFiltered(rule) {
			out = append(out, where+" aborts incomplete multipart uploads with a tag filter: S3 refuses the combination")
		}
	}
	return out
}

// checkSteps judges one list of transitions and its expiration.
func checkSteps(where string, rule property.Map, listKey, daysKey, expireKey, expireDaysKey string) []string {
	entries, p := getMaps(rule, listKey)
	if p == unknown {
		return nil
	}
	var steps []lifecycleStep
	for _, e := range entries {
		days, dok := getNumber(e, daysKey)
		class, cok := getString(e, "storageClass")
		if !dok || !cok {
			return nil // a date-based or unknown transition: not judged
		}
		steps = append(steps, lifecycleStep{days, class})
	}
	slices.SortStableFunc(steps, func(a, b lifecycleStep) int { return int(a.days - b.days) })
	var out []string
	prev := lifecycleStep{class: ""}
	for i, s := range steps {
		if least := catalog.S3MinDaysBeforeTransition(s.class); s.days < float64(least) {
			out = append(out, fmt.Sprintf("%s moves objects to %s after %.0f days: S3 needs at least %d", where, s.class, s.days, least))
		}
		if i > 0 {
			switch {
			case s.days == prev.days:
				out = append(out, fmt.Sprintf("%s has two %s on day %.0f", where, listKey, s.days))
			case !catalog.S3TransitionAllowed(prev.class, s.class):
				out = append(out, fmt.Sprintf("%s moves objects from %s to %s: S3 does not transition that way", where, prev.class, s.class))
			case s.days-prev.days < float64(catalog.S3MinStorageDays(prev.class)):
				out = append(out, fmt.Sprintf("%s moves objects out of %s after %.0f days there: S3 needs at least %d",
					where, prev.class, s.days-prev.days, catalog.S3MinStorageDays(prev.class)))
			}
		}
		prev = s
	}
	if len(steps) > 0 {
		if days, ok := getNumber(rule, expireKey, expireDaysKey); ok && days <= steps[len(steps)-1].days {
			out = append(out, fmt.Sprintf("%s expires objects after %.0f days, not later than its last transition (day %.0f): S3 refuses it",
				where, days, steps[len(steps)-1].days))
		}
	}
	return out
}

// tagFiltered says whether a lifecycle rule filters on tags.
func tagFiltered(rule property.Map) bool {
	if _, p := lookup(rule, "filter", "tag"); p == present {
		return true
	}
	_, p := lookup(rule, "filter", "and", "tags")
	return p == present
}

func checkFSxEFA(r Resource, _ map[string]any) []string {
	if on, ok := getBool(r.Properties, "efaEnabled"); !ok || !on {
		return nil
	}
	var out []string
	if t, ok := getString(r.Properties, "deploymentType"); ok && t != "PERSISTENT_2" {
		out = append(out, fmt.Sprintf("efaEnabled on a %s file system: EFA needs PERSISTENT_2", t))
	}
	if v, ok := getString(r.Properties, "fileSystemTypeVersion"); ok && v != catalog.LustreVersion {
		out = append(out, fmt.Sprintf("efaEnabled on Lustre %s: EFA needs %s", v, catalog.LustreVersion))
	}
	if _, p := lookup(r.Properties, "metadataConfiguration"); p == absent {
		out = append(out, "efaEnabled without a metadataConfiguration: EFA needs one")
	}
	return out
}

func checkFSxDataRepositories(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, fs := range rs {
		if fs.Type != fsxLustreType {
			continue
		}
		var links []Resource
		for _, a := range rs {
			if a.Type == fsxDRAType && referenceOf(a, "fileSystemId").matches(fs, "id") {
				links = append(links, a)
			}
		}
		deployment, _ := getString(fs.Properties, "deploymentType")
		version, _ := getString(fs.Properties, "fileSystemTypeVersion")
		importPath := isSet(fs.Properties, "importPath") || isSet(fs.Properties, "exportPath")
		switch {
		case len(links) > catalog.LustreMaxDataRepositories:
			out = append(out, Finding{fs.URN, fmt.Sprintf("%d data repository associations; a file system takes at most %d",
				len(links), catalog.LustreMaxDataRepositories)})
		case len(links) > 0 && (deployment == "SCRATCH_1" || version == "2.10"):
			out = append(out, Finding{fs.URN, fmt.Sprintf("data repository associations on a %s (Lustre %s) file system: "+
				"FSx supports them on Lustre 2.12 and 2.15, not SCRATCH_1", deployment, version)})
		}
		if deployment == "PERSISTENT_2" && importPath {
			out = append(out, Finding{fs.URN, "importPath/exportPath on PERSISTENT_2: FSx links it to S3 only through data repository associations"})
		}
		if days, ok := getNumber(fs.Properties, "automaticBackupRetentionDays"); ok && days > 0 && (len(links) > 0 || importPath) {
			out = append(out, Finding{fs.URN, fmt.Sprintf("automaticBackupRetentionDays %.0f on a file system linked to S3: "+
				"AWS does not back up linked file systems; set 0 (the versioned bucket is the durable copy)", days)})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return strings.Compare(a.URN+a.Message, b.URN+b.Message) })
	return out
}
