import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './api.ts';
import { AdvisorsView } from './views/advisors.tsx';
import { BusView } from './views/bus.tsx';
import { DatasetsView } from './views/datasets.tsx';
import { ErrorsView } from './views/errors.tsx';
import { EventTypesView } from './views/event-types.tsx';
import { EventsView } from './views/events.tsx';
import { LocationsView } from './views/locations.tsx';
import { SessionView } from './views/session.tsx';
import { SignIn } from './views/signin.tsx';

const VIEWS = [
  { id: 'events', label: 'Events' },
  { id: 'event-types', label: 'Event types' },
  { id: 'errors', label: 'Errors' },
  { id: 'bus', label: 'Bus' },
  { id: 'locations', label: 'Locations' },
  { id: 'advisors', label: 'Advisors' },
  { id: 'datasets', label: 'Datasets' },
] as const;

// Hash routes (#/events, #/session/<id>) keep the one page the server serves, and make views linkable.
const readRoute = () => {
  const [view = 'events', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { view, arg: rest.length ? decodeURIComponent(rest.join('/')) : undefined };
};

const App = () => {
  const [signedIn, setSignedIn] = useState(Boolean(session.token()));
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onHash = () => setRoute(readRoute());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [route.view]);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const current = route.view === 'session' ? 'events' : route.view;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <strong>Eye console</strong>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v.id} href={`#/${v.id}`} aria-current={current === v.id ? 'page' : undefined}>
              {v.label}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.role() === 'admin' ? 'admin' : 'application key'}
          <button
            type="button"
            onClick={() => {
              session.clear();
              setSignedIn(false);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {route.view === 'session' && route.arg ? (
          <SessionView sessionId={route.arg} />
        ) : route.view === 'event-types' ? (
          <EventTypesView />
        ) : route.view === 'errors' ? (
          <ErrorsView />
        ) : route.view === 'bus' ? (
          <BusView />
        ) : route.view === 'locations' ? (
          <LocationsView />
        ) : route.view === 'advisors' ? (
          <AdvisorsView />
        ) : route.view === 'datasets' ? (
          <DatasetsView />
        ) : (
          <EventsView />
        )}
      </main>
    </>
  );
};

// Preact keeps markup it did not render: the server's loading line goes first.
const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
