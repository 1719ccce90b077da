import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { InputError, ModelsFileError } from '../../src/errors';
import { compilePlantIdPattern, parseModelsFile } from '../../src/models/parse-models-file';

const fixtures = path.join(__dirname, '..', 'fixtures', 'models');
const SOURCE = 'registered_models.json';
const plantIdPattern = compilePlantIdPattern('^(plant\\d+)-');

/** Parses text that must be invalid and returns the error for closer checks. */
function parseInvalid(text: string, pattern?: RegExp): ModelsFileError {
  try {
    parseModelsFile(text, SOURCE, { plantIdPattern: pattern });
  } catch (error) {
    assert.ok(error instanceof ModelsFileError, `expected ModelsFileError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_MODELS_FILE');
    return error;
  }
  return assert.fail(`expected ModelsFileError for ${text}`);
}

function assertMentions(error: Error, ...fragments: string[]): void {
  for (const fragment of fragments) {
    assert.ok(error.message.includes(fragment), `message lacks ${JSON.stringify(fragment)}:\n${error.message}`);
  }
}

describe('parseModelsFile', () => {
  it('reads models when the file is valid', () => {
    const models = parseModelsFile(readFileSync(path.join(fixtures, 'valid.json'), 'utf8'), SOURCE, { plantIdPattern });

    assert.deepEqual(models, [
      {
        plantId: 'PLANT001',
        modelName: 'plant001-circuit01-model',
        version: '5',
        path: 'models/plant001-circuit01',
        tags: { circuit: '01' },
        metrics: { accuracy: 0.93 },
      },
      { plantId: 'PLANT002', modelName: 'plant002-circuit05-model', version: '2', tags: {}, metrics: { accuracy: 0.88, latency_ms: 42 } },
      { plantId: 'PLANT003', modelName: 'plant003-circuit10-model', version: '4', tags: {}, metrics: {} },
    ]);
  });

  it('keeps an explicit plant_id when a pattern is given', () => {
    const models = parseModelsFile('{"models": [{"plant_id": "site-7", "model_name": "plant001-x", "version": "1"}]}', SOURCE, { plantIdPattern });

    assert.equal(models[0].plantId, 'site-7');
  });

  it('returns no models when the list is empty', () => {
    assert.deepEqual(parseModelsFile('\uFEFF{\r\n"models": []\r\n}', SOURCE, {}), []);
  });

  it('uses the first match when the pattern is global', () => {
    const models = parseModelsFile('{"models": [{"model_name": "plant1-a", "version": 1}, {"model_name": "plant2-b", "version": 1}]}', SOURCE, { plantIdPattern: /(plant\d+)-/g });

    assert.deepEqual(
      models.map((model) => model.plantId),
      ['PLANT1', 'PLANT2'],
    );
  });

  it('names the model when plant_id and pattern are missing', () => {
    const error = parseInvalid('{"models": [\n  {"model_name": "plant001-circuit01-model", "version": 5}\n]}');

    assertMentions(error, '/models/0 (line 2)', 'has no plant_id', 'plantIdPattern input is empty', '"plant001-circuit01-model"', 'a "plant_id" on the model');
  });

  it('names the model when the pattern does not match', () => {
    const error = parseInvalid('{"models": [{"model_name": "line3-model", "version": 5}]}', plantIdPattern);

    assertMentions(error, '/models/0', 'plantIdPattern "^(plant\\\\d+)-" captures no plant ID from model "line3-model"');
  });

  it('rejects a derived plant ID when it is invalid', () => {
    const error = parseInvalid('{"models": [{"model_name": "a:b-model", "version": 5}]}', /^(.*)-model$/);

    assert.equal(error.problems.length, 2, error.message);
    assertMentions(error, '/models/0/model_name', 'found "a:b-model"', 'plant ID derived by plantIdPattern', 'found "A:B"');
  });

  it('reports a duplicate when versions differ in type', () => {
    const error = parseInvalid('{"models": [\n{"plant_id": "P1", "model_name": "m", "version": 5},\n{"plant_id": "P1", "model_name": "m", "version": "5"}\n]}');

    assert.equal(error.problems.length, 1);
    assertMentions(error, '/models/1 (line 3)', 'registers the same plant, model and version as /models/0', 'found "P1:m:5"');
  });

  it('reports bad versions with the accepted forms', () => {
    const error = parseInvalid(
      JSON.stringify({
        models: [
          { plant_id: 'P', model_name: 'a', version: -1 },
          { plant_id: 'P', model_name: 'b', version: 1.5 },
          { plant_id: 'P', model_name: 'c', version: '' },
          { plant_id: 'P', model_name: 'd', version: 'v:2' },
          { plant_id: 'P', model_name: 'e', version: true },
          { plant_id: 'P', model_name: 'f' },
        ],
      }),
    );

    assertMentions(
      error,
      '/models/0/version',
      'found -1',
      '/models/1/version',
      'found 1.5',
      '/models/2/version',
      '/models/3/version',
      'found "v:2"',
      '/models/4/version',
      'found true',
      'a non-negative integer such as 5, or text such as "v2"',
      '/models/5 (line 1): is missing the required property "version"',
    );
  });

  it('reports every field problem in one error', () => {
    const text = JSON.stringify({
      models: [
        { plant_id: 'PLANT:1', model_name: ' padded', version: '1', path: '', tags: { owner: 7 }, metrics: { accuracy: 'high' }, stage: 'prod' },
        { model_name: 'unmatched', version: 2 },
        'plant001-model',
      ],
      extra: true,
    });
    const error = parseInvalid(text, plantIdPattern);

    assertMentions(
      error,
      '/models/0/plant_id',
      'found "PLANT:1"',
      '/models/0/model_name',
      'found " padded"',
      '/models/0/path',
      '/models/0/tags/owner',
      'found 7',
      '/models/0/metrics/accuracy',
      'found "high"',
      '/models/0/stage',
      'plant_id, model_name, version, path, tags, metrics',
      '/models/1',
      'captures no plant ID from model "unmatched"',
      '/models/2',
      'found "plant001-model"',
      '/extra',
      '$schema, models',
    );
    assert.equal(error.problems.length, 9, error.message);
  });

  it('rejects the file when it is not the expected shape', () => {
    assertMentions(parseInvalid(''), 'The file is empty');
    assertMentions(parseInvalid('[]'), 'has the wrong type', 'found []', '{"models": [...]}');
    assertMentions(parseInvalid('{"models": {}}'), '/models', 'an array');
    assertMentions(parseInvalid('{"models": [}'), '1:13', 'is invalid JSON');
    assertMentions(parseInvalid('{"models": [], "models": []}'), '"models" twice');
  });
});

describe('compilePlantIdPattern', () => {
  it('compiles a pattern when it has one group', () => {
    for (const pattern of ['^(plant\\d+)-', '^(?:ml-)?(?<plant>[a-z]+\\d+)', '(?:a)(b)(?:c)', '\\((x)\\)']) {
      assert.ok(compilePlantIdPattern(pattern) instanceof RegExp, pattern);
    }
  });

  it('throws InputError when groups are not one', () => {
    for (const [pattern, count] of [
      ['plant\\d+', 0],
      ['(plant)(\\d+)', 2],
      ['\\(plant\\)', 0],
      ['((a))', 2],
    ] as const) {
      assert.throws(
        () => compilePlantIdPattern(pattern),
        (error: unknown) => {
          assert.ok(error instanceof InputError);
          assert.equal(error.code, 'INVALID_INPUT');
          assertMentions(error, 'plantIdPattern', `has ${count} capture groups`, JSON.stringify(pattern), 'exactly one capture group');
          return true;
        },
      );
    }
  });

  it('throws InputError when the syntax is invalid', () => {
    assert.throws(
      () => compilePlantIdPattern('^(plant'),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assertMentions(error, 'is an invalid regular expression', '"^(plant"');
        return true;
      },
    );
  });
});
