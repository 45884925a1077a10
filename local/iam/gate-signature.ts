import type { ServerResponse } from 'node:http';
import { LOCAL_AWS, type Principal } from './aws-account.ts';
import { type AuthFailure, authFailureReply, type Service, s3Reply } from './errors.ts';
import { type Incoming, send } from './gate-request.ts';
import {
  type Authentication,
  presignedExpiry,
  type Signature,
  sha256Hex,
  signatureMatches,
} from './sigv4.ts';

// Step 1 of the gate: who signed the request, and whether the signature holds, as AWS checks it.

interface Caller {
  principal?: Principal;
  secretAccessKey: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const signatureChecks = (
  service: Service,
  operator: Credentials,
  principalOf: (accessKeyId: string) => Principal | undefined,
) => {
  /** The operator (no principal: anything goes) or a known principal; undefined for an unknown key. */
  const callerOf = (signature: Signature): Caller | undefined => {
    if (signature.accessKeyId === operator.accessKeyId) return { secretAccessKey: operator.secretAccessKey };
    const principal = principalOf(signature.accessKeyId);
    return principal ? { principal, secretAccessKey: principal.secretAccessKey } : undefined;
  };

  /** Why an authenticated-looking request is refused before its signature is checked, if it is. */
  const preliminaryFailure = (auth: Authentication): AuthFailure | undefined => {
    if (auth.kind === 'unsigned') return { kind: 'missing' };
    if (auth.kind === 'malformed') return auth;
    if (!callerOf(auth)) return { kind: 'unknownKey', accessKeyId: auth.accessKeyId };
    if (auth.scope.service !== service || auth.scope.region !== LOCAL_AWS.region)
      return { kind: 'wrongScope', accessKeyId: auth.accessKeyId, ...auth.scope, expectedService: service };
    const expires = presignedExpiry(auth);
    if (expires && expires.getTime() < Date.now())
      return { kind: 'expired', expires, expiresSeconds: auth.expiresSeconds ?? 0 };
    return undefined;
  };

  const badSignature = (res: ServerResponse, method: string, signature: Signature) =>
    send(
      res,
      authFailureReply(
        service,
        method,
        { kind: 'badSignature', accessKeyId: signature.accessKeyId },
        LOCAL_AWS.region,
      ),
    );

  /** Checks the signature (the payload hash it covers included); answers the refusal if it fails. */
  const verified = (incoming: Incoming, signature: Signature, body: Buffer | undefined): boolean => {
    const { req, res, method, rawPath, query } = incoming;
    const caller = callerOf(signature)!;
    const declared =
      signature.kind === 'query'
        ? (signature.contentSha256 ?? (service === 's3' ? 'UNSIGNED-PAYLOAD' : undefined))
        : (req.headers['x-amz-content-sha256'] as string | undefined);
    const bodyHash = body ? sha256Hex(body) : undefined;
    // A signed payload hash must be the body's: otherwise a captured signature would carry any body.
    if (
      declared !== undefined &&
      bodyHash !== undefined &&
      /^[0-9a-f]{64}$/.test(declared) &&
      declared !== bodyHash
    ) {
      if (service !== 's3') badSignature(res, method, signature);
      else
        send(
          res,
          s3Reply(
            method,
            400,
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          ),
        );
      return false;
    }
    const payloadHash = declared ?? bodyHash ?? sha256Hex('');
    if (
      signatureMatches(signature, caller.secretAccessKey, {
        method,
        rawPath,
        query,
        headers: req.headers,
        payloadHash,
      })
    )
      return true;
    badSignature(res, method, signature);
    return false;
  };

  return { callerOf, preliminaryFailure, verified };
};
