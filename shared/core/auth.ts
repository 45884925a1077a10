// What the authorizer hands to every route (API Gateway HTTP API simple-response context).
// HTTP APIs cannot shape the body of an authorizer's deny, so the authorizer always allows and reports
// its verdict here; the HTTP chain turns `unauthorized`/`forbidden` into the API.md error body.
export type AuthOutcome = 'allow' | 'unauthorized' | 'forbidden';

export interface AuthContext {
  outcome: AuthOutcome;
  principal: 'admin' | 'application' | 'anonymous';
  application_id: string;
  scopes: string;
}

export type Caller = { kind: 'admin' } | { kind: 'application'; applicationId: string; scopes: string[] };

export const SCOPES = ['events', 'locations', 'bus', 'advisors', 'datasets'] as const;
export type Scope = (typeof SCOPES)[number];
export type RouteAuth = 'public' | 'admin' | Scope;

export const decideAccess = (required: RouteAuth, caller: Caller | undefined): AuthOutcome => {
  if (required === 'public') return 'allow';
  if (!caller) return 'unauthorized';
  if (caller.kind === 'admin') return 'allow';
  if (required === 'admin') return 'forbidden';
  return caller.scopes.includes(required) ? 'allow' : 'forbidden';
};

export const toAuthContext = (outcome: AuthOutcome, caller: Caller | undefined): AuthContext => ({
  outcome,
  principal: caller?.kind ?? 'anonymous',
  application_id: caller?.kind === 'application' ? caller.applicationId : '',
  scopes: caller?.kind === 'application' ? caller.scopes.join(',') : '',
});

export const callerFromContext = (ctx: AuthContext | undefined): Caller | undefined => {
  if (!ctx || ctx.principal === 'anonymous') return undefined;
  if (ctx.principal === 'admin') return { kind: 'admin' };
  return {
    kind: 'application',
    applicationId: ctx.application_id,
    scopes: ctx.scopes ? ctx.scopes.split(',') : [],
  };
};

/**
 * The application whose data a request may see: an application always its own; the admin all
 * (`undefined`) or one it names with `?application_id=`.
 */
export const ownerScope = (caller: Caller, requested?: string): string | undefined =>
  caller.kind === 'application' ? caller.applicationId : requested;
