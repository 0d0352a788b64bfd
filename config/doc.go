// Package config is the one place that reads Pulumi stack configuration.
//
// A stack file (Pulumi.<stack>.yaml) is read once into a typed Stack:
// scalar keys (ml-platform:environment, ml-platform:team, ...) and one
// structured object per domain (ml-platform:network, ml-platform:cluster).
// Parse validates everything before any resource is registered, collecting
// every problem with its key path and the allowed values, then applies the
// environment's defaults (dev or prod) to produce the values the components
// receive. Components never read configuration themselves.
package config
