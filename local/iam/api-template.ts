import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { CfnTemplate } from './function-policies.ts';

// The synthesized API stack, as the IAM gate needs it, cached by a hash of what the template is made
// from: synthesizing takes ~9 s, reading the cache a few ms, so `npm start` pays it only after an
// infrastructure change.

const ROOT = join(import.meta.dirname, '..', '..');
const SYNTH = join(import.meta.dirname, 'synth-api-template.ts');
// The template depends on the CDK code, the resource-env names it binds, and the CDK version.
const INPUTS = ['lib', 'bin', 'shared/core/resource-env.ts', 'package-lock.json', relative(ROOT, SYNTH)];

const filesUnder = async (path: string): Promise<string[]> => {
  const absolute = join(ROOT, path);
  try {
    const entries = await readdir(absolute, { withFileTypes: true });
    const nested = await Promise.all(
      entries.map((entry) =>
        entry.isDirectory() ? filesUnder(join(path, entry.name)) : [join(path, entry.name)],
      ),
    );
    return nested.flat();
  } catch {
    return [path];
  }
};

/** A hash of every input file's path and content, and of the name prefix. */
export const inputsHash = async (namePrefix: string) => {
  const hash = createHash('sha256').update(`namePrefix=${namePrefix}\n`);
  const files = (await Promise.all(INPUTS.map(filesUnder))).flat().sort();
  for (const file of files) hash.update(`${file}\n`).update(await readFile(join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
};

/**
 * The API stack's template for `namePrefix`, from `cacheDir` when its inputs have not changed since it
 * was cached, else synthesized (in a child process) and cached; older cached templates are removed.
 */
export const loadApiTemplate = async (o: { cacheDir: string; namePrefix: string }): Promise<CfnTemplate> => {
  const hash = await inputsHash(o.namePrefix);
  const name = `api-template-${o.namePrefix}-${hash}.json`;
  const file = join(o.cacheDir, name);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CfnTemplate;
  } catch {
    // Not cached yet: synthesize below.
  }
  const { stdout } = await promisify(execFile)(process.execPath, [SYNTH, o.namePrefix], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const template = JSON.parse(stdout) as CfnTemplate;
  await mkdir(o.cacheDir, { recursive: true });
  for (const old of await readdir(o.cacheDir))
    if (old.startsWith(`api-template-${o.namePrefix}-`) && old !== name)
      await rm(join(o.cacheDir, old), { force: true });
  await writeFile(file, stdout);
  return template;
};
