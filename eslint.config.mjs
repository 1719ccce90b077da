import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The decision core takes text and data in and returns values out, so it stays testable
// without an agent: these folders may not import task-lib, the file system or the network.
const pureCoreFolders = ['src/approvals/**', 'src/approvers/**', 'src/decision/**', 'src/models/**'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.demo/', 'test-output/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: pureCoreFolders,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'fs/promises', 'node:fs', 'node:fs/promises', 'http', 'https', 'node:http', 'node:https', 'azure-pipelines-task-lib', 'azure-pipelines-task-lib/task'],
          patterns: ['azure-pipelines-task-lib/*', '**/pipeline/*', '**/registry/*'],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'fetch'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }],
    },
  },
);
