import { startTestStack } from '../integration/harness.ts';

// A stand-in for a test process that crashes: it starts a stack through the harness as a test does,
// says which process is the stack's, then waits to be killed (lifecycle.test.ts sends it SIGKILL).
const stack = await startTestStack();
console.log(JSON.stringify({ pid: stack.pid, dataDir: stack.dataDir }));
