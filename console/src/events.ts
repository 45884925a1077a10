import { call, collect, isMissingRoute } from './api.ts';

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

export interface EventType {
  category: string;
  name: string;
}

const BUILT_IN: EventType[] = [
  { category: 'page interaction', name: 'pageview' },
  { category: 'page interaction', name: 'cta click' },
  { category: 'form interaction', name: 'submit' },
];

/** The types the caller can filter by; the built-ins where the stack has no event-types route. */
export const eventTypes = async (): Promise<EventType[]> => {
  try {
    const types = await collect<EventType>('/event-types', {}, 1000);
    return types.length ? types : BUILT_IN;
  } catch (err) {
    if (isMissingRoute(err)) return BUILT_IN;
    throw err;
  }
};

export const sessionEvents = (sessionId: string) =>
  collect<EyeEventItem>('/events', { session_id: sessionId });

export const eventsPage = (query: Record<string, string | undefined>) =>
  call<{ items: EyeEventItem[]; next_cursor: string | null }>('GET', '/events', {
    query: { ...query, limit: 1000 },
  });
