import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerAdapter, SecretsManagerTokenStore, parseSharedToken } from '../../lambdas/adapters/aws/secrets.js';

const smMock = mockClient(SecretsManagerClient);
const adapter = () => new SecretsManagerAdapter(new SecretsManagerClient({ region: 'us-east-2' }));
const meta = { $metadata: {} };
const ARN = 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rpcn-aurora/redpanda-credentials-AbCdEf';
const SECRET = 's3cr3t-value-that-must-never-leak';

beforeEach(() => smMock.reset());

/** The CredentialsSecretError for a secret string; asserts it never quotes the value. */
async function credentialsError(secretString: string | undefined): Promise<Error> {
  smMock.on(GetSecretValueCommand).resolves({ ARN, ...(secretString !== undefined && { SecretString: secretString }) });
  const err = await adapter()
    .getRedpandaCredentials(ARN)
    .then(() => undefined, (e: Error) => e);
  if (err === undefined) throw new Error('expected getRedpandaCredentials to fail');
  expect(err.name).toBe('CredentialsSecretError');
  expect(err.message).not.toContain(SECRET);
  expect(err.message).toContain(ARN);
  return err;
}

describe('getRedpandaCredentials', () => {
  test('parses client_id and client_secret', async () => {
    smMock.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ ARN, SecretString: JSON.stringify({ client_id: 'id-1', client_secret: SECRET }) });
    await expect(adapter().getRedpandaCredentials(ARN)).resolves.toEqual({ clientId: 'id-1', clientSecret: SECRET });
  });

  test.each([
    ['missing client_secret', JSON.stringify({ client_id: 'id-1' }), '"client_secret" is missing'],
    ['empty client_id', JSON.stringify({ client_id: ' ', client_secret: SECRET }), '"client_id" is empty'],
    ['number client_id', JSON.stringify({ client_id: 7, client_secret: SECRET }), '"client_id" is a number, not a string'],
    ['not JSON', `client_secret=${SECRET}`, 'is not valid JSON'],
    ['a JSON array', JSON.stringify([SECRET]), 'not an object'],
    ['empty', '', 'is empty'],
    ['secret used as a key', JSON.stringify({ [SECRET]: 'x' }), '"client_id" is missing; "client_secret" is missing (and 1 other key)'],
  ])('%s: names the problem, not the value', async (_label, value, expected) => {
    const err = await credentialsError(value);
    expect(err.message).toContain(expected);
  });

  test('a binary-only secret is a CredentialsSecretError', async () => {
    const err = await credentialsError(undefined);
    expect(err.message).toContain('no string value');
  });

  test('a missing secret is a CredentialsSecretError, access denied is StepAccessDeniedError', async () => {
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));
    await expect(adapter().getRedpandaCredentials(ARN)).rejects.toMatchObject({ name: 'CredentialsSecretError' });
    smMock.on(GetSecretValueCommand).rejects(new SecretsManagerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', ...meta }));
    await expect(adapter().getRedpandaCredentials(ARN)).rejects.toMatchObject({ name: 'StepAccessDeniedError' });
  });
});

describe('link secrets', () => {
  const input = {
    name: 'rpcn-aurora-orders/redpanda-sasl-password',
    description: 'SASL password of rpcn-aurora-orders',
    tags: { 'rpcn-aurora:link': 'orders' },
    generate: () => 'generated-password',
  };
  const LINK_ARN = 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rpcn-aurora-orders/redpanda-sasl-password-XyZ';

  test('ensureLinkSecret creates the secret, tagged, when missing', async () => {
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', ...meta }));
    smMock.on(CreateSecretCommand).resolves({ ARN: LINK_ARN });
    await expect(adapter().ensureLinkSecret(input)).resolves.toEqual({ arn: LINK_ARN, value: 'generated-password', created: true });
    expect(smMock.commandCalls(CreateSecretCommand)[0]!.args[0].input).toEqual({
      Name: input.name,
      Description: input.description,
      SecretString: 'generated-password',
      Tags: [{ Key: 'rpcn-aurora:link', Value: 'orders' }],
    });
  });

  test('ensureLinkSecret returns the existing value and never generates', async () => {
    smMock.on(GetSecretValueCommand).resolves({ ARN: LINK_ARN, SecretString: 'kept-password' });
    let generated = 0;
    const generate = () => `new-${++generated}`;
    await expect(adapter().ensureLinkSecret({ ...input, generate })).resolves.toEqual({ arn: LINK_ARN, value: 'kept-password', created: false });
    expect(generated).toBe(0);
    expect(smMock.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  test('ResourceExistsException (a parallel run won) reads and returns its value', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'nope', ...meta }))
      .resolves({ ARN: LINK_ARN, SecretString: 'their-password' });
    smMock.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', ...meta }));
    await expect(adapter().ensureLinkSecret(input)).resolves.toEqual({ arn: LINK_ARN, value: 'their-password', created: false });
  });

  test('a name still scheduled for deletion is ResourceBusyError (retried)', async () => {
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', ...meta }));
    smMock
      .on(CreateSecretCommand)
      .rejects(new InvalidRequestException({ message: "You can't create this secret because a secret with this name is already scheduled for deletion.", ...meta }));
    await expect(adapter().ensureLinkSecret(input)).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });

  test('getLinkSecret returns value and tags, or undefined', async () => {
    smMock.on(GetSecretValueCommand).resolves({ ARN: LINK_ARN, SecretString: 'pw' });
    smMock.on(DescribeSecretCommand).resolves({ Tags: [{ Key: 'rpcn-aurora:link', Value: 'orders' }] });
    await expect(adapter().getLinkSecret(input.name)).resolves.toEqual({ arn: LINK_ARN, value: 'pw', tags: { 'rpcn-aurora:link': 'orders' } });
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', ...meta }));
    await expect(adapter().getLinkSecret(input.name)).resolves.toBeUndefined();
  });

  test('deleteLinkSecret forces deletion and tolerates a secret already gone', async () => {
    smMock.on(DeleteSecretCommand).resolves({});
    await adapter().deleteLinkSecret(input.name);
    expect(smMock.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({ SecretId: input.name, ForceDeleteWithoutRecovery: true });
    smMock.on(DeleteSecretCommand).rejects(new ResourceNotFoundException({ message: 'nope', ...meta }));
    await expect(adapter().deleteLinkSecret(input.name)).resolves.toBeUndefined();
  });

  test('throttling on a link secret is AwsThrottledError', async () => {
    smMock.on(GetSecretValueCommand).rejects(new SecretsManagerServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow', ...meta }));
    await expect(adapter().ensureLinkSecret(input)).rejects.toMatchObject({ name: 'AwsThrottledError' });
  });
});

describe('SecretsManagerTokenStore (the shared Redpanda Cloud API token)', () => {
  const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-2:111111111111:secret:rpcn-aurora/redpanda-cloud-token-GhIjKl';
  const TOKEN = 'eyJhbGciOi.the-api-token.must-never-leak';
  const store = () => new SecretsManagerTokenStore(new SecretsManagerClient({ region: 'us-east-2' }), TOKEN_ARN);
  const entry = { key: 'k'.repeat(64), accessToken: TOKEN, expiresAt: Date.parse('2026-12-08T01:00:00.000Z') };

  test('writes the entry with PutSecretValue and reads it back', async () => {
    smMock.on(PutSecretValueCommand).resolves({ ARN: TOKEN_ARN });
    await store().write(entry);
    const put = smMock.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe(TOKEN_ARN);
    smMock.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({ ARN: TOKEN_ARN, SecretString: put.SecretString! });
    await expect(store().read()).resolves.toEqual(entry);
  });

  test('no value yet (ResourceNotFoundException) and a malformed value read as nothing stored', async () => {
    smMock.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT", ...meta }));
    await expect(store().read()).resolves.toBeUndefined();
    for (const text of ['', 'not json', '{}', JSON.stringify({ key: 'k', access_token: '', expires_at: '2026-12-08T01:00:00Z' }), JSON.stringify({ key: 'k', access_token: 't', expires_at: 'soon' })]) {
      expect(parseSharedToken(text)).toBeUndefined();
    }
  });

  test('access denied is StepAccessDeniedError naming the action, never the token', async () => {
    smMock.on(PutSecretValueCommand).rejects(new SecretsManagerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized to perform: secretsmanager:PutSecretValue', ...meta }));
    const err = (await store().write(entry).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('StepAccessDeniedError');
    expect(err.message).toContain('secretsmanager:PutSecretValue');
    expect(err.message).not.toContain(TOKEN);
  });
});
