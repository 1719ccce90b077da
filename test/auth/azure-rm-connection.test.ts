import * as assert from 'node:assert/strict';

import { developerConnection, isHttpsUrl, readAzureRmConnection, scopeOf } from '../../src/auth/azure-rm-connection';
import type { Problem } from '../../src/errors';
import type { TaskInputs } from '../../src/pipeline/task-inputs';

const ID = 'conn-1';

/** TaskInputs over plain maps, shaped like what the agent passes for one connection. */
function inputs(endpoint: { url?: string; scheme?: string; auth?: Record<string, string>; data?: Record<string, string> }, variables: Record<string, string> = {}, jobToken?: string): TaskInputs {
  return {
    input: () => undefined,
    pathSupplied: () => false,
    variable: (name) => variables[name],
    endpointUrl: (id) => (id === ID ? endpoint.url : undefined),
    endpointScheme: (id) => (id === ID ? endpoint.scheme : undefined),
    endpointAuthParameter: (id, key) => {
      if (id === 'SYSTEMVSSCONNECTION') {
        return key === 'AccessToken' ? jobToken : undefined;
      }
      return id === ID ? endpoint.auth?.[key] : undefined;
    },
    endpointData: (id, key) => (id === ID ? endpoint.data?.[key] : undefined),
  };
}

const US_GOV = {
  url: 'https://management.usgovcloudapi.net/',
  data: { environmentAuthorityUrl: 'https://login.microsoftonline.us/', activeDirectoryServiceEndpointResourceId: 'https://management.core.usgovcloudapi.net/', environment: 'AzureUSGovernment', subscriptionid: 'sub-1' },
};

describe('readAzureRmConnection', () => {
  it('reads a US Government secret connection', () => {
    const problems: Problem[] = [];

    const connection = readAzureRmConnection(inputs({ ...US_GOV, scheme: 'ServicePrincipal', auth: { tenantid: 't', serviceprincipalid: 'c', authenticationType: 'spnKey', serviceprincipalkey: 's3cret' } }), ID, problems);

    assert.deepEqual(problems, []);
    assert.deepEqual(connection, {
      connectionId: ID,
      armUrl: 'https://management.usgovcloudapi.net/',
      scope: 'https://management.core.usgovcloudapi.net//.default',
      environment: 'AzureUSGovernment',
      subscriptionId: 'sub-1',
      tenantId: 't',
      clientId: 'c',
      authorityHost: 'https://login.microsoftonline.us/',
      scheme: 'ServicePrincipal',
      secret: { kind: 'clientSecret', value: connection?.scheme === 'ServicePrincipal' ? connection.secret.kind === 'clientSecret' && connection.secret.value : undefined },
    });
    assert.equal(connection?.scheme === 'ServicePrincipal' && connection.secret.kind === 'clientSecret' && connection.secret.value.reveal(), 's3cret');
    assert.ok(!JSON.stringify(connection).includes('s3cret'));
  });

  it('reads secrets through endpointAuthorization', () => {
    const base = inputs({ ...US_GOV, scheme: 'Ignored', auth: {} });
    const withAuthorization: TaskInputs = {
      ...base,
      endpointAuthParameter: () => assert.fail('per-parameter reads log secrets'),
      endpointAuthorization: (id) => {
        const parameters: Record<string, string> = id === ID ? { TenantId: 't', ServicePrincipalId: 'c', serviceprincipalkey: ' s3cret ' } : { AccessToken: 'job' };
        return { scheme: id === ID ? 'ServicePrincipal' : 'OAuth', parameters };
      },
    };

    const connection = readAzureRmConnection(withAuthorization, ID, []);

    assert.equal(connection?.scheme === 'ServicePrincipal' && connection.secret.kind === 'clientSecret' && connection.secret.value.reveal(), 's3cret');
    assert.equal(connection?.scheme === 'ServicePrincipal' && connection.tenantId, 't');
  });

  it('falls back to activeDirectoryAuthority and the ARM URL', () => {
    const problems: Problem[] = [];

    const connection = readAzureRmConnection(
      inputs({ url: 'https://management.chinacloudapi.cn/', scheme: 'ServicePrincipal', auth: { tenantid: 't', serviceprincipalid: 'c', serviceprincipalkey: 'k' }, data: { activeDirectoryAuthority: 'https://login.chinacloudapi.cn/' } }),
      ID,
      problems,
    );

    assert.deepEqual(problems, []);
    assert.equal(connection?.scope, 'https://management.chinacloudapi.cn//.default');
    assert.equal(connection?.scheme === 'ServicePrincipal' && connection.authorityHost, 'https://login.chinacloudapi.cn/');
  });

  it('reads a certificate connection', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
    const connection = readAzureRmConnection(inputs({ ...US_GOV, scheme: 'ServicePrincipal', auth: { tenantid: 't', serviceprincipalid: 'c', authenticationType: 'spnCertificate', servicePrincipalCertificate: pem } }), ID, []);

    assert.equal(connection?.scheme === 'ServicePrincipal' && connection.secret.kind === 'certificate' && connection.secret.pem.reveal(), pem);
  });

  it('reads workload identity federation', () => {
    const connection = readAzureRmConnection(
      inputs({ ...US_GOV, scheme: 'WorkloadIdentityFederation', auth: { tenantid: 't', serviceprincipalid: 'c' } }, { 'System.OidcRequestUri': 'https://dev.azure.com/org/p/_apis/oidc' }, 'job-token'),
      ID,
      [],
    );

    assert.equal(connection?.scheme, 'WorkloadIdentityFederation');
    assert.equal(connection?.scheme === 'WorkloadIdentityFederation' && connection.jobAccessToken.reveal(), 'job-token');
    assert.equal(connection?.scheme === 'WorkloadIdentityFederation' && connection.oidcRequestUri, 'https://dev.azure.com/org/p/_apis/oidc');
    assert.equal(connection?.scheme === 'WorkloadIdentityFederation' && connection.idToken, undefined);
  });

  it('reads the late-bound idToken', () => {
    const connection = readAzureRmConnection(
      inputs({ ...US_GOV, scheme: 'WorkloadIdentityFederation', auth: { tenantid: 't', serviceprincipalid: 'c', idToken: 'eyJ.late.bound' } }, { 'System.OidcRequestUri': 'https://dev.azure.com/org/p/_apis/oidc' }, 'job-token'),
      ID,
      [],
    );

    assert.equal(connection?.scheme === 'WorkloadIdentityFederation' && connection.idToken?.reveal(), 'eyJ.late.bound');
  });

  it('reads a managed identity client ID', () => {
    const connection = readAzureRmConnection(inputs({ ...US_GOV, scheme: 'ManagedServiceIdentity', data: { ...US_GOV.data, msiclientId: 'msi-1' } }), ID, []);

    assert.deepEqual(connection?.scheme === 'ManagedServiceIdentity' && connection.clientId, 'msi-1');
  });

  const invalid: Array<{ name: string; endpoint: Parameters<typeof inputs>[0]; variables?: Record<string, string>; expected: RegExp[] }> = [
    { name: 'unknown scheme', endpoint: { ...US_GOV, scheme: 'PublishProfile' }, expected: [/Unsupported authentication scheme.*"PublishProfile".*ServicePrincipal, WorkloadIdentityFederation, ManagedServiceIdentity/] },
    { name: 'missing URL', endpoint: { scheme: 'ManagedServiceIdentity' }, expected: [/has no URL/] },
    { name: 'http URL', endpoint: { url: 'http://management.azure.com/', scheme: 'ManagedServiceIdentity' }, expected: [/must be an https URL.*"http:\/\/management.azure.com\/"/] },
    { name: 'missing authority', endpoint: { url: US_GOV.url, scheme: 'ServicePrincipal', auth: { tenantid: 't', serviceprincipalid: 'c', serviceprincipalkey: 'k' } }, expected: [/no sign-in authority/] },
    { name: 'unknown authentication type', endpoint: { ...US_GOV, scheme: 'ServicePrincipal', auth: { tenantid: 't', serviceprincipalid: 'c', authenticationType: 'spnPassword' } }, expected: [/"spnPassword".*spnKey, spnCertificate/] },
    { name: 'missing secret and ids', endpoint: { ...US_GOV, scheme: 'ServicePrincipal', auth: {} }, expected: [/no tenant ID/, /no service principal ID/, /no client secret/] },
    { name: 'federation outside a job', endpoint: { ...US_GOV, scheme: 'WorkloadIdentityFederation', auth: { tenantid: 't', serviceprincipalid: 'c' } }, expected: [/System.OidcRequestUri/, /SYSTEMVSSCONNECTION/] },
  ];
  for (const row of invalid) {
    it(`reports ${row.name}`, () => {
      const problems: Problem[] = [];

      const connection = readAzureRmConnection(inputs(row.endpoint, row.variables), ID, problems);

      assert.equal(connection, undefined);
      assert.equal(problems.length, row.expected.length, JSON.stringify(problems));
      row.expected.forEach((pattern, index) => {
        const problem = problems[index];
        assert.match(`${problem?.message} ${problem?.value ?? ''} ${problem?.allowed ?? ''}`, pattern);
        assert.match(problem?.source ?? '', /service connection conn-1 \(input azureSubscription\)/);
      });
    });
  }
});

describe('scopeOf', () => {
  it('appends /.default to the resource', () => {
    assert.equal(scopeOf('https://management.core.windows.net/'), 'https://management.core.windows.net//.default');
    assert.equal(scopeOf('https://management.azure.com'), 'https://management.azure.com/.default');
  });
});

describe('developerConnection', () => {
  it('derives the scope from the ARM URL', () => {
    const connection = developerConnection({ armUrl: 'https://management.chinacloudapi.cn/', subscriptionId: 'sub-1', environment: 'AzureChinaCloud', authorityHost: 'https://login.chinacloudapi.cn/' });

    assert.equal(connection.scheme, 'DeveloperCredential');
    assert.equal(connection.scope, 'https://management.chinacloudapi.cn//.default');
    assert.equal(connection.subscriptionId, 'sub-1');
    assert.equal(connection.environment, 'AzureChinaCloud');
    assert.equal(connection.authorityHost, 'https://login.chinacloudapi.cn/');
  });
});

describe('isHttpsUrl', () => {
  const cases: Array<[string, boolean]> = [
    ['https://management.azure.com/', true],
    ['HTTPS://login.microsoftonline.us', true],
    ['http://management.azure.com/', false],
    ['management.azure.com', false],
    ['', false],
  ];
  for (const [value, expected] of cases) {
    it(`returns ${expected} for "${value}"`, () => {
      assert.equal(isHttpsUrl(value), expected);
    });
  }
});
