// The aurora-mysql path in the offline twin, on the run's MariaDB (binary log on, ROW). Gaps (stated, asserted):
// AWSAuthenticationPlugin and REQUIRE SSL are emulated (no such plugin, no TLS), so the probe sees a
// mysql_native_password user and ends the provision with LinkProbeFailedError naming it; the pipeline emulator
// streams the snapshot but does not read the binary log yet.
import { jest } from '@jest/globals';
import { linkNames } from '../../lambdas/core/naming.js';
import { redpandaAcls } from '../../lambdas/core/redpanda-acls.js';
import type { TeardownReport } from '../../lambdas/handlers/finish-teardown.js';
import type { OfflineTwin } from '../../local/twin.js';
import { describeMysql } from '../support/mysql.js';
import { example, normalized, startTwin, waitFor } from './support.js';

jest.setTimeout(120_000);

let twin: OfflineTwin;
// The example rolls back on failure; keep what was made so the test can look at it.
const raw = { ...example('mysql'), onFailure: 'keep' };
const request = normalized(raw);
const names = linkNames(request, '111111111111');

describeMysql('the aurora-mysql path', () => {
  beforeAll(async () => {
    twin = await startTwin({ deadlines: { probeMs: 2_000 } });
  });

  afterAll(async () => {
    await twin?.stop();
  });

  test('everything up to streaming works; the probe names the emulated-plugin gap; teardown removes it all', async () => {
    const result = await twin.provision(raw, { executionName: 'mysql' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('LinkProbeFailedError');
    expect(result.cause).toMatch(/^Probe failed: link inventory is not working: .*\[db-user-missing-iam-grant\]/);
    expect(result.cause).not.toMatch(/mysql-binlog-disabled/);
    const passed = result.events.filter((e) => e.type === 'StateExited').map((e) => e.state!.name);
    for (const step of ['ValidateRequest', 'EnsureAurora', 'RunSetupSql', 'EnsureConnectorUser', 'EnsureDbConnectRole', 'EnsureAccessKey', 'EnsureTopic', 'EnsureRedpandaUser', 'EnsureRedpandaSecrets', 'CreatePipeline']) {
      expect(passed).toContain(step);
    }

    const state = twin.redpanda.stateOf(request.redpanda.clusterId);
    expect(state.topics.get(names.checkpointTopic)?.configs).toEqual({ 'cleanup.policy': 'compact' });
    const ours = state.acls.filter((a) => a.principal === `User:${names.redpandaUser}`).map((a) => `${a.resource_name}/${a.operation}`).sort();
    expect(ours).toEqual(redpandaAcls(request, '111111111111').map((a) => `${a.resourceName}/${a.operation}`).sort());
    const pipeline = [...state.pipelines.values()].find((p) => p.display_name === names.pipelineDisplayName)!;
    expect(pipeline.config_yaml).toMatch(/allowCleartextPasswords=true/);

    // The chain and the emulated IAM login worked: the snapshot of the seeded rows reached the topic.
    const messages = await waitFor('the snapshot rows', () => {
      const m = state.messages.get(request.redpanda.topic) ?? [];
      return m.length >= 2 ? m : undefined;
    });
    expect(messages.map((m) => JSON.parse(m.value!).item).sort()).toEqual(['bolt', 'nut']);
    expect(twin.emulator.logs(pipeline.id).map((l) => l.message)).toContainEqual(expect.stringMatching(/binlog streaming is not emulated/));

    const teardown = await twin.teardown({ link: 'inventory', skipFinalSnapshot: true });
    expect(teardown.status).toBe('SUCCEEDED');
    expect((teardown.output as TeardownReport).deleted).toEqual(expect.arrayContaining([`topic ${request.redpanda.topic}`, `topic ${names.checkpointTopic}`, `database user ${request.cdc.user}`]));
    expect(state.topics.has(names.checkpointTopic)).toBe(false);
  });
});
