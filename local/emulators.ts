import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Principal } from './iam/gate.ts';

export interface S3ObjectEvent {
  Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number } } }[];
}

export const EMULATORS = ['dynamodb', 's3', 'sqs', 'secretsmanager'] as const;
export type EmulatorKind = (typeof EMULATORS)[number];
export type EmulatorEndpoints = Record<EmulatorKind, string>;

/** What the parent asks of an emulator process; each request is answered with `{ type: 'done', id }`. */
export type EmulatorRequest =
  | { type: 'principals'; id: number; principals: Principal[] }
  | { type: 'secrets'; id: number; secrets: Record<string, string> }
  | { type: 'stop' };
export type EmulatorMessage =
  /** `description` says what answers, when it is worth saying (dynamodb: "Amazon DynamoDB Local 3.3.1"). */
  | { type: 'ready'; endpoint: string; description?: string }
  | { type: 'done'; id: number }
  | { type: 's3event'; event: S3ObjectEvent };

export interface Emulators {
  /** The IAM gates in front of the emulators: the endpoints every client uses. */
  endpoints: EmulatorEndpoints;
  /** Which DynamoDB answers: "Amazon DynamoDB Local 3.3.1". */
  dynamodb: string;
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  /** Who may call (each function with its role policy); the operator may always. */
  setPrincipals(principals: Principal[]): Promise<void>;
  /** Seeds the local Secrets Manager (name → value). */
  putSecrets(secrets: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

interface EmulatorProcess {
  endpoint: string;
  description?: string;
  request(message: Exclude<EmulatorRequest, { type: 'stop' }>): Promise<void>;
  onS3Event(listener: (event: S3ObjectEvent) => void): void;
  stop(): Promise<void>;
}

// s3rver makes its list-continuation tokens with DES, which only the OpenSSL legacy provider has: the
// flag goes to that one process, never to the functions, tests or tools.
const EXEC_ARGV: Partial<Record<EmulatorKind, string[]>> = { s3: ['--openssl-legacy-provider'] };

/** One emulator and its IAM gate in a child process (local/emulators-process.ts), driven over IPC. */
const startEmulatorProcess = (kind: EmulatorKind, dataDir: string): Promise<EmulatorProcess> =>
  new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'emulators-process.ts'), [kind, dataDir], {
      execArgv: EXEC_ARGV[kind] ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listeners: ((event: S3ObjectEvent) => void)[] = [];
    const pending = new Map<number, () => void>();
    let nextId = 0;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the ${kind} emulator exited with ${code} before it was ready`)),
    );
    child.on('message', (message: EmulatorMessage) => {
      if (message.type === 's3event') for (const listener of listeners) listener(message.event);
      if (message.type === 'done') pending.get(message.id)?.();
      if (message.type !== 'ready') return;
      resolve({
        endpoint: message.endpoint,
        description: message.description,
        onS3Event: (listener) => listeners.push(listener),
        request: (request) =>
          new Promise<void>((done) => {
            const id = nextId++;
            pending.set(id, () => {
              pending.delete(id);
              done();
            });
            child.send({ ...request, id });
          }),
        stop: async () => {
          if (child.connected) child.send({ type: 'stop' } satisfies EmulatorRequest);
          await exited;
        },
      });
    });
  });

/**
 * DynamoDB (Amazon DynamoDB Local), S3 (s3rver), SQS (fauxqs) and Secrets Manager, all under
 * dataDir, each in a process of its own behind its IAM gate: one emulator's work (a burst of consumer
 * writes) never holds up another's, and the stack's own process keeps its event loop for the API.
 */
export const startEmulatorsProcesses = async (dataDir: string): Promise<Emulators> => {
  const started = await Promise.all(EMULATORS.map((kind) => startEmulatorProcess(kind, dataDir)));
  const byKind = Object.fromEntries(EMULATORS.map((kind, i) => [kind, started[i]!])) as Record<
    EmulatorKind,
    EmulatorProcess
  >;
  return {
    endpoints: Object.fromEntries(
      EMULATORS.map((kind) => [kind, byKind[kind].endpoint]),
    ) as EmulatorEndpoints,
    dynamodb: byKind.dynamodb.description ?? 'DynamoDB Local',
    onS3Event: (listener) => byKind.s3.onS3Event(listener),
    setPrincipals: async (principals) => {
      await Promise.all(started.map((p) => p.request({ type: 'principals', id: 0, principals })));
    },
    putSecrets: (secrets) => byKind.secretsmanager.request({ type: 'secrets', id: 0, secrets }),
    stop: async () => {
      await Promise.all(started.map((p) => p.stop()));
    },
  };
};
