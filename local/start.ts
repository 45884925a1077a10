import { resolve } from 'node:path';
import { startLocalStack } from './stack.ts';

// `npm start`: the whole API on this machine, state under DATA_DIR, until Ctrl-C.
const started = Date.now();
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

const stack = await startLocalStack({
  port,
  dataDir,
  adminToken: process.env.ADMIN_TOKEN || undefined,
  log: (line) => console.error(`… ${line}`),
});

const seconds = ((Date.now() - started) / 1000).toFixed(1);
// Machine-readable, for tests that talk to the emulators directly (test/integration/harness.ts).
console.log(`Local endpoints: ${JSON.stringify(stack.endpoints)}`);
console.log(
  'IAM:         enforced: each function signs with its own credentials and may do only what its synthesized role policy allows; tools use local/local',
);
console.log(`Local stack ready at ${stack.url} (started in ${seconds} s, data in ${dataDir})`);
console.log(`Admin token: ${stack.adminToken}`);
console.log(`Docs:        ${stack.url}/docs`);
console.log('Try:');
console.log(
  `  curl -s -X POST ${stack.url}/applications -H 'authorization: Bearer ${stack.adminToken}' ` +
    `-H 'content-type: application/json' -d '{"name":"my-app","scopes":["events"]}'`,
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`… ${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await stack.stop();
  console.error('… stopped cleanly');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
