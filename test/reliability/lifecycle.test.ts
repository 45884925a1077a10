import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { EMULATORS } from '../../local/emulators.ts';
import { launchStack } from '../integration/harness.ts';
import { isAlive, type Proc, processTree, survivors } from './processes.ts';

// Nothing of the stack may outlive it, however it stops. Each case starts a stack with a DATA_DIR of
// its own, records its whole process tree (the main process, one process per emulator, DynamoDB
// Local's JVM), stops it one way, and expects every one of those processes gone within a few seconds.

const GONE_WITHIN_MS = 8000;
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const onLinux = process.platform === 'linux' ? describe : describe.skip;

let recorded: Proc[] = [];
const dirs: string[] = [];
afterEach(() => {
  // A failing case must not leave its processes to the next cases, or to the machine.
  for (const proc of recorded.filter(isAlive)) process.kill(proc.pid, 'SIGKILL');
  recorded = [];
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const freshDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'eye-lifecycle-'));
  dirs.push(dir);
  return dir;
};

/** The tree under the stack's main process, checked to be all of it: three emulators and the JVM. */
const recordTree = (mainPid: number) => {
  recorded = processTree(mainPid);
  expect(recorded.filter((p) => p.cmdline.includes('emulators-process.ts'))).toHaveLength(EMULATORS.length);
  expect(recorded.filter((p) => /\bjava\b.*DynamoDBLocal\.jar/.test(p.cmdline))).toHaveLength(1);
  return recorded;
};

const expectAllGone = async (tree: Proc[]) => {
  const alive = await survivors(tree, GONE_WITHIN_MS);
  expect(alive.map((p) => `${p.pid} ${p.cmdline}`)).toEqual([]);
};

/** The JSON line crashing-test.ts prints once its stack is up. */
const reported = (child: ChildProcess) =>
  new Promise<{ pid: number; dataDir: string }>((resolvePromise, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\{.*\}$/m.exec(out)?.[0];
      if (line) resolvePromise(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`crashing-test.ts exited with ${code}: ${out}`)));
  });

onLinux('no process of the local stack outlives it', () => {
  test.each([
    ['Ctrl-C (SIGINT to its process group)', true, (pid: number) => process.kill(-pid, 'SIGINT')],
    ['SIGTERM to its main process', false, (pid: number) => process.kill(pid, 'SIGTERM')],
    ['SIGKILL of its main process alone', false, (pid: number) => process.kill(pid, 'SIGKILL')],
  ])('%s', async (_, detached, stop) => {
    // Detached: a process group of its own, so that Ctrl-C reaches the stack and not jest.
    const { child } = await launchStack({ DATA_DIR: freshDataDir() }, { detached });
    const tree = recordTree(child.pid!);
    stop(child.pid!);
    await expectAllGone(tree);
  });

  test('SIGKILL of the DynamoDB emulator process alone: its JVM dies with it', async () => {
    const { child } = await launchStack({ DATA_DIR: freshDataDir() });
    const tree = recordTree(child.pid!);
    const jvm = tree.filter((p) => p.cmdline.includes('DynamoDBLocal.jar'));
    const wrapper = tree.find((p) => /emulators-process\.ts dynamodb/.test(p.cmdline))!;
    process.kill(wrapper.pid, 'SIGKILL');
    await expectAllGone(jvm);
    child.kill('SIGTERM');
    await expectAllGone(tree);
  });

  test('a crashed test: the process that spawned the stack through the harness dies by SIGKILL', async () => {
    const spawner = spawn(NODE, [join(import.meta.dirname, 'crashing-test.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stack = await reported(spawner);
    dirs.push(stack.dataDir);
    const tree = recordTree(stack.pid);
    spawner.kill('SIGKILL');
    await expectAllGone(tree);
  });
});
