// Package config is the one place that reads Pulumi stack configuration.
//
// A stack file (Pulumi.<stack>.yaml) is read once into a typed Stack:
// scalar keys (ml-platform:environment, ml-platform:team, ...) and one
// structured object per area (ml-platform:network, ml-platform:cluster,
// ...). Each area's keys are declared once, in a table of Key values
// (declare.go; NetworkKeys, ClusterKeys, ...), and one decoder reads the
// stack file with them: types, unknown keys, defaults per environment,
// bounds and allowed values, every problem named by its full key path in
// the same order every run, before any resource is registered. The rules
// that span several keys are the check<Area> functions beside each table.
// The configuration reference and Pulumi.yaml's config block are
// generated from the same declarations. Where a component takes a shape
// whole (package spec), config produces it, so nothing copies it field by
// field. Components never read configuration themselves.
package config
