/**
 * The last hour's first-audio latency per readout (uPlot, bundled) with p50/p95 lines, and
 * readouts dropped by reason. Drawn once the health tab is visible; resized with its box.
 */
import uPlot from 'uplot';
import type { PanelStats } from '../../../server/src/core/protocol.ts';
import { byId, h, setText } from '../lib/dom.ts';
import { stats$ } from './connection.ts';
import { lang$, labelled, reasonText, t } from './lang.ts';

const HEIGHT_PX = 220;

function chartOptions(widthPx: number): uPlot.Options {
  return {
    width: widthPx,
    height: HEIGHT_PX,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(100, max * 1.1)] } },
    axes: [{ stroke: '#8a9099' }, { stroke: '#8a9099', label: 'ms', size: 56 }],
    series: [
      {},
      { label: 'first audio', stroke: '#2563eb', width: 0, paths: () => null, points: { show: true, size: 6, fill: '#2563eb' } },
      { label: 'p50', stroke: '#2e7d32', width: 1.5, dash: [6, 4], points: { show: false } },
      { label: 'p95', stroke: '#c62828', width: 1.5, dash: [6, 4], points: { show: false } },
    ],
    legend: { show: true },
  };
}

function chartData(stats: PanelStats): uPlot.AlignedData {
  const xs = stats.firstAudio.map(([atMs]) => atMs / 1000);
  const ys = stats.firstAudio.map(([, ms]) => ms);
  return [xs, ys, xs.map(() => stats.p50Ms), xs.map(() => stats.p95Ms)];
}

export class LatencyChart {
  private plot: uPlot | undefined;

  constructor(private readonly box: HTMLElement) {
    new ResizeObserver(() => this.draw()).observe(box);
  }

  /** Creates, resizes or refreshes the chart; nothing while its box is hidden. */
  draw(): void {
    const widthPx = this.box.clientWidth;
    const stats = stats$.value;
    if (widthPx === 0 || !stats) return;
    if (!this.plot) this.plot = new uPlot(chartOptions(widthPx), chartData(stats), this.box);
    else {
      if (this.plot.width !== widthPx) this.plot.setSize({ width: widthPx, height: HEIGHT_PX });
      this.plot.setData(chartData(stats));
    }
  }
}

function renderSummary(stats: PanelStats | null): void {
  const summary = byId('latency-summary');
  if (!stats || stats.firstAudio.length === 0) {
    summary.dataset.empty = 'true';
    setText(summary, t('latencyEmpty'));
  } else {
    delete summary.dataset.empty;
    const waited = stats.waitP95Ms === null ? '' : ` — ${t('latencyWaited')}: p50 ${stats.waitP50Ms} ms · p95 ${stats.waitP95Ms} ms`;
    setText(summary, `p50 ${stats.p50Ms} ms · p95 ${stats.p95Ms} ms · n = ${stats.firstAudio.length}${waited}`);
  }
  const drops = Object.entries(stats?.drops ?? {}).sort(([, a], [, b]) => b - a);
  byId('drops-body').replaceChildren(
    ...(drops.length === 0
      ? [h('tr', {}, labelled('td', 'noDrops', { colspan: 2, class: 'hint' }))]
      : drops.map(([reason, n]) => h('tr', { 'data-reason': reason }, h('td', {}, reasonText(reason)), h('td', { class: 'num' }, String(n))))),
  );
}

export function setUpLatency(): LatencyChart {
  const chart = new LatencyChart(byId('latency-chart'));
  stats$.subscribe((stats) => {
    renderSummary(stats);
    chart.draw();
  });
  lang$.subscribe(() => renderSummary(stats$.value));
  return chart;
}
