import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// Forwarding to the emulator behind the gate: bodies are streamed both ways (multi-GB S3 objects never
// sit in memory) over kept-alive connections (a new TCP connection per request would cost more than
// the IAM check).

export interface Upstream {
  host: string;
  port: number;
  agent: Agent;
}

export const upstreamOf = (url: string): Upstream => {
  const { hostname, port } = new URL(url);
  return {
    host: hostname,
    port: Number(port || 80),
    agent: new Agent({ keepAlive: true, maxSockets: Infinity }),
  };
};

// Hop-by-hop headers belong to one connection, not to the request (RFC 9110 §7.6.1); `expect` is
// answered by this server already (Node sends the 100 Continue).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

const endToEnd = (headers: IncomingHttpHeaders) => {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
};

export interface UpstreamRequest {
  method: string;
  /** Path and query, as they go on the wire. */
  path: string;
  headers: IncomingHttpHeaders;
  /** A buffered body, or the client's request to stream from. */
  body: Buffer | Readable;
}

/** Sends the request upstream and resolves with its response (headers received, body unread). */
export const sendUpstream = (upstream: Upstream, out: UpstreamRequest): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const headers = endToEnd(out.headers);
    if (Buffer.isBuffer(out.body)) {
      headers['content-length'] = String(out.body.length);
      delete headers['transfer-encoding'];
    }
    const upstreamRequest = request({
      host: upstream.host,
      port: upstream.port,
      agent: upstream.agent,
      method: out.method,
      path: out.path,
      headers,
    });
    upstreamRequest.once('response', resolve);
    upstreamRequest.once('error', reject);
    if (Buffer.isBuffer(out.body)) upstreamRequest.end(out.body);
    // A client that goes away mid-upload aborts the upstream request too (pipeline destroys both).
    else pipeline(out.body, upstreamRequest).catch(reject);
  });

/** Writes the upstream response back to the client, streaming its body. */
export const relay = async (response: IncomingMessage, res: ServerResponse) => {
  res.writeHead(response.statusCode ?? 502, response.statusMessage, endToEnd(response.headers));
  await pipeline(response, res);
};

export const readBody = async (stream: Readable, limit: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};
