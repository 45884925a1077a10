import { call, collect } from './api.ts';

export interface EyeEventItem {
  id: string;
  application_id: string;
  session_id: string;
  category: string;
  name: string;
  data: Record<string, unknown>;
  timestamp: string;
  received_at: string;
}

export type Mode = 'enforce' | 'warn' | 'off';
export const MODES: Mode[] = ['enforce', 'warn', 'off'];

export interface EventType {
  category: string;
  name: string;
  /** `global`, or the id of the application the type belongs to. */
  owner: string;
  mode: Mode;
  latest_version: number;
  created_at: string;
}

export interface EventTypeVersion {
  version: number;
  schema: unknown;
  created_at: string;
}

/** The types the caller sees: the built-ins and every registered one (global and its own). */
export const eventTypes = () => collect<EventType>('/event-types', {}, 1000);

export const GLOBAL_OWNER = 'global';

/**
 * The path and query of one type. An application always reaches its own type (or else the global one)
 * by name; the admin names the owner of an application's type.
 */
export const typeAddress = (type: Pick<EventType, 'category' | 'name' | 'owner'>, admin: boolean) => ({
  path: `/event-types/${encodeURIComponent(type.category)}/${encodeURIComponent(type.name)}`,
  query: { application_id: admin && type.owner !== GLOBAL_OWNER ? type.owner : undefined },
});

export const eventType = (type: EventType, admin: boolean) => {
  const { path, query } = typeAddress(type, admin);
  return call<EventType & { versions: EventTypeVersion[] }>('GET', path, { query });
};

export const sessionEvents = (sessionId: string) =>
  collect<EyeEventItem>('/events', { session_id: sessionId });
