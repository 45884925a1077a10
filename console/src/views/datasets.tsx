import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { Bars } from '../chart.tsx';
import { bytes, compact, number } from '../format.ts';
import { ErrorNotice, Field, Form, Progress, Table, useAction, usePoll } from '../ui.tsx';

interface Dataset {
  id: string;
  status: 'uploading' | 'processing' | 'ready' | 'failed';
  records: number;
  bytes: number;
  fields: { path: string; type: string; count: number }[];
  error?: string;
}

interface Upload {
  id: string;
  upload_url: string;
}

type Stats = Record<string, unknown> & {
  field: string;
  count: number;
  histogram?: { edges: number[]; counts: number[] };
};

const DEFAULT_BINS = 20;

/** fetch() cannot report upload progress; XMLHttpRequest can. */
const put = (url: string, file: File, onProgress: (sent: number) => void) =>
  new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () =>
      xhr.status < 300
        ? resolve()
        : reject(new Error(`the upload answered ${xhr.status}: ${xhr.responseText.slice(0, 200)}`));
    xhr.onerror = () => reject(new Error('the upload failed (network or CORS)'));
    xhr.send(file);
  });

const describe = (id: string, field: string, bins: number) =>
  call<Stats>('GET', `/datasets/${encodeURIComponent(id)}/aggregate`, { query: { field, bins } });

const STAT_ORDER = ['count', 'mean', 'std', 'min', 'p25', 'p50', 'p75', 'max', 'unique', 'top', 'freq'];

const Describe = ({ stats }: { stats: Stats }) => (
  <>
    <table class="describe">
      <caption>
        Statistics of <code>{stats.field}</code>
      </caption>
      <tbody>
        {STAT_ORDER.filter((k) => k in stats).map((k) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class="num">
              {typeof stats[k] === 'number' ? number(stats[k] as number, 4) : String(stats[k])}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    {stats.histogram ? (
      <Bars
        title={`Histogram of ${stats.field}`}
        bars={stats.histogram.counts.map((value, i) => ({
          label: `${compact(stats.histogram!.edges[i]!)}–${compact(stats.histogram!.edges[i + 1]!)}`,
          value,
        }))}
      />
    ) : null}
  </>
);

export const DatasetsView = () => {
  const [file, setFile] = useState<File>();
  const [sent, setSent] = useState(0);
  const [openId, setOpenId] = useState('');
  const [dataset, setDataset] = useState<Dataset>();
  const [field, setField] = useState('');
  const [bins, setBins] = useState(DEFAULT_BINS);
  const [stats, setStats] = useState<Stats>();
  const action = useAction();

  const pending =
    dataset !== undefined && (dataset.status === 'uploading' || dataset.status === 'processing');
  usePoll(
    async () => {
      if (dataset) setDataset(await call<Dataset>('GET', `/datasets/${encodeURIComponent(dataset.id)}`));
    },
    1000,
    pending && !action.busy,
  );

  const open = async (id: string) => {
    setStats(undefined);
    setDataset(await call<Dataset>('GET', `/datasets/${encodeURIComponent(id)}`));
  };

  return (
    <section aria-labelledby="datasets-title">
      <h1 id="datasets-title">Datasets</h1>
      <div class="columns">
        <Form
          onSubmit={() =>
            action.run(async () => {
              if (!file) return;
              setSent(0);
              const upload = await call<Upload>('POST', '/datasets/uploads', { body: { name: file.name } });
              setDataset({ id: upload.id, status: 'uploading', records: 0, bytes: 0, fields: [] });
              await put(upload.upload_url, file, setSent);
              setSent(file.size);
              await open(upload.id);
            })
          }
        >
          <Field label="File of JSON records (array, NDJSON or concatenated)">
            <input
              name="file"
              type="file"
              accept=".json,.ndjson,.jsonl,.txt"
              onChange={(e) => setFile(e.currentTarget.files?.[0])}
            />
          </Field>
          <button type="submit" disabled={!file || action.busy}>
            Upload
          </button>
          {file ? <Progress label="Upload" value={sent} max={file.size} /> : null}
        </Form>
        <Form onSubmit={() => action.run(() => open(openId.trim()))}>
          <Field label="Or open a dataset by id">
            <input name="dataset_id" value={openId} onInput={(e) => setOpenId(e.currentTarget.value)} />
          </Field>
          <button type="submit">Open</button>
        </Form>
      </div>
      <ErrorNotice error={action.error} />
      {dataset ? (
        <>
          <h2>
            Dataset <code>{dataset.id}</code>
          </h2>
          <p class="meta" role="status">
            {dataset.status}
            {dataset.status === 'ready'
              ? `: ${number(dataset.records)} records, ${bytes(dataset.bytes)}`
              : ''}
            {dataset.error ? ` — ${dataset.error}` : ''}
          </p>
          {dataset.fields.length ? (
            <div class="columns">
              <Table
                caption="Fields"
                headers={['path', 'type', 'values', <span class="sr-only">describe</span>]}
              >
                {dataset.fields.map((f) => (
                  <tr key={f.path} aria-current={f.path === field ? 'true' : undefined}>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td>{f.type}</td>
                    <td class="num">{number(f.count)}</td>
                    <td>
                      <button
                        type="button"
                        aria-label={`Describe ${f.path}`}
                        onClick={() =>
                          action.run(async () => {
                            setField(f.path);
                            setStats(await describe(dataset.id, f.path, bins));
                          })
                        }
                      >
                        Describe
                      </button>
                    </td>
                  </tr>
                ))}
              </Table>
              <div>
                <Field label="Histogram bins (1–200)">
                  <input
                    name="bins"
                    type="number"
                    min={1}
                    max={200}
                    value={bins}
                    onInput={(e) => setBins(Math.min(200, Math.max(1, Number(e.currentTarget.value) || 1)))}
                  />
                </Field>
                {stats ? <Describe stats={stats} /> : <p class="meta">Choose a field to describe.</p>}
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
};
