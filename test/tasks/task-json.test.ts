import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import {
  TASK_FOLDERS,
  allowedValues,
  assertMinimumAgentVersionCoversHandlers,
  loadTaskSchemaValidator,
  parseVisibleRule,
  readTaskManifest,
  repoRoot,
  type TaskInput,
  type TaskManifest,
} from '../package/task-manifest-checks';

/**
 * Fields of shared inputs that differ between the tasks on purpose. `artifactName` names each
 * task's own output. Only PromoteModels can read the models from an Azure ML workspace
 * (`modelsSource`), so only there does `modelsFile` hide behind a visible rule.
 */
const PER_TASK_FIELDS: Record<string, (keyof TaskInput)[]> = {
  artifactName: ['defaultValue', 'helpMarkDown'],
  modelsFile: ['visibleRule'],
};

const MARKDOWN_LINK = /\[[^\]]+\]\(https:\/\/[^)\s]+\)/;

const extensionManifest = JSON.parse(readFileSync(path.join(repoRoot, 'vss-extension.json'), 'utf8')) as { publisher: string; id: string };
const marketplaceItemName = `${extensionManifest.publisher}.${extensionManifest.id}`;

const manifests: [string, TaskManifest][] = TASK_FOLDERS.map((folder) => [
  folder,
  readTaskManifest(path.join(repoRoot, 'tasks', folder, 'task.json')),
]);

describe('task.json', () => {
  const validate = loadTaskSchemaValidator();

  for (const [folder, manifest] of manifests) {
    describe(folder, () => {
      const inputs = manifest.inputs ?? [];
      const inputsByName = new Map(inputs.map((input) => [input.name, input]));

      it('is valid against the task schema', () => {
        assert.deepEqual(validate(manifest), []);
      });

      it('has a short friendly name', () => {
        assert.ok(manifest.friendlyName.length <= 40, `friendlyName "${manifest.friendlyName}" is over 40 characters, which tfx rejects`);
      });

      it('has an instance name format naming inputs', () => {
        assert.ok(manifest.instanceNameFormat, 'instanceNameFormat is missing');
        for (const [, name] of manifest.instanceNameFormat.matchAll(/\$\(([^)]+)\)/g)) {
          assert.ok(inputsByName.has(name), `instanceNameFormat refers to $(${name}), which is not an input`);
        }
      });

      it('covers every handler with minimumAgentVersion', () => {
        assertMinimumAgentVersionCoversHandlers(manifest);
      });

      it('links to documentation from its help', () => {
        assert.match(manifest.helpMarkDown ?? '', MARKDOWN_LINK);
      });

      it('links to its own Marketplace page', () => {
        const text = JSON.stringify(manifest);
        const itemNames = [...text.matchAll(/marketplace\.visualstudio\.com\/items\?itemName=([A-Za-z0-9.-]+)/g)].map((match) => match[1]);
        assert.ok(itemNames.length > 0, 'no link to the Marketplace page');
        for (const itemName of itemNames) {
          assert.equal(itemName, marketplaceItemName, `Marketplace link names ${itemName}, but vss-extension.json publishes ${marketplaceItemName}`);
        }
      });

      it('has unique input names', () => {
        assert.equal(inputsByName.size, inputs.length, `duplicate input names in ${inputs.map((input) => input.name).join(', ')}`);
      });

      it('gives every input help and a group', () => {
        const groupNames = new Set((manifest.groups ?? []).map((group) => group.name));
        for (const input of inputs) {
          assert.ok(input.helpMarkDown?.trim(), `input ${input.name} has no helpMarkDown`);
          assert.ok(input.groupName, `input ${input.name} has no groupName`);
          assert.ok(groupNames.has(input.groupName), `input ${input.name} names the group "${input.groupName}", which is not in groups`);
        }
      });

      it('uses every group', () => {
        const usedGroups = new Set(inputs.map((input) => input.groupName));
        for (const group of manifest.groups ?? []) {
          assert.ok(usedGroups.has(group.name), `group ${group.name} has no inputs, so the designer shows an empty section`);
        }
      });

      it('has visible rules on existing inputs', () => {
        for (const input of inputs.filter((candidate) => candidate.visibleRule !== undefined)) {
          const clauses = parseVisibleRule(input.visibleRule ?? '');
          for (const clause of clauses) {
            const target = inputsByName.get(clause.input);
            assert.ok(target, `input ${input.name}: visibleRule "${input.visibleRule}" names ${clause.input}, which is not an input`);
            assert.notEqual(clause.input, input.name, `input ${input.name}: visibleRule refers to the input itself`);

            const values = allowedValues(target);
            if (values && (clause.operator === '=' || clause.operator === '==' || clause.operator === '!=')) {
              assert.ok(
                values.some((value) => value.toLowerCase() === clause.value.toLowerCase()),
                `input ${input.name}: visibleRule compares ${clause.input} with "${clause.value}", which is not one of ${values.join(', ')}`,
              );
            }
          }
        }
      });

      it('shows registry inputs per registry', () => {
        const registryInputs = inputs.filter((input) => input.groupName === 'registry' && input.name !== 'registryType');
        for (const input of registryInputs) {
          assert.ok(input.visibleRule, `registry input ${input.name} has no visibleRule, so the designer shows it for every registry`);
          const clauses = parseVisibleRule(input.visibleRule);
          assert.ok(
            clauses.some((clause) => clause.input === 'registryType'),
            `registry input ${input.name} has no visibleRule on registryType, so the designer shows it for every registry`,
          );
        }
      });

      it('has pick list defaults among options', () => {
        for (const input of inputs.filter((candidate) => candidate.type === 'pickList' || candidate.type === 'radio')) {
          const options = Object.keys(input.options ?? {});
          assert.ok(options.length > 0, `pick list ${input.name} has no options`);
          if (input.defaultValue !== undefined && input.defaultValue !== '') {
            assert.ok(options.includes(String(input.defaultValue)), `pick list ${input.name}: default "${input.defaultValue}" is not one of ${options.join(', ')}`);
          }
        }
      });

      it('has boolean defaults true or false', () => {
        for (const input of inputs.filter((candidate) => candidate.type === 'boolean')) {
          assert.ok(['true', 'false'].includes(String(input.defaultValue)), `boolean ${input.name}: default "${input.defaultValue}" is not true or false`);
        }
      });

      it('describes every output variable', () => {
        const outputs = manifest.outputVariables ?? [];
        assert.ok(outputs.length > 0, 'no outputVariables are declared');
        for (const output of outputs) {
          assert.ok(output.description?.trim(), `output variable ${output.name} has no description`);
        }
      });
    });
  }

  it('defines shared inputs identically', () => {
    const [[firstFolder, first], [secondFolder, second]] = manifests;
    const secondInputs = new Map((second.inputs ?? []).map((input) => [input.name, input]));
    const shared = (first.inputs ?? []).filter((input) => secondInputs.has(input.name));
    assert.ok(shared.length > 0, `${firstFolder} and ${secondFolder} share no inputs`);

    for (const input of shared) {
      const other = secondInputs.get(input.name) as TaskInput;
      const ignored = new Set(PER_TASK_FIELDS[input.name] ?? []);
      const comparable = (definition: TaskInput) => Object.fromEntries(Object.entries(definition).filter(([key]) => !ignored.has(key as keyof TaskInput)));
      assert.deepEqual(comparable(other), comparable(input), `input ${input.name} differs between ${firstFolder} and ${secondFolder}`);
    }
  });
});

describe('parseVisibleRule', () => {
  it('splits clauses joined by &&', () => {
    assert.deepEqual(parseVisibleRule('registryType = azureml && dryRun != true'), [
      { input: 'registryType', operator: '=', value: 'azureml' },
      { input: 'dryRun', operator: '!=', value: 'true' },
    ]);
  });

  it('splits clauses joined by ||', () => {
    assert.deepEqual(parseVisibleRule('registryType = azureml || registryType = mlflow'), [
      { input: 'registryType', operator: '=', value: 'azureml' },
      { input: 'registryType', operator: '=', value: 'mlflow' },
    ]);
  });

  it('reads word operators', () => {
    assert.deepEqual(parseVisibleRule('plants NotContains PLANT001'), [{ input: 'plants', operator: 'NotContains', value: 'PLANT001' }]);
  });

  it('rejects mixed && and ||', () => {
    assert.throws(() => parseVisibleRule('a = b && c = d || e = f'), /mixes && and \|\|/);
  });

  it('rejects a clause without operator', () => {
    assert.throws(() => parseVisibleRule('registryType'), /has no comparison operator/);
  });
});
