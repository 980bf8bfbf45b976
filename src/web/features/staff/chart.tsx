/**
 * A chart drawn by uPlot, loaded only when a staff page shows one (the citizen bundle never includes it).
 * The canvas is decorative for assistive technology: every chart is paired with a data table.
 */
import { useEffect, useRef } from 'react';

export interface Series {
  label: string;
  values: number[];
}

const COLOURS = ['#005a9c', '#b35900', '#2e7d32', '#6a1b9a', '#c62828', '#00695c'];

export function Chart({ days, series, title }: { days: string[]; series: Series[]; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | undefined;
    let isCancelled = false;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([mod]) => {
      const el = ref.current;
      if (isCancelled || !el || days.length === 0) return;
      const UPlot = mod.default;
      const xs = days.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
      plot = new UPlot(
        {
          width: Math.max(280, Math.min(720, el.clientWidth || 640)),
          height: 220,
          series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2 }))],
          axes: [{}, {}],
        },
        [xs, ...series.map((s) => s.values)],
        el,
      );
    });
    return () => {
      isCancelled = true;
      plot?.destroy();
    };
  }, [days, series]);
  return <div ref={ref} className="staff-chart" aria-hidden="true" data-title={title} />;
}
