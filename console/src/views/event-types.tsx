import { useState } from 'preact/hooks';
import { call, session } from '../api.ts';
import {
  type EventType,
  type EventTypeVersion,
  eventType,
  eventTypes,
  GLOBAL_OWNER,
  MODES,
  type Mode,
  typeAddress,
} from '../events.ts';
import { utc } from '../format.ts';
import { schemaFields } from '../schema.ts';
import { ErrorNotice, Field, Form, Notice, Table, useAction, useLoad } from '../ui.tsx';

const NEW_SCHEMA = `{
  "type": "object",
  "properties": {
    "host": { "type": "string" },
    "path": { "type": "string" }
  },
  "required": ["host", "path"]
}`;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The textarea's text as JSON, or an error that says where it stops being JSON (nothing is sent). */
const parseSchema = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`The schema is not valid JSON: ${(err as Error).message}`);
  }
};

const SchemaTextarea = ({ value, onInput }: { value: string; onInput: (text: string) => void }) => (
  <Field label="JSON Schema (draft 2020-12) for data">
    <textarea
      name="schema"
      rows={12}
      spellcheck={false}
      required
      value={value}
      onInput={(e) => onInput(e.currentTarget.value)}
    />
  </Field>
);

const SchemaView = ({ version }: { version: EventTypeVersion }) => {
  const fields = schemaFields(version.schema);
  return (
    <div class="columns">
      {fields.length ? (
        <Table
          caption={`Fields of version ${version.version}`}
          headers={['field', 'type', 'required', 'rules']}
        >
          {fields.map((f) => (
            <tr key={f.path}>
              <td>
                <code>{f.path}</code>
              </td>
              <td>{f.type}</td>
              <td>{f.required ? 'required' : 'optional'}</td>
              <td>{f.rules.join('; ') || '—'}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p class="meta">Version {version.version} names no fields: any data its schema accepts passes.</p>
      )}
      <figure class="schema">
        <figcaption>Schema of version {version.version}</figcaption>
        <pre>{pretty(version.schema)}</pre>
      </figure>
    </div>
  );
};

const TypeDetail = ({ type, onChanged }: { type: EventType; onChanged: () => void }) => {
  const admin = session.role() === 'admin';
  const detail = useLoad(() => eventType(type, admin), [type.category, type.name, type.owner]);
  const [shown, setShown] = useState<number>();
  const [draft, setDraft] = useState<string>();
  const [mode, setMode] = useState<Mode>();
  const [done, setDone] = useState<string>();
  const action = useAction();
  const versions = [...(detail.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  const current = versions.find((v) => v.version === shown) ?? versions[0];
  // A new version starts as a copy of the latest one.
  const draftText = draft ?? pretty(versions[0]?.schema ?? {});
  // An application reads the global types but may change only its own.
  const changeable = admin || type.owner !== GLOBAL_OWNER;
  const { path, query } = typeAddress(type, admin);
  const title = `${type.category} / ${type.name}`;
  const change = (fn: () => Promise<string>) =>
    action.run(async () => {
      setDone(undefined);
      setDone(await fn());
      await detail.run();
      onChanged();
    });

  return (
    <section aria-labelledby="type-title">
      <h2 id="type-title">{title}</h2>
      <ErrorNotice error={detail.error} />
      {detail.data ? (
        <>
          <p class="meta">
            owner {detail.data.owner} · mode {detail.data.mode} · {versions.length} version
            {versions.length === 1 ? '' : 's'} · created {utc(detail.data.created_at)}
          </p>
          <Table
            caption={`Versions of ${title}`}
            headers={['version', 'created (UTC)', 'fields', <span class="sr-only">schema</span>]}
          >
            {versions.map((v) => (
              <tr key={v.version} aria-current={v.version === current?.version ? 'true' : undefined}>
                <td class="num">{v.version}</td>
                <td class="nowrap">{utc(v.created_at)}</td>
                <td>
                  {schemaFields(v.schema)
                    .map((f) => f.path)
                    .join(', ') || '—'}
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Show the schema of version ${v.version}`}
                    aria-pressed={v.version === current?.version}
                    onClick={() => setShown(v.version)}
                  >
                    Show schema
                  </button>
                </td>
              </tr>
            ))}
          </Table>
          {current ? <SchemaView version={current} /> : null}
          {changeable ? (
            <div class="columns">
              <Form
                label={`Add a version to ${title}`}
                onSubmit={() =>
                  change(async () => {
                    const schema = parseSchema(draftText);
                    const added = await call<{ version: number }>('POST', `${path}/versions`, {
                      query,
                      body: { schema },
                    });
                    setShown(added.version);
                    setDraft(undefined);
                    return `Version ${added.version} of ${title} added.`;
                  })
                }
              >
                <SchemaTextarea value={draftText} onInput={setDraft} />
                <button type="submit" disabled={action.busy}>
                  Add version
                </button>
              </Form>
              <Form
                label={`Mode of ${title}`}
                onSubmit={() =>
                  change(async () => {
                    const next = mode ?? detail.data!.mode;
                    await call('PATCH', path, { query, body: { mode: next } });
                    return `${title} is now in mode ${next}.`;
                  })
                }
              >
                <Field
                  label="Mode (every version)"
                  hint="enforce: invalid is an error; warn: stored with violations; off: unchecked"
                >
                  <select
                    name="mode"
                    value={mode ?? detail.data.mode}
                    onChange={(e) => setMode(e.currentTarget.value as Mode)}
                  >
                    {MODES.map((m) => (
                      <option key={m}>{m}</option>
                    ))}
                  </select>
                </Field>
                <button type="submit" disabled={action.busy}>
                  Set mode
                </button>
              </Form>
            </div>
          ) : (
            <p class="meta">A global type is read-only for an application key.</p>
          )}
          <ErrorNotice error={action.error} />
          {done ? <Notice kind="info">{done}</Notice> : null}
        </>
      ) : null}
    </section>
  );
};

const CreateType = ({ onCreated }: { onCreated: (type: EventType) => void }) => {
  const admin = session.role() === 'admin';
  const [form, setForm] = useState({ category: '', name: '', mode: 'enforce', application_id: '' });
  const [schema, setSchema] = useState(NEW_SCHEMA);
  const action = useAction();
  const set = (key: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section aria-labelledby="new-type-title">
      <h2 id="new-type-title">New event type</h2>
      <Form
        label="New event type"
        onSubmit={() =>
          action.run(async () => {
            const body = {
              category: form.category,
              name: form.name,
              mode: form.mode,
              schema: parseSchema(schema),
            };
            const created = await call<EventType>('POST', '/event-types', {
              query: { application_id: admin ? form.application_id.trim() : undefined },
              body,
            });
            onCreated({ ...created, latest_version: 1 });
          })
        }
      >
        <Field label="Category">
          <input name="category" required maxLength={64} value={form.category} onInput={set('category')} />
        </Field>
        <Field label="Name">
          <input name="name" required maxLength={64} value={form.name} onInput={set('name')} />
        </Field>
        <Field label="Mode">
          <select name="mode" value={form.mode} onChange={set('mode')}>
            {MODES.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        {admin ? (
          <Field label="For application (id)" hint="Blank: a global type">
            <input name="application_id" value={form.application_id} onInput={set('application_id')} />
          </Field>
        ) : null}
        <SchemaTextarea value={schema} onInput={setSchema} />
        <button type="submit" disabled={action.busy}>
          Create type
        </button>
      </Form>
      <ErrorNotice error={action.error} />
    </section>
  );
};

const same = (a: EventType | undefined, b: EventType) =>
  a?.category === b.category && a.name === b.name && a.owner === b.owner;

export const EventTypesView = () => {
  const list = useLoad(eventTypes, []);
  const [selected, setSelected] = useState<EventType>();
  return (
    <section aria-labelledby="types-title">
      <h1 id="types-title">Event types</h1>
      <ErrorNotice error={list.error} />
      <Table
        caption="Event types, by category and name"
        headers={[
          'category',
          'name',
          'owner',
          'mode',
          'latest version',
          'created (UTC)',
          <span class="sr-only">open</span>,
        ]}
      >
        {(list.data ?? []).map((t) => (
          <tr
            key={`${t.owner}|${t.category}|${t.name}`}
            aria-current={same(selected, t) ? 'true' : undefined}
          >
            <td>{t.category}</td>
            <td>{t.name}</td>
            <td>{t.owner}</td>
            <td>{t.mode}</td>
            <td class="num">{t.latest_version}</td>
            <td class="nowrap">{utc(t.created_at)}</td>
            <td>
              <button
                type="button"
                aria-label={`Versions of ${t.category} / ${t.name} (${t.owner})`}
                onClick={() => setSelected(t)}
              >
                Versions
              </button>
            </td>
          </tr>
        ))}
      </Table>
      {selected ? (
        <TypeDetail
          key={`${selected.owner}|${selected.category}|${selected.name}`}
          type={selected}
          onChanged={list.run}
        />
      ) : null}
      <CreateType
        onCreated={(t) => {
          setSelected(t);
          list.run();
        }}
      />
    </section>
  );
};
