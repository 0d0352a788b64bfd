// Package storage builds where training data, checkpoints and models live:
// the stack's S3 buckets (ml-platform:storage:Buckets) and an FSx for
// Lustre file system linked to two of them (ml-platform:storage:Lustre).
//
// What AWS decides, and how the components meet it (sources in
// catalog.S3LifecycleSource, catalog.S3AccessLogsSource and
// catalog.LustreFactsSource):
//
//   - Server access logs can only be delivered to a bucket with SSE-S3
//     default encryption (SSE-KMS is not supported), in the same account
//     and region, granted by a bucket policy to logging.s3.amazonaws.com
//     (BucketOwnerEnforced turns ACLs off). So the access-logs bucket is
//     the one bucket on SSE-S3, logs nothing itself, and its policy names
//     the source buckets by their fixed names. Every other bucket uses
//     SSE-KMS with the data key and S3 Bucket Keys.
//   - Bucket names are fixed (project, stack, purpose, account, region;
//     at most 63 characters) so the policies that name them are known in
//     the first preview.
//   - Lifecycle transitions follow S3's waterfall, at least 30 days before
//     an IA class, each later than the last and expiration after all;
//     lifecycle rules depend on versioning (their noncurrent actions need
//     it).
//   - Restricting objects to the VPC's S3 endpoint denies only object
//     reads, writes and listings, so `pulumi up` still manages the
//     buckets; AWS services, service-linked roles (FSx's S3 access role
//     among them) and the listed roles are exempt.
//   - FSx for Lustre PERSISTENT_2 links to S3 only through data repository
//     associations (not the older import and export paths), up to eight;
//     AWS does not back up file systems linked to S3, so the versioned
//     buckets are the durable copy. The file system's security group
//     admits TCP 988 and 1018-1023 from itself and the nodes; an
//     EFA-enabled file system needs all traffic to and from itself and the
//     nodes, PERSISTENT_2, Lustre 2.15 and a metadata configuration.
//   - A data repository association reads SSE-KMS objects through FSx's
//     per-file-system service-linked role, which does not exist before the
//     file system: the data key grants it by kms:ViaService s3 and
//     aws:userid *:FSx instead of by name (storage.FSxKeyGrant, which the data key takes).
package storage
