// No secret in any execution event, output or log line: provision, validate, rotate and teardown a link in the
// twin with every step logging at DEBUG, capture it all, and look for the SASL password, the connector user's
// secret access keys (the first one and the rotated one), the Redpanda client secret (plain and base64), and every
// Redpanda Cloud API token, including the one the steps share through the token secret.
import { jest } from '@jest/globals';

process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
jest.setTimeout(120_000);

const { pgRequest, startTwin } = await import('./support.js');
const { linkNames } = await import('../../lambdas/core/naming.js');

test('the SASL password, every secret access key and the Redpanda client secret never appear', async () => {
  const captured: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const twin = await startTwin();
  const secrets = new Set<string>();
  try {
    const raw = pgRequest('hygiene');
    const names = linkNames(raw as never, '111111111111');
    const data = () => twin.redpanda.stateOf(raw.redpanda.clusterId).secrets;
    // The key's secret exists only in IAM (as a digest) and in these Redpanda secrets.
    const collectKeys = () => {
      for (const slot of ['A', 'B'] as const) {
        const value = data().get(names.redpandaSecrets.secretAccessKey[slot])?.value;
        if (value) secrets.add(value);
      }
    };
    const onEvent = (e: unknown) => captured.push(JSON.stringify(e));
    const results = [await twin.provision(raw, { onEvent })];
    collectKeys();
    const password = (await twin.deps.secrets.getLinkSecret(names.saslPasswordSecret))?.value;
    results.push(await twin.validate({ link: 'hygiene' }, { onEvent }));
    results.push(await twin.rotate({ link: 'hygiene' }, { onEvent }));
    collectKeys();
    results.push(await twin.teardown({ link: 'hygiene', skipFinalSnapshot: true }, { onEvent }));
    for (const r of results) {
      expect(r.status).toBe('SUCCEEDED');
      captured.push(JSON.stringify(r.output));
    }
    captured.push(...twin.emulator.logs().map((l) => JSON.stringify(l)));
    captured.push(JSON.stringify(await twin.deps.registry.get('hygiene')));
    captured.push(JSON.stringify(twin.aws.iamEvents()));
    captured.push(JSON.stringify(await twin.aws.inventory()));
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // Two keys: the one Provision made and the one Rotate made.
    expect(secrets.size).toBe(2);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9/+]{40}$/);
    const text = captured.join('\n');
    expect(captured.filter((c) => c.includes('"level":"DEBUG"') || c.includes('"level":"INFO"')).length).toBeGreaterThan(10);
    for (const secret of [password!, ...secrets, twin.redpanda.clientSecret]) {
      expect(text.includes(secret)).toBe(false);
      expect(text.includes(Buffer.from(secret).toString('base64'))).toBe(false);
    }
    for (const token of twin.redpanda.issuedTokens()) expect(text.includes(token)).toBe(false);
    // The steps shared the API token through its secret (by reference): it holds one of the tokens checked above.
    const shared = JSON.parse(twin.aws.secrets.find('rpcn-aurora/redpanda-cloud-token')!.value) as { access_token: string };
    expect(twin.redpanda.issuedTokens()).toContain(shared.access_token);
    // CreatePipeline logged the data plane's hint about the variables Redpanda Cloud resolves, without failing.
    expect(text).toMatch(/data plane lint: variables Redpanda Cloud resolves at start.*required environment variables were not set: \[[^\]]*secrets\.RPCN_AURORA_HYGIENE_/);
  } finally {
    spy.mockRestore();
    void write;
    await twin.stop();
  }
});
