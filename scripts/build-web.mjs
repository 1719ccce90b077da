// Bundles the "Model promotion" tab into dist/web/promotion-tab.{html,js,css}. The extension
// package serves these files as they are, so the script bundles and minifies everything the
// page imports (the Azure DevOps SDK and REST clients included) into one script.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'web', 'promotion-tab');
const output = path.join(root, 'dist', 'web');

export async function buildWeb() {
  await rm(output, { recursive: true, force: true });
  await mkdir(output, { recursive: true });
  const result = await build({
    entryPoints: {
      'promotion-tab': path.join(source, 'promotion-tab.ts'),
    },
    outdir: output,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Browsers that Azure DevOps Services supports: current Edge, Chrome, Firefox and Safari.
    target: ['chrome110', 'edge110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  await build({
    entryPoints: { 'promotion-tab': path.join(source, 'styles.css') },
    outdir: output,
    bundle: true,
    minify: true,
    logLevel: 'warning',
  });
  await copyFile(path.join(source, 'promotion-tab.html'), path.join(output, 'promotion-tab.html'));

  const bytes = Object.values(result.metafile.outputs).find((file) => file.entryPoint)?.bytes ?? 0;
  console.log(`Built the summary tab into dist/web/ (promotion-tab.js ${(bytes / 1024).toFixed(0)} KiB)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb();
}
