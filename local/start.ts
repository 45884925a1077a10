import { resolve } from 'node:path';
import { JavaRequiredError } from './java.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

// `npm start`: the whole API on this machine, state under DATA_DIR, until Ctrl-C.
const started = Date.now();
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

const starting: Promise<LocalStack> = startLocalStack({
  port,
  dataDir,
  adminToken: process.env.ADMIN_TOKEN || undefined,
  log: (line) => console.error(`… ${line}`),
}).catch((err: unknown) => {
  if (!(err instanceof JavaRequiredError)) throw err;
  console.error(err.message);
  process.exit(1);
});

// Registered before the stack is up: a stop asked for while it starts waits for it, then stops it all.
let stopping = false;
const shutdown = async (reason: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`… ${reason}: stopping`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await (await starting).stop();
  console.error('… stopped cleanly');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Spawned with an IPC channel (test/integration/harness.ts): the spawner's death, even by SIGKILL (a
// crashed test), closes the channel, and the stack must not outlive it.
// process.send exists iff there is a channel; it may have closed already, while the modules loaded.
if (process.send) {
  process.on('disconnect', () => void shutdown('parent gone'));
  if (!process.connected) void shutdown('parent gone');
}

const stack = await starting;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
// Machine-readable, for tests that talk to the emulators directly (test/integration/harness.ts).
console.log(`Local endpoints: ${JSON.stringify(stack.endpoints)}`);
console.log(
  'IAM:         enforced: each function signs with its own credentials and may do only what its synthesized role policy allows; tools use local/local',
);
console.log(`DynamoDB:    ${stack.dynamodb}`);
console.log(`Local stack ready at ${stack.url} (started in ${seconds} s, data in ${dataDir})`);
console.log(`Admin token: ${stack.adminToken}`);
console.log(`Docs:        ${stack.url}/docs`);
console.log('Try:');
console.log(
  `  curl -s -X POST ${stack.url}/applications -H 'authorization: Bearer ${stack.adminToken}' ` +
    `-H 'content-type: application/json' -d '{"name":"my-app","scopes":["events"]}'`,
);
