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
export const TimeChart = ({ title, x, series }: { title: string; x: number[]; series: Series[] }) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // The plot fills the figure's content box; its padding is not room for the canvas.
    const style = getComputedStyle(el);
    const inner =
      el.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    const width = Math.max(320, inner || 800);
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
          })),
        ],
        axes: [{}, { size: 60 }],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [x, series]);
  return <figure class="chart" aria-label={title} ref={box} />;
};

export interface Bar {
  label: string;
  value: number;
}

/** Labelled bars (a histogram, or one date's countries), with each value written on its bar. */
export const Bars = ({ bars, title }: { bars: Bar[]; title: string }) => {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = 640;
  const h = 200;
  const bw = w / Math.max(1, bars.length);
  const labelled = bars.length <= 12;
  return (
    <figure class="bars">
      <svg viewBox={`0 -20 ${w} ${h + 70}`} role="img" aria-label={title}>
        {bars.map((b, i) => (
          <g key={`${i}|${b.label}`}>
            <rect
              x={i * bw + 1}
              y={h - (h * b.value) / max}
              width={Math.max(1, bw - 2)}
              height={(h * b.value) / max}
              fill={PALETTE[0]}
            >
              <title>
                {b.label}: {b.value}
              </title>
            </rect>
            {labelled ? (
              <>
                <text x={i * bw + bw / 2} y={h + 16} class="tick" text-anchor="middle">
                  {b.label}
                </text>
                <text x={i * bw + bw / 2} y={h - (h * b.value) / max - 4} class="tick" text-anchor="middle">
                  {Number.isInteger(b.value) ? b.value : b.value.toFixed(2)}
                </text>
              </>
            ) : null}
          </g>
        ))}
        <line x1="0" y1={h} x2={w} y2={h} stroke="#333" />
        {labelled ? null : (
          <>
            <text x="0" y={h + 16} class="tick">
              {bars[0]?.label}
            </text>
            <text x={w} y={h + 16} class="tick" text-anchor="end">
              {bars[bars.length - 1]?.label}
            </text>
          </>
        )}
        <text x={w / 2} y={h + 40} class="tick" text-anchor="middle">
          {title} (tallest bar: {Number.isInteger(max) ? max : max.toFixed(2)})
        </text>
      </svg>
    </figure>
  );
};
