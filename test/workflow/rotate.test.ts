// Rotate in the offline twin, through the committed ASL: a new key proven by the running pipeline before the
// old one goes, while rows keep arriving; a failure in each step puts the old key back and nothing is lost; a
// crash between CreateAccessKey and the secret write converges on the next run; the daily schedule rotates
// only the keys that are due; a link of another identity mode is refused.
import { jest } from '@jest/globals';
import { linkNames } from '../../lambdas/core/naming.js';
import { ROTATE_STEPS } from '../../lambdas/handlers/index.js';
import type { RotationSummary } from '../../lambdas/handlers/shared/rotation.js';
import type { OfflineTwin } from '../../local/twin.js';
import { appSql, normalized, pgRequest, pipelineRoleRequest, startTwin, waitFor } from './support.js';

jest.setTimeout(180_000);

const DB = '111111111111';
let twin: OfflineTwin;
let now = new Date('2026-11-24T10:00:00Z');
const raw = pgRequest('rot');
const request = normalized(raw);
const names = linkNames(request, DB);

beforeAll(async () => {
  twin = await startTwin({ clock: () => now, pipelinePodIdentity: 'irsa' });
  expect((await twin.provision(raw)).status).toBe('SUCCEEDED');
});

afterAll(async () => {
  await twin?.stop();
});

beforeEach(async () => {
  await twin.idle();
  now = new Date(now.getTime() + 60_000);
});

const record = async () => (await twin.deps.registry.get('rot'))!;
const userKeys = async () => (await twin.deps.iam.getUser(names.connectorUser))!.accessKeys.map((k) => k.accessKeyId).sort();
const secretIds = () => [...twin.redpanda.stateOf(request.redpanda.clusterId).secrets.keys()].filter((id) => id.includes('AWS_')).sort();
const pipeline = () => [...twin.redpanda.stateOf(request.redpanda.clusterId).pipelines.values()].find((p) => p.display_name === names.pipelineDisplayName)!;
const messages = () => twin.emulator.messages(request.redpanda.topic);

/** Insert a row and wait until it is in the topic: the link streams. */
async function streams(tag: string): Promise<void> {
  const before = messages().length;
  await appSql(twin, request, `INSERT INTO public.orders (item, qty) VALUES ('${tag}', 1)`);
  await waitFor(`the row ${tag}`, () => (messages().slice(before).some((m) => m.value?.includes(tag)) ? true : undefined), 20_000);
}

test('a rotation proves the new key before it deletes the old one; rows inserted meanwhile all arrive', async () => {
  const old = (await record()).accessKey!.current!;
  expect(old.slot).toBe('A');
  let inserted = 0;
  let inserting = true;
  const inserter = (async () => {
    while (inserting) {
      inserted++;
      await appSql(twin, request, `INSERT INTO public.orders (item, qty) VALUES ('during-${inserted}', ${inserted})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const before = messages().length;
  const result = await twin.rotate({ link: 'rot' }, { executionName: 'rotate-happy' });
  inserting = false;
  await inserter;
  expect({ status: result.status, cause: result.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
  const summary = result.output as RotationSummary;
  expect(summary).toMatchObject({ link: 'rot', previousAccessKeyId: old.accessKeyId, slot: 'B', trigger: 'manual' });
  expect(summary.accessKeyId).not.toBe(old.accessKeyId);
  // The pipeline reads slot B now; the old key and the slot-A secrets are gone.
  expect(pipeline().config_yaml).toContain(`\${secrets.${names.redpandaSecrets.accessKeyId.B}}`);
  expect(pipeline().state).toBe('STATE_RUNNING');
  expect(await userKeys()).toEqual([summary.accessKeyId]);
  expect(secretIds()).toEqual([names.redpandaSecrets.accessKeyId.B, names.redpandaSecrets.secretAccessKey.B].sort());
  expect((await record()).accessKey).toEqual({ current: { accessKeyId: summary.accessKeyId, slot: 'B', createdAt: expect.any(String) }, lastRotatedAt: now.toISOString() });
  // Nothing lost: every row inserted during the rotation arrives (the slot kept the position).
  await waitFor('the rows inserted during the rotation', () => (messages().length - before >= inserted ? true : undefined), 20_000);
  const items = messages().slice(before).map((m) => JSON.parse(m.value!).item as string);
  for (let i = 1; i <= inserted; i++) expect(items).toContain(`during-${i}`);
  await streams('after-rotation');
  // The steps, in order; the secret never entered the execution's state.
  const steps = result.events.filter((e) => e.type === 'StateEntered').map((e) => e.state!.name);
  expect(steps.filter((s) => Object.keys(ROTATE_STEPS).includes(s))).toEqual(expect.arrayContaining(['BeginRotation', 'CreateNewKey', 'SwitchPipelineKey', 'Probe', 'FinishRotation']));
});

test('the next rotation goes back to slot A', async () => {
  const result = await twin.rotate({ link: 'rot' });
  expect(result.status).toBe('SUCCEEDED');
  expect((result.output as RotationSummary).slot).toBe('A');
  expect(secretIds()).toEqual([names.redpandaSecrets.accessKeyId.A, names.redpandaSecrets.secretAccessKey.A].sort());
  await streams('back-on-a');
});

// A permanent fault in each step after BeginRotation: RestoreKey puts the old key back.
const FAIL_AT = ['CreateNewKey', 'SwitchPipelineKey', 'CheckPipeline', 'Probe', 'FinishRotation'];

test.each(FAIL_AT)('a failure in %s: the old key back in use, the new one deleted, a named error with its diagnosis; nothing lost', async (step) => {
  const old = (await record()).accessKey!.current!;
  const keysBefore = await userKeys();
  const secretsBefore = secretIds();
  twin.stepFaults.set(step, {
    error: 'StepAccessDeniedError',
    message: `User: arn:aws:sts::${DB}:assumed-role/rpcn-aurora-${step}/x is not authorized to perform: iam:Example on resource: arn:aws:iam::${DB}:user/x`,
    times: 1,
  });
  const failed = await twin.rotate({ link: 'rot' }, { executionName: `rotate-fail-${step}` });
  expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'StepAccessDeniedError' });
  expect(failed.cause).toMatch(new RegExp(`^${step} failed: .*diagnosis \\[aws-access-denied\\]`));
  expect(twin.stepFaults.get(step)?.times).toBe(0);
  expect(failed.events.some((e) => e.type === 'StateEntered' && e.state?.name === 'RestoreKey')).toBe(true);
  // As before the rotation: the old key alone, its secrets alone, the pipeline on its slot and running.
  expect(await userKeys()).toEqual(keysBefore);
  expect(secretIds()).toEqual(secretsBefore);
  expect((await record()).accessKey!.current).toEqual(old);
  expect((await record()).accessKey!.pending).toBeUndefined();
  expect((await record()).status).toBe('ready');
  expect((await record()).failure).toMatchObject({ step, error: 'StepAccessDeniedError' });
  await waitFor('the pipeline running again', () => (pipeline().state === 'STATE_RUNNING' ? true : undefined), 10_000);
  expect(pipeline().config_yaml).toContain(`\${secrets.${names.redpandaSecrets.accessKeyId[old.slot]}}`);
  await streams(`after-failed-${step}`);
});

test('a crash between CreateAccessKey and the secret write: the next rotation deletes the unrecorded key and converges', async () => {
  const state = (await record()).accessKey!;
  // What a Lambda that died right after CreateAccessKey leaves: the marker, and a key recorded nowhere.
  await twin.deps.registry.update('rot', { accessKey: { ...state, creating: { startedAt: now.toISOString(), slot: state.current!.slot === 'A' ? 'B' : 'A' } } });
  const orphan = await twin.deps.iam.createAccessKey(names.connectorUser);
  expect(await userKeys()).toHaveLength(2);
  const result = await twin.rotate({ link: 'rot' });
  expect(result.status).toBe('SUCCEEDED');
  const keys = await userKeys();
  expect(keys).toEqual([(result.output as RotationSummary).accessKeyId]);
  expect(keys).not.toContain(orphan.accessKeyId);
  expect((await record()).accessKey!.creating).toBeUndefined();
  await streams('after-crash');
});

test('the same crash during Provision: a re-run deletes the unrecorded key and writes a new one', async () => {
  const state = (await record()).accessKey!;
  // The crash left a new key recorded nowhere, and (as if its secrets were lost too) the slot's secrets gone.
  await twin.deps.registry.update('rot', { accessKey: { ...state, creating: { startedAt: now.toISOString(), slot: state.current!.slot } } });
  const orphan = await twin.deps.iam.createAccessKey(names.connectorUser);
  const dataPlane = (await twin.deps.redpanda()).dataPlane(twin.redpanda.dataplaneUrl(request.redpanda.clusterId));
  await dataPlane.deleteSecret('rot', names.redpandaSecrets.secretAccessKey[state.current!.slot]);
  const result = await twin.provision(raw);
  expect(result.status).toBe('SUCCEEDED');
  const keys = await userKeys();
  expect(keys).toHaveLength(1);
  expect(keys).not.toContain(orphan.accessKeyId);
  expect(keys).not.toContain(state.current!.accessKeyId);
  expect((await record()).accessKey!.current!.accessKeyId).toBe(keys[0]);
  await streams('after-provision-rerun');
});

test('a key the link did not create leaves no room for a second key: refused by name, nothing deleted', async () => {
  const added = twin.aws.createAccessKey({ userName: names.connectorUser });
  const failed = await twin.rotate({ link: 'rot' });
  expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'RotationNotPossibleError' });
  expect(failed.cause).toContain(added.accessKeyId);
  expect(failed.cause).toContain('diagnosis [access-key-unknown]');
  expect(await userKeys()).toContain(added.accessKeyId);
  twin.aws.deleteAccessKey({ userName: names.connectorUser, accessKeyId: added.accessKeyId });
  await streams('after-refusal');
});

test('the daily schedule rotates exactly the keys older than rotateAfterDays', async () => {
  const fresh = pgRequest('fresh', (r) => (r.identity.rotateAfterDays = 90));
  expect((await twin.provision(fresh)).status).toBe('SUCCEEDED');
  const chain = pipelineRoleRequest('chain');
  expect((await twin.provision(chain)).status).toBe('SUCCEEDED');
  // Both keys made 31 days ago (as the registry records it): rot's (rotateAfterDays 30) is due, fresh's (90) is
  // not; the role chain has no key.
  const monthAgo = new Date(now.getTime() - 31 * 86_400_000).toISOString();
  for (const link of ['rot', 'fresh']) {
    const state = (await twin.deps.registry.get(link))!.accessKey!;
    await twin.deps.registry.update(link, { accessKey: { ...state, current: { ...state.current!, createdAt: monthAgo } } });
  }
  const from = twin.rotations.results.length;
  const outcome = await twin.route({ schedule: 'rpcn-aurora.rotation-schedule' });
  await twin.idle();
  expect(outcome).toMatchObject({ trigger: 'rotation-schedule', started: ['rot'], duplicates: [] });
  expect(twin.rotations.results.slice(from).map((r) => [r.name, r.result.status])).toEqual([[`rotate-rot-schedule-${now.toISOString().slice(0, 10).replace(/-/g, '')}`, 'SUCCEEDED']]);
  // The schedule again: the key it just made is not due.
  const again = await twin.route({ schedule: 'rpcn-aurora.rotation-schedule' });
  expect(again).toMatchObject({ started: [], duplicates: [] });
});

test('a link of another identity mode has no key to rotate: refused by name', async () => {
  const failed = await twin.rotate({ link: 'chain' });
  expect({ status: failed.status, error: failed.error }).toEqual({ status: 'FAILED', error: 'RotationNotPossibleError' });
  expect(failed.cause).toMatch(/identity mode pipeline-role: it has no access key to rotate/);
  const missing = await twin.rotate({ link: 'nobody' });
  expect(missing.error).toBe('LinkNotFoundError');
});
