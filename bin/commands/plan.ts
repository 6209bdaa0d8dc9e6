// `rpcn-aurora plan <request.json>`: validate a request and write every artifact of its link (lambdas/core/plan.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ACCOUNT_ID_PATTERN, CLUSTER_RESOURCE_ID_PATTERN, ENDPOINT_PATTERN, REGION_PATTERN } from '../../lambdas/core/context.js';
import { networkCidrProblem } from '../../lambdas/core/network.js';
import { buildPlan, type PlanOptions } from '../../lambdas/core/plan.js';
import { parseRequest } from '../../lambdas/core/request.js';
import { EXIT, printJson, readJsonFile, reportInvalidRequest, UsageError, type Io } from '../cli-support.js';

interface PlanFlags {
  out?: string;
  dbAccount?: string;
  region?: string;
  clusterResourceId?: string;
  endpoint?: string;
  natIp?: string[];
  dbVpcCidr?: string;
  json?: boolean;
}

function checked(value: string | undefined, pattern: RegExp, flag: string, allowed: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw new UsageError(`${flag} "${value}" is not ${allowed}`);
  return value;
}

function checkedCidr(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = networkCidrProblem(value);
  if (problem) throw new UsageError(`--db-vpc-cidr "${value}" ${problem}`);
  return value;
}

export function registerPlan(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('plan')
    .description('Validate a request and write every artifact of its link: IAM documents, SQL, pipeline YAML and a summary.')
    .argument('<request.json>', 'the request (see docs/request.md and examples/)')
    .option('--out <dir>', 'directory to write the artifacts into (created if missing); without it only the summary is printed')
    .option('--db-account <id>', '12-digit AWS account id of the Aurora cluster')
    .option('--region <region>', 'AWS region of the Aurora cluster, e.g. us-east-2')
    .option('--cluster-resource-id <id>', 'DbClusterResourceId of the cluster (cluster-…), once it exists')
    .option('--endpoint <host>', 'writer endpoint host of the cluster, once it exists')
    .addOption(new Option('--nat-ip <ip...>', "the Redpanda cluster's NAT gateway IPs, for the security-group rules"))
    .option('--db-vpc-cidr <cidr>', 'database.network "private": the IPv4 CIDR of the database\'s VPC, for the egress allowlist entry')
    .option('--json', 'print the plan (request, placeholders, operator actions, files written) as JSON')
    .addHelpText('after', '\nExit codes: 0 planned, 2 invalid request or flags.')
    .action((file: string, flags: PlanFlags) => {
      const options: PlanOptions = {
        dbAccountId: checked(flags.dbAccount, ACCOUNT_ID_PATTERN, '--db-account', 'a 12-digit AWS account id'),
        region: checked(flags.region, REGION_PATTERN, '--region', 'an AWS region such as us-east-2'),
        clusterResourceId: checked(
          flags.clusterResourceId,
          CLUSTER_RESOURCE_ID_PATTERN,
          '--cluster-resource-id',
          'a DbClusterResourceId ("cluster-" and 26 upper-case letters or digits; not the cluster identifier)',
        ),
        endpoint: checked(flags.endpoint, ENDPOINT_PATTERN, '--endpoint', 'a DNS host name without port'),
        natAddresses: flags.natIp,
        dbVpcCidr: checkedCidr(flags.dbVpcCidr),
      };
      const parsed = parseRequest(readJsonFile(file, 'request'));
      if (!parsed.ok) {
        reportInvalidRequest(io, file, parsed.issues, flags.json === true);
        setExit(EXIT.usage);
        return;
      }
      let plan;
      try {
        plan = buildPlan(parsed.request, options);
      } catch (e) {
        // Builders re-check their inputs (e.g. NAT addresses); a refusal there is bad input, not a crash.
        throw new UsageError((e as Error).message);
      }
      const written: string[] = [];
      if (flags.out) {
        const dir = resolve(flags.out);
        mkdirSync(dir, { recursive: true });
        for (const [name, content] of Object.entries(plan.files)) {
          writeFileSync(join(dir, name), content);
          written.push(join(dir, name));
        }
      }
      if (flags.json) {
        printJson(io, {
          file,
          valid: true,
          request: plan.request,
          placeholders: plan.placeholders,
          operatorActions: plan.operatorActions,
          files: flags.out ? written : Object.keys(plan.files),
        });
        return;
      }
      io.out(plan.summary);
      if (flags.out) io.out(`Wrote ${written.length} files to ${resolve(flags.out)}`);
      else io.out('(no --out given: nothing written)');
    });
}
