import { EMULATORS, type EmulatorKind, type ReadyMessage, startEmulator } from './emulators.ts';

// One emulator in a process of its own, talking to its parent over the IPC channel only.
const [kind, dataDir] = process.argv.slice(2) as [EmulatorKind, string];
if (!EMULATORS.includes(kind) || !dataDir || !process.send) {
  throw new Error('usage: forked by local/emulators.ts with an emulator kind and a DATA_DIR');
}
const send = process.send.bind(process);

// Listening before the emulator is up: a parent that dies while it starts must stop it too.
const starting = startEmulator(kind, dataDir);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await (await starting).stop();
  process.exit(0);
};
process.on('message', (message: { type?: string }) => {
  if (message.type === 'stop') void stop();
});
// The parent died without asking (SIGKILL): close the store cleanly rather than linger.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
// Ctrl-C reaches the whole process group; the parent decides when its emulators stop.
process.on('SIGINT', () => {});

const emulator = await starting;
emulator.onS3Event?.((event) => send({ type: 's3event', event }));
void emulator.died?.then((reason) => {
  console.error(`local ${kind} emulator: ${reason}`);
  process.exit(1);
});
const ready: ReadyMessage = { type: 'ready', endpoint: emulator.endpoint, description: emulator.description };
if (process.connected) send(ready);
