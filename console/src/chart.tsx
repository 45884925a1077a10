import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

// Colour-blind-safe (Okabe–Ito), dark enough against white for lines and their legend.
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#000000',
  '#999933',
];

export interface Series {
  label: string;
  values: (number | null)[];
}

/**
 * A time chart: `x` in seconds since the epoch (uPlot's unit). The numbers behind it are always also
 * in a table next to it, for keyboard and screen-reader users.
 */
export const TimeChart = ({
  title,
  x,
  series,
  bars,
}: {
  title: string;
  x: number[];
  series: Series[];
  bars?: boolean;
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(320, el.clientWidth || 800);
    const plot = new uPlot(
      {
        width,
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true } },
        series: [
          { label: 'time (UTC)' },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            points: { show: x.length < 60 },
            ...(bars
              ? { paths: uPlot.paths.bars?.({ size: [0.8, 60] }), fill: `${PALETTE[i % PALETTE.length]}99` }
              : {}),
          })),
        ],
        axes: [{}, { size: 60 }],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [x, series, bars]);
  return <figure class="chart" aria-label={title} ref={box} />;
};

/** Bars over numeric edges (a histogram): N + 1 edges, N counts. */
export const Histogram = ({ edges, counts, label }: { edges: number[]; counts: number[]; label: string }) => {
  const max = Math.max(1, ...counts);
  const w = 640;
  const h = 200;
  const bw = w / Math.max(1, counts.length);
  return (
    <figure class="histogram">
      <svg viewBox={`0 0 ${w} ${h + 40}`} role="img" aria-label={`Histogram of ${label}`}>
        {counts.map((c, i) => (
          <rect
            key={i}
            x={i * bw + 1}
            y={h - (h * c) / max}
            width={Math.max(1, bw - 2)}
            height={(h * c) / max}
            fill={PALETTE[0]}
          >
            <title>
              [{edges[i]}, {edges[i + 1]}
              {i === counts.length - 1 ? ']' : ')'}: {c}
            </title>
          </rect>
        ))}
        <line x1="0" y1={h} x2={w} y2={h} stroke="#333" />
        <text x="0" y={h + 18} class="tick">
          {edges[0]}
        </text>
        <text x={w} y={h + 18} class="tick" text-anchor="end">
          {edges[edges.length - 1]}
        </text>
        <text x={w / 2} y={h + 36} class="tick" text-anchor="middle">
          {label} (tallest bar: {max})
        </text>
      </svg>
    </figure>
  );
};
