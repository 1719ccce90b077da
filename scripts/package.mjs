// Builds the tasks and the summary tab, then packages the extension into
// dist/<publisher>.<id>-<version>.vsix with tfx-cli, offline.
//
// vss-extension.json declares the tasks, icons and overview. Each web/<contribution>/contribution.json
// fragment declares its own contributions, scopes and files, and is merged in here through
// tfx's `--override`. The fragments are not passed to tfx as manifests because tfx resolves a
// manifest's file paths against the manifest's own folder, while the fragments name their
// files relative to the repository root (`dist/web`), as their `uri` properties do.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputFolder = path.join(root, 'dist');

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(command)} ${args[0]} failed with exit code ${code}:\n${stdout}`));
    });
  });
}

async function exists(file) {
  return stat(file).then(
    () => true,
    (error) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** Reads every web/<folder>/contribution.json, in folder name order so the package is reproducible. */
async function readTabFragments() {
  const webFolder = path.join(root, 'web');
  const entries = (await exists(webFolder)) ? await readdir(webFolder, { withFileTypes: true }) : [];
  const fragments = [];
  for (const entry of entries.filter((item) => item.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(webFolder, entry.name, 'contribution.json');
    if (!(await exists(file))) continue;
    try {
      fragments.push({ file, manifest: JSON.parse(await readFile(file, 'utf8')) });
    } catch (error) {
      throw new Error(`Invalid JSON in ${path.relative(root, file)}: ${error.message}. Fix the fragment and package again.`);
    }
  }
  return fragments;
}

/**
 * Builds the partial manifest passed to `tfx --override`: the fragments' contributions and
 * scopes, and their files that vss-extension.json does not declare already, as absolute paths.
 */
async function mergeFragments(manifest, fragments) {
  const declaredPaths = new Set(manifest.files.map((file) => path.normalize(file.path)));
  const override = { contributions: [], scopes: [], files: [] };

  for (const { file, manifest: fragment } of fragments) {
    override.contributions.push(...(fragment.contributions ?? []));
    override.scopes.push(...(fragment.scopes ?? []));

    for (const declaration of fragment.files ?? []) {
      const absolutePath = path.resolve(root, declaration.path);
      if (!(await exists(absolutePath))) {
        throw new Error(
          `${path.relative(root, file)} declares the file "${declaration.path}", which does not exist. Run \`npm run build\` first.`,
        );
      }
      if (!declaredPaths.has(path.normalize(declaration.path))) {
        override.files.push({ ...declaration, path: absolutePath });
      }
    }
  }

  override.scopes = [...new Set(override.scopes)];
  return override;
}

async function removeOldPackages() {
  if (!(await exists(outputFolder))) return;
  for (const name of await readdir(outputFolder)) {
    if (name.endsWith('.vsix')) await rm(path.join(outputFolder, name));
  }
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Runs `tfx extension create` and returns the path of the .vsix it wrote. */
async function createVsix(override) {
  const tfx = path.join(root, 'node_modules', '.bin', 'tfx');
  const tfxOutput = await run(tfx, [
    'extension',
    'create',
    '--root',
    root,
    '--manifest-globs',
    'vss-extension.json',
    '--override',
    JSON.stringify(override),
    '--output-path',
    outputFolder,
    '--no-prompt',
    '--no-color',
  ]);
  const lines = tfxOutput.split(/\r?\n/);

  // tfx-cli 0.23.1 reports an invalid task.json (friendlyName over 40 characters, no
  // instanceNameFormat, a missing execution target) only as a warning and still writes the
  // package, so every warning fails the packaging here.
  const warnings = lines.filter((line) => line.startsWith('warning:'));
  if (warnings.length > 0) {
    await removeOldPackages();
    throw new Error(`tfx extension create reported problems, so no package was kept:\n${warnings.join('\n')}`);
  }

  const vsixLine = lines.find((line) => line.startsWith(' - VSIX: '));
  if (!vsixLine) throw new Error(`tfx extension create printed no VSIX path. Its output was:\n${tfxOutput}`);
  return vsixLine.slice(' - VSIX: '.length).trim();
}

async function main() {
  const manifest = JSON.parse(await readFile(path.join(root, 'vss-extension.json'), 'utf8'));

  process.stdout.write(await run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]));
  for (const file of manifest.files) {
    if (!(await exists(path.join(root, file.path)))) {
      throw new Error(`vss-extension.json declares "${file.path}", which the build did not produce. Check \`npm run build\`.`);
    }
  }

  const fragments = await readTabFragments();
  const override = await mergeFragments(manifest, fragments);
  await removeOldPackages();
  const vsixPath = await createVsix(override);

  const { size } = await stat(vsixPath);
  const tabs = fragments.map(({ file }) => path.relative(root, file)).join(', ') || 'none';
  console.log(`Merged tab fragments: ${tabs}`);
  console.log(`Packaged ${path.relative(root, vsixPath)} (${formatSize(size)}, ${size} bytes)`);
}

try {
  await main();
} catch (error) {
  console.error(`Packaging failed: ${error.message}`);
  process.exitCode = 1;
}
