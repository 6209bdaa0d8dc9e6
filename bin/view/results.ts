// What a finished workflow produced, as the demo and the CLI print it: Provision's link summary, Teardown's
// report, Validate's verdict. Each returns lines (the caller decides where they go).
import type { TeardownReport } from '../../lambdas/handlers/finish-teardown.js';
import type { LinkSummary } from '../../lambdas/handlers/record-link.js';
import type { ValidationSummary } from '../../lambdas/handlers/record-verdict.js';

export function formatLinkSummary(s: LinkSummary): string[] {
  const policy = s.firstHopPolicy;
  const key = s.accessKey;
  return [
    `  link              ${s.link} (${s.status}, probe verdict ${s.verdict})`,
    `  endpoint          ${s.endpoint}:${s.port}  database ${s.database}  user ${s.dbUser} (IAM auth)`,
    `  identity          ${s.identityMode}: ${s.firstHopArn}`,
    ...(key ? [`  access key        ${key.accessKeyId} (in Redpanda secrets only), created ${key.createdAt}, rotated by ${key.rotationDueAt.slice(0, 10)}`] : []),
    `  db-connect role   ${s.dbConnectRoleArn}`,
    s.pipelineId ? `  pipeline          ${s.pipelineId}  →  topic ${s.topic}` : `  pipeline          yours to run (pipeline.yaml in the link outputs)  →  topic ${s.topic}`,
    ...(policy
      ? [`  first-hop policy  ${policy.policyName} on ${policy.roleName}: ${policy.applied ? 'applied through the healer role' : `NOT applied (${policy.reason ?? ''})`}`]
      : []),
    `  consume           ${s.consumeCommand}`,
    ...s.operatorActions.map((a) => `  operator action   ${a}`),
    ...s.warnings.map((w) => `  warning           ${w}`),
  ];
}

export function formatTeardownReport(r: TeardownReport): string[] {
  return [
    ...(r.status === 'already-deleted' ? ['  the link was already deleted: nothing to do'] : []),
    ...r.deleted.map((d) => `  - ${d}`),
    ...r.kept.map((k) => `  kept ${k.what}: ${k.why}`),
    ...r.needsHuman.map((h) => `  needs a human: ${h}`),
  ];
}

export function formatValidation(v: ValidationSummary): string[] {
  return [
    `  verdict           ${v.before === v.verdict ? v.verdict : `${v.before} → ${v.verdict}`}${v.why ? ` (${v.why})` : ''}`,
    ...v.actions.map((a) => `  healed            ${a}`),
    ...v.findings.flatMap((f) => [`  finding           [${f.id}] ${f.message}`, ...(f.fix ? [`    fix: ${f.fix}`] : [])]),
  ];
}
