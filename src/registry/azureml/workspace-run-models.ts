import type { Problem } from '../../errors';
import type { RegisteredModel } from '../../models/registered-model';
import { quote } from '../../text/neutralize';
import type { WorkspaceModelVersion } from './arm-client';

/** Tag of a workspace model version that names its plant, as registered_models.json's `plant_id` does. */
export const PLANT_ID_TAG = 'plant_id';

const VALID_PLANT_ID = /^[^:\s\p{Cc}](?:[^:\p{Cc}]*[^:\s\p{Cc}])?$/u;

/**
 * Turns the workspace model versions a tag query found into the models of the run. The plant
 * comes from the `plant_id` tag, else from the upper-cased capture of `plantIdPattern`, the same
 * rule as for registered_models.json. Every version without a usable plant ID is a problem.
 */
export function toRunModels(versions: readonly WorkspaceModelVersion[], plantIdPattern: RegExp | undefined, source: string): { models: RegisteredModel[]; problems: Problem[] } {
  const models: RegisteredModel[] = [];
  const problems: Problem[] = [];
  for (const version of versions) {
    const location = `${version.name}:${version.version}`;
    const plantId = version.tags[PLANT_ID_TAG] ?? derivePlantId(version.name, plantIdPattern);
    if (plantId === undefined || !VALID_PLANT_ID.test(plantId)) {
      problems.push({
        source,
        location,
        message: plantId === undefined ? `has no ${PLANT_ID_TAG} tag, and plantIdPattern captures no plant ID from its name` : `has an invalid plant ID`,
        value: plantId === undefined ? undefined : quote(plantId),
        allowed: `a ${PLANT_ID_TAG} tag without ':', control characters or spaces at either end, or a plantIdPattern input that captures the plant from the model name`,
      });
      continue;
    }
    models.push({ plantId, modelName: version.name, version: version.version, tags: { ...version.tags }, metrics: {} });
  }
  models.sort((left, right) => left.modelName.localeCompare(right.modelName) || Number(left.version) - Number(right.version));
  return { models, problems };
}

function derivePlantId(modelName: string, pattern: RegExp | undefined): string | undefined {
  if (pattern === undefined) {
    return undefined;
  }
  // A global or sticky pattern would continue from the previous match, so a fresh copy runs once.
  const capture = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(modelName)?.[1];
  return capture ? capture.toUpperCase() : undefined;
}
