import { useState } from 'preact/hooks';
import { call, collect } from '../api.ts';
import { number } from '../format.ts';
import { ErrorNotice, Table, useAction, useLoad } from '../ui.tsx';

interface Advisor {
  id: string;
  name: string;
  focus_areas: string[];
  available: boolean;
  client_count: number;
}

interface Client {
  id: string;
  first_name: string;
  last_name: string;
  advisor_id: string | null;
  total_value: number | string;
}

const ClientRow = ({
  client,
  advisors,
  onChange,
}: {
  client: Client;
  advisors: Advisor[];
  onChange: () => void;
}) => {
  const [choice, setChoice] = useState(client.advisor_id ?? '');
  const action = useAction();
  const name = `${client.first_name} ${client.last_name}`;
  const current = advisors.find((a) => a.id === client.advisor_id);
  const act = (fn: () => Promise<unknown>) => () =>
    action.run(async () => {
      await fn();
      onChange();
    });
  return (
    <tr>
      <th scope="row">{name}</th>
      <td class="num">{number(Number(client.total_value))}</td>
      <td>{current?.name ?? (client.advisor_id ? client.advisor_id : '—')}</td>
      <td>
        <select
          aria-label={`Advisor for ${name}`}
          value={choice}
          onChange={(e) => setChoice(e.currentTarget.value)}
        >
          <option value="">choose an advisor</option>
          {advisors.map((a) => (
            <option key={a.id} value={a.id} disabled={!a.available}>
              {a.name} ({a.client_count}){a.available ? '' : ' — unavailable'}
            </option>
          ))}
        </select>{' '}
        <button
          type="button"
          disabled={!choice || choice === client.advisor_id}
          onClick={act(() => call('PUT', `/clients/${client.id}/advisor`, { body: { advisor_id: choice } }))}
        >
          Assign
        </button>{' '}
        <button
          type="button"
          disabled={!client.advisor_id}
          onClick={act(() => call('DELETE', `/clients/${client.id}/advisor`))}
        >
          Unassign
        </button>
        <ErrorNotice error={action.error} />
      </td>
    </tr>
  );
};

export const AdvisorsView = () => {
  const advisors = useLoad(() => collect<Advisor>('/advisors', {}), []);
  const clients = useLoad(() => collect<Client>('/clients', {}), []);
  const refresh = () => {
    advisors.run();
    clients.run();
  };
  const list = [...(clients.data ?? [])].sort(
    (a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name),
  );
  return (
    <section aria-labelledby="advisors-title">
      <h1 id="advisors-title">Advisors</h1>
      <ErrorNotice error={advisors.error ?? clients.error} />
      <Table caption="Advisors" headers={['name', 'focus areas', 'available', 'clients']}>
        {(advisors.data ?? []).map((a) => (
          <tr key={a.id}>
            <th scope="row">{a.name}</th>
            <td>{a.focus_areas.join(', ')}</td>
            <td>{a.available ? 'yes' : 'no'}</td>
            <td class="num">{a.client_count}</td>
          </tr>
        ))}
      </Table>
      <Table
        caption="Clients with their account totals"
        headers={['client', 'total value', 'advisor', 'change']}
      >
        {list.map((c) => (
          <ClientRow
            key={`${c.id}|${c.advisor_id}`}
            client={c}
            advisors={advisors.data ?? []}
            onChange={refresh}
          />
        ))}
      </Table>
      {clients.data && !clients.data.length ? (
        <p>No clients yet: import a file with POST /advisors/import.</p>
      ) : null}
    </section>
  );
};
