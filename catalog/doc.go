// Package catalog holds the facts about AWS that the rest of the program
// depends on: per EC2 instance type its accelerator, counts, memory, network
// cards, EFA interfaces, EKS AMI type, on-demand price and the regions that
// offer it; the unit prices the monthly cost estimate uses; SageMaker ml.*
// prices; the regions the project knows; and the interface (PrivateLink)
// endpoint services the network component can create.
//
// Why: facts such as "p5.48xlarge has 32 EFA interfaces" or "a NAT gateway
// costs $0.045 an hour" decide the shape and the price of a stack. Scattered
// as literals through components they drift apart and nobody can tell where a
// number came from. Here every table carries a [Source] that names the page or
// API it was copied from and the date it was recorded, and the tests check the
// invariants that must hold between figures (EFA interfaces never exceed
// network cards, accelerated types never use the standard AMI, every region a
// type lists is a region the project knows).
//
// The tables are plain Go values, not fetched at run time: a preview must be
// deterministic and work offline, and a price change should show up as a
// reviewed diff, not as a silent change in an estimate.
//
// # Updating a figure
//
//  1. Find the table: instance facts, prices and regions in instances.go,
//     service prices in prices.go, SageMaker prices in sagemaker.go, regions in
//     regions.go, endpoint services in endpoints.go.
//  2. Check the figure against the page or API named by the table's Source
//     (for instance facts, `aws ec2 describe-instance-types --instance-types X`
//     is authoritative; for prices, the AWS Price List API or the public
//     pricing page for us-east-1, Linux, on-demand).
//  3. Change the figure and set the table's Source.Recorded to the date you
//     checked it. If the figure is approximate or could not be checked, say so
//     in the Source description or in the entry's comment rather than guessing
//     silently.
//  4. Run `go test ./catalog/`. A new instance type must satisfy the same
//     invariants as the others; add it to the facts table in catalog_test.go
//     when one of its figures is load-bearing (EFA counts, AMI type).
package catalog
