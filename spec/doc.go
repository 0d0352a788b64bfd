// Package spec holds the shapes configuration produces and components
// consume, so that neither copies the other's: config decodes a stack
// file into them (config/declare.go) and a component takes them as its
// arguments. It sits above the catalog and conventions and below config
// and components (tests/layout_test.go); it holds data and what derives
// from the data alone, never resources.
package spec
