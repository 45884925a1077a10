import { startIamGate } from '../local/iam/gate.ts';

// One IAM gate in a process of its own, so bench/iam.ts can read the gate's CPU time apart from the
// client's and the emulator's. Messages: {start: options} → {endpoint}; 'cpu' → {cpu: µs}; 'stop'.

let stop: (() => Promise<void>) | undefined;
process.on('message', async (message: { start?: Parameters<typeof startIamGate>[0] } | 'cpu' | 'stop') => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ cpu: user + system });
  } else if (message === 'stop') {
    await stop?.();
    process.exit(0);
  } else if (message.start) {
    const gate = await startIamGate(message.start);
    stop = gate.stop;
    process.send!({ endpoint: gate.endpoint });
  }
});
process.on('disconnect', () => process.exit(0));
