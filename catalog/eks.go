package catalog

import (
	"slices"
	"time"
)

// EKSVersion is one Kubernetes minor version's EKS support window.
type EKSVersion struct {
	// Version is "1.MINOR".
	Version string
	// StandardSupportEnds is the first day EKS bills the version at the
	// extended-support rate (six times the standard cluster-hour price).
	StandardSupportEnds time.Time
	// ExtendedSupportEnds is when EKS upgrades clusters still on it.
	ExtendedSupportEnds time.Time
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// eksVersions is the EKS Kubernetes release calendar, oldest first.
var eksVersions = []EKSVersion{
	{Version: "1.31", StandardSupportEnds: day("2025-11-26"), ExtendedSupportEnds: day("2026-11-26")},
	{Version: "1.32", StandardSupportEnds: day("2026-03-23"), ExtendedSupportEnds: day("2027-03-23")},
	{Version: "1.33", StandardSupportEnds: day("2026-07-29"), ExtendedSupportEnds: day("2027-07-29")},
	{Version: "1.34", StandardSupportEnds: day("2026-12-02"), ExtendedSupportEnds: day("2027-12-02")},
	{Version: "1.35", StandardSupportEnds: day("2027-03-27"), ExtendedSupportEnds: day("2028-03-27")},
}

// EKSCalendarSource says where the calendar comes from.
var EKSCalendarSource = Source{
	Description: "EKS user guide, \"Understand the Kubernetes version lifecycle on EKS\" (kubernetes-versions): 14 months " +
		"of standard support from a version's EKS release, then 12 months of extended support at the higher cluster price. " +
		"1.34 left standard support on 2026-12-02 and 1.35 keeps it until 2027-03-27 (checked 2026-12-07); the earlier " +
		"dates follow the same calendar page as recorded before.",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
	Recorded: "2026-12-07",
}

// LookupEKSVersion returns a version's support window.
func LookupEKSVersion(version string) (EKSVersion, bool) {
	i := slices.IndexFunc(eksVersions, func(v EKSVersion) bool { return v.Version == version })
	if i < 0 {
		return EKSVersion{}, false
	}
	return eksVersions[i], true
}

// EKSVersionsInStandardSupport are the versions in standard support on a
// day, oldest first.
func EKSVersionsInStandardSupport(on time.Time) []string {
	var out []string
	for _, v := range eksVersions {
		if on.Before(v.StandardSupportEnds) {
			out = append(out, v.Version)
		}
	}
	return out
}
