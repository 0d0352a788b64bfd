// Package observability is what an operator sees at 3 a.m.: one CloudWatch
// dashboard per stack (accelerators, nodes, interruptions, endpoints, FSx,
// NAT), alarms to the stack's encrypted alert topic (endpoint errors and
// latency, FSx capacity, node groups at their maximum, the Karpenter
// interruption backlog, idle accelerators) and EventBridge rules that send
// failed pipeline executions there. Every metric dimension is wired from
// the output of the resource that publishes it.
package observability
