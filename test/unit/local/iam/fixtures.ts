import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import type { Principal } from '../../../../local/iam/gate.ts';

// Principals, policies and a stand-in upstream for the gate tests.

export { OPERATOR_CREDENTIALS as OPERATOR } from '../../../../local/deployment.ts';

let nextKey = 0;

/** A function principal whose only policy holds these statements. */
export const principal = (name: string, statements: Record<string, unknown>[]): Principal => {
  nextKey += 1;
  return {
    name,
    arn: `arn:aws:sts::000000000000:assumed-role/${name}Role/${name}`,
    accessKeyId: `ASIATEST${String(nextKey).padStart(12, '0')}`,
    secretAccessKey: `secret-of-${name}-${nextKey}`,
    policies: [{ Version: '2012-10-17', Statement: statements }],
  };
};

export const allow = (
  action: string | string[],
  resource: string | string[],
  condition?: Record<string, unknown>,
) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

export const credentialsOf = (p: Principal) => ({
  accessKeyId: p.accessKeyId,
  secretAccessKey: p.secretAccessKey,
});

/** What an SDK call ended in: 'ok', or the error's name and HTTP status. */
export const outcome = async (call: Promise<unknown>) => {
  try {
    await call;
    return { name: 'ok', status: 200, message: '' };
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
};

/** An upstream that records what reaches it and answers `{}` (a JSON-protocol success). */
export const recordingUpstream = async () => {
  const received: { target: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        target: String(req.headers['x-amz-target'] ?? ''),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** An S3 client signing as `credentials` against a gate, path-style, with no SDK retries to blur outcomes. */
export const gateS3Client = (
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
) =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
