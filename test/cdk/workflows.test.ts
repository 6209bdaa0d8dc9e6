// The state machines: each owns its ASL file, every `${...}` placeholder of the file is substituted and every
// substitution is used, the function placeholders resolve to their own step's function, every file passes
// asl-validator, logging is ALL and tracing on, and each machine may invoke exactly its steps.
import { readdirSync, readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { PROVISION_STEPS, ROTATE_STEPS, TEARDOWN_STEPS, VALIDATE_STEPS } from '../../lambdas/handlers/index.js';
import { STATEMACHINES_DIR } from '../../lib/constructs/workflow-state-machine.js';
import { stateMachineLogGroupName, stateMachineName } from '../../lib/names.js';
import { WORKFLOWS, functionArnPlaceholder, stateMachineArnPlaceholder, type WorkflowSpec } from '../../lib/workflows.js';
import { asList, logicalIdWhere, resourcesOf, roleStatements, synthesize, type Synthesized } from './support/synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});
afterAll(() => s.dispose());

const asl = (spec: WorkflowSpec) => readFileSync(`${STATEMACHINES_DIR}${spec.file}`, 'utf8');
const placeholders = (text: string) => [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
const expectedSubstitutions = (spec: WorkflowSpec) =>
  [...spec.steps.map(functionArnPlaceholder), ...(spec.startsWorkflows ?? []).map(stateMachineArnPlaceholder)].sort();
const machineIdOf = (spec: WorkflowSpec) => logicalIdWhere(s.dbTemplate, 'AWS::StepFunctions::StateMachine', (p) => p['StateMachineName'] === stateMachineName(spec.name));
const functionIdOf = (step: string) => logicalIdWhere(s.dbTemplate, 'AWS::Lambda::Function', (p) => p['Description'] === `rpcn-aurora step ${step}`);

describe('the workflow table', () => {
  it('has one entry per ASL file in statemachines/', () => {
    const files = readdirSync(STATEMACHINES_DIR).filter((f) => f.endsWith('.asl.json')).sort();
    expect(WORKFLOWS.map((w) => w.file).sort()).toEqual(files);
  });

  it('lists the same steps as the handlers the offline twin runs', () => {
    const byName = Object.fromEntries(WORKFLOWS.map((w) => [w.name, [...w.steps].sort()]));
    expect(byName['Provision']).toEqual(Object.keys(PROVISION_STEPS).sort());
    expect(byName['Teardown']).toEqual(Object.keys(TEARDOWN_STEPS).sort());
    expect(byName['Validate']).toEqual(Object.keys(VALIDATE_STEPS).sort());
    expect(byName['Rotate']).toEqual(Object.keys(ROTATE_STEPS).sort());
  });

  it('has the four machines, Rotate among them (the router and HealLink start it by its fixed name)', () => {
    expect(WORKFLOWS.map((w) => w.name).sort()).toEqual(['Provision', 'Rotate', 'Teardown', 'Validate']);
    expect(WORKFLOWS.find((w) => w.name === 'Rotate')!.file).toBe('rotate.asl.json');
    s.dbTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'rpcn-aurora-rotate', StateMachineType: 'STANDARD' });
  });
});

describe.each(WORKFLOWS.map((w) => [w.name, w] as const))('%s', (_name, spec) => {
  it('every placeholder of the ASL file has a substitution and every substitution is used', () => {
    const substitutions = resourcesOf(s.dbTemplate)[machineIdOf(spec)]!.Properties!['DefinitionSubstitutions'] as Record<string, unknown>;
    expect(placeholders(asl(spec))).toEqual(expectedSubstitutions(spec));
    expect(Object.keys(substitutions).sort()).toEqual(expectedSubstitutions(spec));
    expect(s.db.workflows.get(spec.name)!.substitutions).toBeDefined();
  });

  it('each function placeholder resolves to the function of that step', () => {
    const substitutions = resourcesOf(s.dbTemplate)[machineIdOf(spec)]!.Properties!['DefinitionSubstitutions'] as Record<string, unknown>;
    for (const step of spec.steps) expect(substitutions[functionArnPlaceholder(step)]).toEqual({ 'Fn::GetAtt': [functionIdOf(step), 'Arn'] });
    for (const nested of spec.startsWorkflows ?? []) {
      expect(substitutions[stateMachineArnPlaceholder(nested)]).toBe(`arn:aws:states:us-east-2:111111111111:stateMachine:${stateMachineName(nested)}`);
    }
  });

  it('passes asl-validator once substituted as CloudFormation would', () => {
    const substituted = asl(spec).replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, key: string) =>
      key.endsWith('FunctionArn')
        ? `arn:aws:lambda:us-east-2:111111111111:function:${key}`
        : `arn:aws:states:us-east-2:111111111111:stateMachine:${key}`,
    );
    const { isValid, errorsText } = aslValidator(JSON.parse(substituted), { checkPaths: true, checkArn: true });
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('is a standard machine with a fixed name, logging ALL without execution data, traced', () => {
    const props = resourcesOf(s.dbTemplate)[machineIdOf(spec)]!.Properties!;
    expect(props['StateMachineType']).toBe('STANDARD');
    expect(props['TracingConfiguration']).toEqual({ Enabled: true });
    expect(props['LoggingConfiguration']).toEqual({
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } }],
    });
    const logGroupId = ((props['LoggingConfiguration'] as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': string[] } } }[] }).Destinations[0]!
      .CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'])[0]!;
    expect(resourcesOf(s.dbTemplate)[logGroupId]!.Properties).toMatchObject({ LogGroupName: stateMachineLogGroupName(spec.name), RetentionInDays: 30 });
    expect(props['DefinitionS3Location']).toBeDefined(); // DefinitionBody.fromFile: the file is the asset
  });

  it('may invoke exactly its steps, by unqualified ARN', () => {
    const roleId = (resourcesOf(s.dbTemplate)[machineIdOf(spec)]!.Properties!['RoleArn'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const invoke = roleStatements(s.dbTemplate, roleId).filter((st) => asList(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const targets = asList(invoke[0]!.Resource as unknown[]).map((r) => (r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    expect(targets.sort()).toEqual(spec.steps.map(functionIdOf).sort());
  });
});

describe('timeouts', () => {
  it("every step inside a Parallel of Provision ends before the rollback's grace for in-flight steps", () => {
    const provision = WORKFLOWS.find((w) => w.name === 'Provision')!;
    const definition = JSON.parse(asl(provision)) as { States: Record<string, { Type: string; Seconds?: number; Branches?: { States: Record<string, { Type: string }> }[] }> };
    const grace = definition.States['LetInFlightStepsFinish']?.Seconds;
    if (grace === undefined) throw new Error('Provision has no Wait state LetInFlightStepsFinish with Seconds: renamed or removed? Update this test to the grace state the rollback uses.');
    const inParallel = Object.values(definition.States)
      .filter((st) => st.Type === 'Parallel')
      .flatMap((st) => (st.Branches ?? []).flatMap((b) => Object.entries(b.States).filter(([, x]) => x.Type === 'Task').map(([name]) => name)));
    expect(inParallel.length).toBeGreaterThan(0);
    for (const step of inParallel) {
      const timeout = resourcesOf(s.dbTemplate)[functionIdOf(step)]!.Properties!['Timeout'] as number;
      expect(`${step} ${timeout}`).toBe(`${step} ${Math.min(timeout, grace - 1)}`);
    }
  });
});

describe('nested executions', () => {
  it('Provision may start Teardown (rollback) and follow it with .sync, and nothing else', () => {
    const provision = WORKFLOWS.find((w) => w.name === 'Provision')!;
    const roleId = (resourcesOf(s.dbTemplate)[machineIdOf(provision)]!.Properties!['RoleArn'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const statements = roleStatements(s.dbTemplate, roleId);
    const states = statements.filter((st) => asList(st.Action).some((a) => a.startsWith('states:') || a.startsWith('events:')));
    expect(states).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: 'arn:aws:states:us-east-2:111111111111:stateMachine:rpcn-aurora-teardown' },
      { Action: ['states:DescribeExecution', 'states:StopExecution'], Effect: 'Allow', Resource: 'arn:aws:states:us-east-2:111111111111:execution:rpcn-aurora-teardown:*' },
      {
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        Effect: 'Allow',
        Resource: 'arn:aws:events:us-east-2:111111111111:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
      },
    ]);
  });

  it('a machine without nested executions gets no Step Functions rights', () => {
    const validate = WORKFLOWS.find((w) => w.name === 'Validate')!;
    const roleId = (resourcesOf(s.dbTemplate)[machineIdOf(validate)]!.Properties!['RoleArn'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    expect(roleStatements(s.dbTemplate, roleId).flatMap((st) => asList(st.Action)).filter((a) => a.startsWith('states:'))).toEqual([]);
  });
});
