// Bundles each task into one file under dist/tasks/<TaskFolder>/ next to its task.json and
// icon, so the packaged extension carries no node_modules tree. task-lib 5.281 embeds its
// message strings, so the bundle runs on its own.
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const taskFolders = ['PromoteModelsIndividually', 'RequestApprovals'];

async function buildTask(folder) {
  const source = path.join(root, 'tasks', folder);
  const output = path.join(root, 'dist', 'tasks', folder);
  await rm(output, { recursive: true, force: true });
  await mkdir(output, { recursive: true });
  await build({
    entryPoints: [path.join(source, 'index.ts')],
    outfile: path.join(output, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await cp(path.join(source, 'task.json'), path.join(output, 'task.json'));
  await cp(path.join(source, 'icon.png'), path.join(output, 'icon.png')).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

await Promise.all(taskFolders.map(buildTask));
console.log(`Built ${taskFolders.length} tasks into dist/tasks/`);
await buildWeb();
