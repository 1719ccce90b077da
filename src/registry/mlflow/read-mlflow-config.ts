import type { Problem } from '../../errors';
import type { EndpointAuthorization, TaskInputs } from '../../pipeline/task-inputs';
import { quote } from '../../text/neutralize';
import { SecretText } from '../../text/secret-text';
import { MLFLOW_PROMOTION_MODES, type MlflowPromotionMode, type MlflowRegistryConfig } from '../registry-config';

export const DEFAULT_MLFLOW_PROMOTION_MODE: MlflowPromotionMode = 'copyAndAlias';
export const DEFAULT_MLFLOW_TARGET_MODEL_NAME = '{model_name}-promoted';
export const DEFAULT_MLFLOW_ALIAS = 'champion';

const TEMPLATE_PLACEHOLDERS = ['{model_name}', '{plant_id}'];

/**
 * MLflow's own rules for alias names (mlflow `_validate_model_alias_name`) plus the narrower
 * character set of Unity Catalog, so that one alias works on every server.
 */
const ALIAS_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const RESERVED_ALIAS = /^(latest|[vV]\d+)$/;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Reads the inputs of `registryType: mlflow`. Adds every problem found to `problems` and returns
 * undefined when the configuration is unusable. The token stays inside a `SecretText`; the
 * caller registers it with `setSecret` before anything is logged.
 */
export function readMlflowRegistryConfig(inputs: TaskInputs, problems: Problem[]): MlflowRegistryConfig | undefined {
  const before = problems.length;
  const mode = readMode(inputs, problems);
  const targetModelName = readTargetModelName(inputs, problems);
  const alias = mode === 'copy' ? undefined : readAlias(inputs, problems);

  const connectionId = inputs.input('mlflowConnection');
  if (connectionId === undefined) {
    problems.push({
      source: 'input mlflowConnection',
      location: '',
      message: 'Missing MLflow service connection. registryType mlflow needs a Generic service connection whose URL is the tracking server and whose password is the token',
    });
    return undefined;
  }
  const trackingUrl = readTrackingUrl(inputs, connectionId, problems);
  const authorization = readAuthorization(inputs, connectionId, problems);

  if (problems.length > before || trackingUrl === undefined || authorization === undefined) {
    return undefined;
  }
  return { type: 'mlflow', trackingUrl, authorization, connectionId, mode, targetModelName, alias };
}

function readMode(inputs: TaskInputs, problems: Problem[]): MlflowPromotionMode {
  const value = inputs.input('mlflowPromotionMode') ?? DEFAULT_MLFLOW_PROMOTION_MODE;
  // Pick-list values are matched without regard to case, as for the task's other inputs.
  const mode = MLFLOW_PROMOTION_MODES.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (mode === undefined) {
    problems.push({
      source: 'input mlflowPromotionMode',
      location: '',
      message: 'Unknown MLflow promotion mode',
      value: quote(value),
      allowed: MLFLOW_PROMOTION_MODES.join(', '),
    });
    return DEFAULT_MLFLOW_PROMOTION_MODE;
  }
  return mode;
}

function readTargetModelName(inputs: TaskInputs, problems: Problem[]): string {
  const template = inputs.input('mlflowTargetModelName') ?? DEFAULT_MLFLOW_TARGET_MODEL_NAME;
  const unknown = (template.match(/\{[^}]*\}/g) ?? []).filter((placeholder) => !TEMPLATE_PLACEHOLDERS.includes(placeholder));
  if (unknown.length > 0) {
    problems.push({
      source: 'input mlflowTargetModelName',
      location: '',
      message: `Unknown placeholder ${unknown.join(', ')} in the target model name`,
      value: quote(template),
      allowed: `text with the placeholders ${TEMPLATE_PLACEHOLDERS.join(' and ')}, for example ${DEFAULT_MLFLOW_TARGET_MODEL_NAME}`,
    });
  }
  // The name is quoted inside a search filter (name='…'), which has no escape for these characters.
  if (/['\\]/.test(template)) {
    problems.push({
      source: 'input mlflowTargetModelName',
      location: '',
      message: 'The target model name contains a single quote or a backslash, which MLflow search filters cannot quote',
      value: quote(template),
    });
  }
  return template;
}

function readAlias(inputs: TaskInputs, problems: Problem[]): string {
  const alias = inputs.input('mlflowAlias') ?? DEFAULT_MLFLOW_ALIAS;
  if (!ALIAS_PATTERN.test(alias) || RESERVED_ALIAS.test(alias)) {
    problems.push({
      source: 'input mlflowAlias',
      location: '',
      message: 'Invalid MLflow alias',
      value: quote(alias),
      allowed: 'letters, digits, _ and -, at most 255 characters, not "latest" and not v<number>, which MLflow reserves. Choose mlflowPromotionMode copy to set no alias',
    });
  }
  return alias;
}

function readTrackingUrl(inputs: TaskInputs, connectionId: string, problems: Problem[]): string | undefined {
  const source = `service connection ${quote(connectionId)} (input mlflowConnection)`;
  const raw = inputs.endpointUrl(connectionId);
  if (raw === undefined) {
    problems.push({ source, location: '', message: 'The service connection has no URL. Set its Server URL to the MLflow tracking server' });
    return undefined;
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push({ source, location: '', message: 'The service connection URL is not a valid URL', value: quote(raw), allowed: 'https://<host>[/<path>]' });
    return undefined;
  }
  const displayUrl = quote(`${url.protocol}//${url.host}${url.pathname}`);
  if (url.username || url.password) {
    problems.push({ source, location: '', message: 'The service connection URL contains credentials; put the token in the connection password instead', value: displayUrl });
    return undefined;
  }
  if (url.search || url.hash) {
    problems.push({ source, location: '', message: 'The service connection URL has a query or fragment, which the MLflow REST paths cannot follow', value: quote(raw) });
    return undefined;
  }
  // A bearer token over plain HTTP can be read on the network; only a server on this machine may use it.
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) {
    problems.push({ source, location: '', message: 'The MLflow tracking server URL must use https (plain http is accepted only for localhost)', value: displayUrl, allowed: 'https://<host>[/<path>]' });
    return undefined;
  }
  return url.toString().replace(/\/+$/, '');
}

function readAuthorization(inputs: TaskInputs, connectionId: string, problems: Problem[]): SecretText | undefined {
  const source = `service connection ${quote(connectionId)} (input mlflowConnection)`;
  const authorization = readEndpointAuthorization(inputs, connectionId);
  if (authorization === undefined) {
    problems.push({ source, location: '', message: 'The agent passed no authorization for the service connection. Check that the pipeline is allowed to use it' });
    return undefined;
  }

  const parameter = (name: string): string | undefined => {
    const key = Object.keys(authorization.parameters).find((candidate) => candidate.toLowerCase() === name);
    const value = key === undefined ? undefined : authorization.parameters[key]?.trim();
    return value ? value : undefined;
  };

  const scheme = authorization.scheme.toLowerCase();
  if (scheme === 'usernamepassword') {
    const password = parameter('password');
    if (password === undefined) {
      problems.push({ source, location: '', message: 'The service connection has no password. Put the Databricks personal access token or Entra token in its Password/Token Key field' });
      return undefined;
    }
    const username = parameter('username');
    // MLflow's basic-auth server checks a user name; Databricks and Azure ML take the token alone.
    if (username === undefined || username.toLowerCase() === 'token') {
      return new SecretText(`Bearer ${password}`, [password]);
    }
    const credentials = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    return new SecretText(`Basic ${credentials}`, [password, credentials]);
  }
  if (scheme === 'token') {
    const token = parameter('apitoken');
    if (token === undefined) {
      problems.push({ source, location: '', message: 'The service connection has no API token' });
      return undefined;
    }
    return new SecretText(`Bearer ${token}`, [token]);
  }

  problems.push({
    source,
    location: '',
    message: 'Unsupported authorization scheme of the service connection',
    value: quote(authorization.scheme),
    allowed: 'UsernamePassword (a Generic service connection) or Token',
  });
  return undefined;
}

/** Prefers the whole-object getter, which does not log the secret, over the per-parameter one. */
function readEndpointAuthorization(inputs: TaskInputs, connectionId: string): EndpointAuthorization | undefined {
  if (inputs.endpointAuthorization) {
    return inputs.endpointAuthorization(connectionId);
  }
  const scheme = inputs.endpointScheme(connectionId);
  if (scheme === undefined) {
    return undefined;
  }
  const parameters: Record<string, string> = {};
  for (const key of ['username', 'password', 'apitoken']) {
    const value = inputs.endpointAuthParameter(connectionId, key);
    if (value !== undefined) {
      parameters[key] = value;
    }
  }
  return { scheme, parameters };
}

/** Returns the target registered model name for a model, from the `mlflowTargetModelName` template. */
export function targetModelNameFor(template: string, model: { modelName: string; plantId: string }): string {
  return template.replaceAll('{model_name}', model.modelName).replaceAll('{plant_id}', model.plantId);
}
