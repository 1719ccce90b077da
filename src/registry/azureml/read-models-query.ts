import type { Problem } from '../../errors';
import type { TaskInputs } from '../../pipeline/task-inputs';
import { quote } from '../../text/neutralize';
import type { RegistryConfig } from '../registry-config';

export const MODELS_SOURCES = ['file', 'workspace'] as const;

/**
 * Reads `modelsSource` and `modelsTags`. Returns the tag query when the models of the run come
 * from the Azure ML workspace, and undefined when they come from `modelsFile` (the default).
 * `registry` is undefined when the registry inputs were invalid; those problems are reported already.
 */
export function readModelsQuery(inputs: TaskInputs, registry: RegistryConfig | undefined, problems: Problem[]): { tags: string } | undefined {
  const raw = inputs.input('modelsSource') ?? 'file';
  const source = MODELS_SOURCES.find((candidate) => candidate === raw.toLowerCase());
  if (source === undefined) {
    problems.push({ source: 'input modelsSource', location: '', message: 'Unknown models source', value: quote(raw), allowed: MODELS_SOURCES.join(', ') });
    return undefined;
  }
  if (source === 'file') {
    return undefined;
  }

  const tags = inputs.input('modelsTags');
  if (tags === undefined) {
    problems.push({ source: 'input modelsTags', location: '', message: 'Input modelsTags is required when modelsSource is workspace', allowed: 'comma-separated tags such as run_id=$(Build.BuildId) or plant_id=PLANT001,stage' });
  }
  if (registry !== undefined && registry.type !== 'azureml') {
    problems.push({ source: 'input modelsSource', location: '', message: `Models can come from the workspace only with registryType azureml, not ${registry.type}`, value: quote(raw), allowed: 'file' });
  }
  return tags === undefined ? undefined : { tags };
}
