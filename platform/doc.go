// Package platform composes the components for one stack. It is the
// program: main.go, the offline preview and the whole-stack tests all call
// Run (or Build), so they cannot drift apart.
package platform
