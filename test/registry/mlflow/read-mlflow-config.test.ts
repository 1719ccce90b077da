import * as assert from 'node:assert/strict';

import type { Problem } from '../../../src/errors';
import type { EndpointAuthorization, TaskInputs } from '../../../src/pipeline/task-inputs';
import { readMlflowRegistryConfig, targetModelNameFor } from '../../../src/registry/mlflow/read-mlflow-config';

interface Connection {
  url?: string;
  authorization?: EndpointAuthorization;
}

function inputsWith(values: Record<string, string>, connections: Record<string, Connection> = {}): TaskInputs {
  return {
    input: (name) => values[name],
    pathSupplied: () => false,
    variable: () => undefined,
    endpointUrl: (id) => connections[id]?.url,
    endpointScheme: (id) => connections[id]?.authorization?.scheme,
    endpointAuthParameter: (id, key) => connections[id]?.authorization?.parameters[key],
    endpointAuthorization: (id) => connections[id]?.authorization,
    endpointData: () => undefined,
  };
}

const GENERIC: Connection = {
  url: 'https://adb-1234.5.azuredatabricks.net/',
  authorization: { scheme: 'UsernamePassword', parameters: { username: '', password: 'dapi-secret' } },
};

function read(values: Record<string, string>, connections: Record<string, Connection> = { conn: GENERIC }): { config: ReturnType<typeof readMlflowRegistryConfig>; problems: Problem[] } {
  const problems: Problem[] = [];
  const config = readMlflowRegistryConfig(inputsWith({ mlflowConnection: 'conn', ...values }, connections), problems);
  return { config, problems };
}

describe('readMlflowRegistryConfig', () => {
  it('applies the defaults', () => {
    const { config, problems } = read({});

    assert.deepEqual(problems, []);
    assert.equal(config?.trackingUrl, 'https://adb-1234.5.azuredatabricks.net');
    assert.equal(config?.mode, 'copyAndAlias');
    assert.equal(config?.targetModelName, '{model_name}-promoted');
    assert.equal(config?.alias, 'champion');
    assert.equal(config?.connectionId, 'conn');
  });

  it('sends the password as bearer token', () => {
    const { config } = read({});

    assert.equal(config?.authorization.reveal(), 'Bearer dapi-secret');
    assert.deepEqual(config?.authorization.valuesToMask(), ['Bearer dapi-secret', 'dapi-secret']);
  });

  it('treats the user name token as bearer', () => {
    const { config } = read({}, { conn: { ...GENERIC, authorization: { scheme: 'UsernamePassword', parameters: { Username: 'token', Password: 'dapi-x' } } } });

    assert.equal(config?.authorization.reveal(), 'Bearer dapi-x');
  });

  it('sends Basic auth with a user name', () => {
    const { config } = read({}, { conn: { ...GENERIC, authorization: { scheme: 'UsernamePassword', parameters: { username: 'alice', password: 'pw' } } } });

    assert.equal(config?.authorization.reveal(), `Basic ${Buffer.from('alice:pw').toString('base64')}`);
    assert.ok(config?.authorization.valuesToMask().includes('pw'));
  });

  it('reads the Token scheme', () => {
    const { config } = read({}, { conn: { ...GENERIC, authorization: { scheme: 'Token', parameters: { apitoken: 'entra-token' } } } });

    assert.equal(config?.authorization.reveal(), 'Bearer entra-token');
  });

  it('hides the token when serialized', () => {
    const { config } = read({});

    const text = `${JSON.stringify(config)} ${String(config?.authorization)}`;
    assert.doesNotMatch(text, /dapi-secret/);
    assert.match(JSON.stringify(config), /"authorization":"\*\*\*"/);
  });

  it('keeps the path of an Azure ML endpoint', () => {
    const url = 'https://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
    const { config } = read({}, { conn: { ...GENERIC, url: `${url}/` } });

    assert.equal(config?.trackingUrl, url);
  });

  it('accepts plain http on localhost', () => {
    const { config, problems } = read({}, { conn: { ...GENERIC, url: 'http://127.0.0.1:5000' } });

    assert.deepEqual(problems, []);
    assert.equal(config?.trackingUrl, 'http://127.0.0.1:5000');
  });

  it('matches the mode without regard to case', () => {
    const { config, problems } = read({ mlflowPromotionMode: 'COPYANDALIAS' });

    assert.deepEqual(problems, []);
    assert.equal(config?.mode, 'copyAndAlias');
  });

  it('reads mode copy without alias', () => {
    const { config, problems } = read({ mlflowPromotionMode: 'copy', mlflowAlias: 'latest' });

    assert.deepEqual(problems, []);
    assert.equal(config?.mode, 'copy');
    assert.equal(config?.alias, undefined);
  });

  const invalid: Array<{ label: string; values: Record<string, string>; connection?: Connection; source: string; text: RegExp }> = [
    { label: 'an unknown mode', values: { mlflowPromotionMode: 'move' }, source: 'input mlflowPromotionMode', text: /Unknown MLflow promotion mode \(found "move"\)\. Allowed: copy, alias, copyAndAlias/ },
    { label: 'an unknown placeholder', values: { mlflowTargetModelName: '{model}-prod' }, source: 'input mlflowTargetModelName', text: /Unknown placeholder \{model\}/ },
    { label: 'a quote in the target name', values: { mlflowTargetModelName: "{model_name}'s" }, source: 'input mlflowTargetModelName', text: /single quote/ },
    { label: 'a reserved alias', values: { mlflowAlias: 'latest' }, source: 'input mlflowAlias', text: /Invalid MLflow alias \(found "latest"\)/ },
    { label: 'a version-like alias', values: { mlflowAlias: 'v3' }, source: 'input mlflowAlias', text: /"v3"/ },
    { label: 'an alias with spaces', values: { mlflowAlias: 'best model' }, source: 'input mlflowAlias', text: /"best model"/ },
    { label: 'a connection without URL', values: {}, connection: { authorization: GENERIC.authorization }, source: 'service connection "conn" (input mlflowConnection)', text: /has no URL/ },
    { label: 'a URL that is not a URL', values: {}, connection: { ...GENERIC, url: 'adb-1234' }, source: 'service connection "conn" (input mlflowConnection)', text: /not a valid URL \(found "adb-1234"\)/ },
    { label: 'plain http to a remote host', values: {}, connection: { ...GENERIC, url: 'http://mlflow.company.com' }, source: 'service connection "conn" (input mlflowConnection)', text: /must use https/ },
    { label: 'credentials in the URL', values: {}, connection: { ...GENERIC, url: 'https://user:secret@mlflow.company.com' }, source: 'service connection "conn" (input mlflowConnection)', text: /contains credentials/ },
    { label: 'a URL with a query', values: {}, connection: { ...GENERIC, url: 'https://mlflow.company.com/?o=1' }, source: 'service connection "conn" (input mlflowConnection)', text: /query or fragment/ },
    { label: 'a missing password', values: {}, connection: { ...GENERIC, authorization: { scheme: 'UsernamePassword', parameters: { username: 'token' } } }, source: 'service connection "conn" (input mlflowConnection)', text: /has no password/ },
    { label: 'an unsupported scheme', values: {}, connection: { ...GENERIC, authorization: { scheme: 'OAuth', parameters: { AccessToken: 'x' } } }, source: 'service connection "conn" (input mlflowConnection)', text: /Unsupported authorization scheme of the service connection \(found "OAuth"\)/ },
    { label: 'no authorization', values: {}, connection: { url: GENERIC.url }, source: 'service connection "conn" (input mlflowConnection)', text: /passed no authorization/ },
  ];
  for (const { label, values, connection, source, text } of invalid) {
    it(`reports ${label}`, () => {
      const { config, problems } = read(values, { conn: connection ?? GENERIC });

      assert.equal(config, undefined);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.source, source);
      const formatted = `${problems[0]?.message} (found ${problems[0]?.value}). Allowed: ${problems[0]?.allowed}`;
      assert.match(formatted, text);
    });
  }

  it('reports a missing connection', () => {
    const problems: Problem[] = [];

    const config = readMlflowRegistryConfig(inputsWith({}), problems);

    assert.equal(config, undefined);
    assert.equal(problems[0]?.source, 'input mlflowConnection');
    assert.match(problems[0]?.message ?? '', /Missing MLflow service connection/);
  });

  it('reports every problem at once', () => {
    const { problems } = read({ mlflowPromotionMode: 'move', mlflowTargetModelName: '{x}', mlflowAlias: 'latest' }, { conn: { url: 'http://remote.example' } });

    assert.deepEqual(
      problems.map((problem) => problem.source),
      ['input mlflowPromotionMode', 'input mlflowTargetModelName', 'input mlflowAlias', 'service connection "conn" (input mlflowConnection)', 'service connection "conn" (input mlflowConnection)'],
    );
  });

  it('never puts the token in a problem', () => {
    const { problems } = read({}, { conn: { url: 'https://user:dapi-secret@host', authorization: { scheme: 'Weird', parameters: { password: 'dapi-secret' } } } });

    assert.ok(problems.length > 0);
    assert.doesNotMatch(JSON.stringify(problems), /dapi-secret/);
  });
});

describe('targetModelNameFor', () => {
  const cases: Array<{ template: string; expected: string }> = [
    { template: '{model_name}-promoted', expected: 'plant001-circuit01-model-promoted' },
    { template: 'prod.ml.{model_name}', expected: 'prod.ml.plant001-circuit01-model' },
    { template: '{plant_id}-{model_name}-{model_name}', expected: 'PLANT001-plant001-circuit01-model-plant001-circuit01-model' },
    { template: 'shared', expected: 'shared' },
  ];
  for (const { template, expected } of cases) {
    it(`expands ${template}`, () => {
      assert.equal(targetModelNameFor(template, { modelName: 'plant001-circuit01-model', plantId: 'PLANT001' }), expected);
    });
  }
});
