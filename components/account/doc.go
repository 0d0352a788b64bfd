// Package account builds what one AWS account needs once, before any stack
// resource can use it: the service-linked roles the platform depends on
// (EC2 Auto Scaling for managed node groups, EC2 Spot for spot capacity).
//
// A fresh account has neither: AWS creates the Auto Scaling role with the
// first Auto Scaling group, too late for a key policy that must name it,
// and the Spot role only when Spot is first requested from the console.
// Creating them explicitly lets the keys wait for them. An account that has
// them already sets ml-platform:cluster.serviceLinkedRoles to [] (IAM
// refuses to create a service-linked role twice).
package account
