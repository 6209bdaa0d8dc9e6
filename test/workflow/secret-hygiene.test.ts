// No secret in any execution event, output or log line: provision, validate and teardown a link in the
// twin with every step logging at DEBUG, capture it all, and look for the SASL password and the Redpanda
// client secret (plain and base64).
import { jest } from '@jest/globals';

process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
jest.setTimeout(120_000);

const { pgRequest, startTwin } = await import('./support.js');
const { linkNames } = await import('../../lambdas/core/naming.js');



test('the SASL password and the Redpanda client secret never appear', async () => {
  const captured: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const twin = await startTwin();
  let password: string | undefined;
  try {
    const raw = pgRequest('hygiene');
    const results = [await twin.provision(raw, { onEvent: (e) => captured.push(JSON.stringify(e)) })];
    password = (await twin.deps.secrets.getLinkSecret(linkNames(raw as never, '111111111111').saslPasswordSecret))?.value;
    results.push(await twin.validate({ link: 'hygiene' }, { onEvent: (e) => captured.push(JSON.stringify(e)) }));
    results.push(await twin.teardown({ link: 'hygiene', skipFinalSnapshot: true }, { onEvent: (e) => captured.push(JSON.stringify(e)) }));
    for (const r of results) {
      expect(r.status).toBe('SUCCEEDED');
      captured.push(JSON.stringify(r.output));
    }
    captured.push(...twin.emulator.logs().map((l) => JSON.stringify(l)));
    captured.push(JSON.stringify(await twin.deps.registry.get('hygiene')));
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const text = captured.join('\n');
    expect(captured.filter((c) => c.includes('"level":"DEBUG"') || c.includes('"level":"INFO"')).length).toBeGreaterThan(10);
    for (const secret of [password!, twin.redpanda.clientSecret]) {
      expect(text.includes(secret)).toBe(false);
      expect(text.includes(Buffer.from(secret).toString('base64'))).toBe(false);
    }
    for (const token of twin.redpanda.issuedTokens()) expect(text.includes(token)).toBe(false);
  } finally {
    spy.mockRestore();
    void write;
    await twin.stop();
  }
});
