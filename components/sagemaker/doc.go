// Package sagemaker builds the managed half of the platform on SageMaker AI:
// a VPC-only Studio domain (ml-platform:sagemaker:Domain), the model
// registry with its approval notifications (ml-platform:sagemaker:Registry),
// the build pipeline (ml-platform:sagemaker:Pipeline), inference endpoints
// with autoscaling and data capture (ml-platform:sagemaker:Endpoint),
// Feature Store groups (ml-platform:sagemaker:FeatureGroups) and a
// data-quality check of the captured data (a scheduled Pipeline).
//
// What AWS decides, and how the components meet it (sources in
// catalog.SageMakerFactsSource and catalog.SageMakerInstanceStorageSource):
//
//   - A VPC-only domain reaches AWS only through interface endpoints (the
//     SageMaker API, runtime and Studio endpoints, which the configuration
//     adds to the network) and needs NFS between its apps and its EFS home
//     directories. SageMaker creates that EFS and two NFS security groups
//     itself; with RetentionPolicy Delete (dev) the EFS goes with the domain,
//     but the groups stay and block the VPC's deletion (docs/sagemaker.md, Destroying a
//     stack with a domain).
//   - CreateEndpointConfig fails when a KMS key is given for an instance
//     type with local NVMe storage (hardware-encrypted): the key is set only
//     for types without it. Serverless endpoints take no VPC configuration,
//     network isolation, data capture or instance types.
//   - Managed spot training needs MaxWaitTimeInSeconds above
//     MaxRuntimeInSeconds; checkpoints go to the checkpoints bucket so an
//     interrupted job resumes.
//   - Autoscaling targets name the endpoint and variant
//     ("endpoint/<name>/variant/<variant>") and can be registered only once
//     the endpoint exists; the endpoints have fixed names so the targets are
//     known in the first preview. Application Auto Scaling creates its
//     SageMaker service-linked role on first use.
//   - Model Monitor is closed to new customers, so the data-quality check is
//     a pipeline of its own (a processing job over the captured data) run on
//     an EventBridge schedule.
package sagemaker
