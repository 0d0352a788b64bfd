package catalog

import "slices"

// knownRegions are the AWS regions this project supports, sorted. A stack
// configured for any other region is rejected by config validation.
var knownRegions = []string{
	"ap-northeast-1",
	"ap-southeast-2",
	"eu-central-1",
	"eu-north-1",
	"eu-west-1",
	"us-east-1",
	"us-east-2",
	"us-west-2",
}

// Regions returns the region codes this project knows, sorted. A region
// outside this list is a configuration error. The slice is a copy.
func Regions() []string {
	return slices.Clone(knownRegions)
}

// KnownRegion reports whether name is a region this project knows.
func KnownRegion(name string) bool {
	_, found := slices.BinarySearch(knownRegions, name)
	return found
}
