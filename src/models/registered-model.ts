/** One model version registered by this pipeline run, the unit that is approved and promoted. */
export interface RegisteredModel {
  /** Plant the model serves, upper-case when derived through `plantIdPattern`. */
  plantId: string;
  modelName: string;
  /** Always a string: `5` and `"5"` in registered_models.json are the same version. */
  version: string;
  /** Folder or file holding the model's files; the local registry copies it. */
  path?: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

/** Returns the approval key `<PLANT_ID>:<MODEL_NAME>:<VERSION>` of a model. */
export function approvalKey(model: Pick<RegisteredModel, 'plantId' | 'modelName' | 'version'>): string {
  return `${model.plantId}:${model.modelName}:${model.version}`;
}
