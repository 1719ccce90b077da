import * as assert from 'node:assert/strict';
import * as https from 'node:https';

import type { AccessToken, TokenCredential } from '@azure/identity';

import { bearerAuthorization, createAzureCredential, type CredentialDeps } from '../../src/auth/create-azure-credential';
import type { AzureRmConnection } from '../../src/auth/azure-rm-connection';
import { SignInError } from '../../src/auth/sign-in-error';
import { SecretText } from '../../src/text/secret-text';
import type { FakeAzure } from '../servers/arm/fake-azure';
import { createTestTls, startFakeAzure, type TestTls } from '../servers/arm/fake-azure-setup';

const TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
const SECRET = 'spn-secret-value-1234567890';
const JOB_ACCESS_TOKEN = 'job-access-token-abcdef0123456789';
const CONNECTION_ID = '5e7a1c8e-9c3d-4d55-9a67-3c5b2a0c1f00';

describe('createAzureCredential', () => {
  let tls: TestTls;
  let fake: FakeAzure;
  let secrets: string[];

  function deps(): CredentialDeps {
    return {
      fetch: tls.fetch,
      setSecret: (value) => secrets.push(value),
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 5_000 },
      timeoutMs: 10_000,
      identityOptions: { agent: new https.Agent({ ca: tls.certificates.caPem }) },
    };
  }

  function connection(overrides: Partial<AzureRmConnection> & Pick<AzureRmConnection, 'scheme'>): AzureRmConnection {
    return {
      connectionId: CONNECTION_ID,
      armUrl: `${fake.url}/`,
      scope: `${fake.url}//.default`,
      tenantId: TENANT,
      clientId: 'client-secret-app',
      authorityHost: `${fake.url}/`,
      secret: { kind: 'clientSecret', value: new SecretText(SECRET) },
      ...overrides,
    } as AzureRmConnection;
  }

  before(async () => {
    tls = await createTestTls();
  });

  after(async () => {
    await tls.remove();
  });

  beforeEach(async () => {
    secrets = [];
    fake = await startFakeAzure(tls, {
      tenantId: TENANT,
      principals: [
        { clientId: 'client-secret-app', secret: SECRET },
        { clientId: 'client-certificate-app', certificatePem: tls.certificates.clientCertPem },
        { clientId: 'federated-app', federated: true },
      ],
      ado: { accessToken: JOB_ACCESS_TOKEN, serviceConnectionId: CONNECTION_ID },
    });
  });

  afterEach(async () => {
    assert.deepEqual(fake.violations, []);
    assert.ok(!fake.requests.some((request) => request.path.includes('/discovery/instance')), 'instance discovery must stay off for a private authority');
    await fake.stop();
  });

  it('signs in with a client secret', async () => {
    const credential = createAzureCredential(connection({ scheme: 'ServicePrincipal' }), deps());

    const header = await bearerAuthorization(credential, `${fake.url}//.default`)();

    const token = header.slice('Bearer '.length);
    assert.ok(fake.issuedAccessTokens.includes(token));
    assert.deepEqual(fake.tokenRequests, [{ clientId: 'client-secret-app', scope: `${fake.url}//.default`, method: 'secret' }]);
    assert.ok(secrets.includes(SECRET));
    assert.ok(secrets.includes(token));
  });

  it('raises SignInError for a wrong secret', async () => {
    const credential = createAzureCredential(connection({ scheme: 'ServicePrincipal', secret: { kind: 'clientSecret', value: new SecretText('wrong-secret-000000') } }), deps());

    await assert.rejects(bearerAuthorization(credential, `${fake.url}//.default`)(), (error: unknown) => {
      assert.ok(error instanceof SignInError);
      assert.equal(error.code, 'SIGN_IN_FAILED');
      assert.match(error.message, /AADSTS7000215/);
      return true;
    });
    assert.equal(fake.issuedAccessTokens.length, 0);
  });

  it('signs in with a PEM certificate', async () => {
    const credential = createAzureCredential(connection({ scheme: 'ServicePrincipal', clientId: 'client-certificate-app', secret: { kind: 'certificate', pem: new SecretText(tls.certificates.clientPem) } }), deps());

    const header = await bearerAuthorization(credential, `${fake.url}//.default`)();

    assert.ok(fake.issuedAccessTokens.includes(header.slice('Bearer '.length)));
    assert.equal(fake.tokenRequests[0]?.method, 'certificate');
    assert.ok(secrets.includes(tls.certificates.clientPem));
  });

  it('rejects a certificate the app does not own', async () => {
    const other = await createTestTls();
    try {
      const credential = createAzureCredential(connection({ scheme: 'ServicePrincipal', clientId: 'client-certificate-app', secret: { kind: 'certificate', pem: new SecretText(other.certificates.clientPem) } }), deps());

      await assert.rejects(bearerAuthorization(credential, `${fake.url}//.default`)(), /AADSTS700027/);
    } finally {
      await other.remove();
    }
  });

  it('federates with a fresh OIDC token per sign-in', async () => {
    const credential = createAzureCredential(
      connection({ scheme: 'WorkloadIdentityFederation', clientId: 'federated-app', oidcRequestUri: `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`, jobAccessToken: new SecretText(JOB_ACCESS_TOKEN) }),
      deps(),
    );

    const first = await bearerAuthorization(credential, `${fake.url}//.default`)();
    const second = await bearerAuthorization(credential, `${fake.url}/other//.default`)();

    assert.notEqual(first, second);
    // MSAL may ask for an assertion more than once per sign-in; each request gets a new token.
    assert.ok(fake.issuedOidcTokens.length >= 2);
    assert.equal(new Set(fake.issuedOidcTokens).size, fake.issuedOidcTokens.length);
    assert.deepEqual(
      fake.tokenRequests.map((request) => request.method),
      ['federated', 'federated'],
    );
    assert.ok(secrets.includes(JOB_ACCESS_TOKEN));
    for (const oidcToken of fake.issuedOidcTokens) {
      assert.ok(secrets.includes(oidcToken));
    }
  });

  it('uses the connection idToken first', async () => {
    const idToken = fake.issueOidcToken(600);
    const credential = createAzureCredential(
      connection({ scheme: 'WorkloadIdentityFederation', clientId: 'federated-app', oidcRequestUri: `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`, jobAccessToken: new SecretText(JOB_ACCESS_TOKEN), idToken: new SecretText(idToken) }),
      deps(),
    );

    await bearerAuthorization(credential, `${fake.url}//.default`)();

    assert.equal(fake.federatedAssertions[0], idToken);
    assert.ok(secrets.includes(idToken));
  });

  it('skips an expired connection idToken', async () => {
    const idToken = fake.issueOidcToken(-30);
    const credential = createAzureCredential(
      connection({ scheme: 'WorkloadIdentityFederation', clientId: 'federated-app', oidcRequestUri: `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`, jobAccessToken: new SecretText(JOB_ACCESS_TOKEN), idToken: new SecretText(idToken) }),
      deps(),
    );

    await bearerAuthorization(credential, `${fake.url}//.default`)();

    assert.ok(fake.federatedAssertions.length >= 1);
    assert.ok(!fake.federatedAssertions.includes(idToken));
    assert.ok(fake.requests.some((request) => request.path.includes('/oidctoken')));
  });

  it('shares one sign-in between concurrent requests', async () => {
    const credential = createAzureCredential(
      connection({ scheme: 'WorkloadIdentityFederation', clientId: 'federated-app', oidcRequestUri: `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`, jobAccessToken: new SecretText(JOB_ACCESS_TOKEN) }),
      deps(),
    );
    const authorization = bearerAuthorization(credential, `${fake.url}//.default`);

    const headers = await Promise.all([authorization(), authorization(), authorization()]);

    assert.equal(new Set(headers).size, 1);
    assert.equal(fake.tokenRequests.length, 1);
  });

  it('reports an OIDC endpoint refusal', async () => {
    const credential = createAzureCredential(
      connection({ scheme: 'WorkloadIdentityFederation', clientId: 'federated-app', oidcRequestUri: `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`, jobAccessToken: new SecretText('stale-job-token-000000') }),
      deps(),
    );

    await assert.rejects(bearerAuthorization(credential, `${fake.url}//.default`)(), (error: unknown) => error instanceof SignInError && /HTTP 401/.test(error.message));
  });
});

describe('bearerAuthorization', () => {
  /** Creates a credential that counts its calls and returns tokens valid for one hour from `clock`. */
  function countingCredential(clock: { now: number }): TokenCredential & { calls: number } {
    const credential = {
      calls: 0,
      async getToken(): Promise<AccessToken> {
        credential.calls += 1;
        return { token: `token-${credential.calls}`, expiresOnTimestamp: clock.now + 60 * 60_000 };
      },
    };
    return credential;
  }

  it('reuses the token until shortly before expiry', async () => {
    const clock = { now: 1_000_000 };
    const credential = countingCredential(clock);
    const authorization = bearerAuthorization(credential, 'scope/.default', () => clock.now);

    assert.equal(await authorization(), 'Bearer token-1');
    clock.now += 54 * 60_000;
    assert.equal(await authorization(), 'Bearer token-1');
    clock.now += 2 * 60_000;
    assert.equal(await authorization(), 'Bearer token-2');
    assert.equal(credential.calls, 2);
  });

  it('signs in again after a failure', async () => {
    let calls = 0;
    const credential: TokenCredential = {
      async getToken(): Promise<AccessToken> {
        calls += 1;
        if (calls === 1) {
          throw new Error('AADSTS50058: temporary failure');
        }
        return { token: 'second', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const authorization = bearerAuthorization(credential, 'scope/.default');

    await assert.rejects(authorization(), (error: unknown) => error instanceof SignInError && /AADSTS50058/.test(error.message));
    assert.equal(await authorization(), 'Bearer second');
  });
});
