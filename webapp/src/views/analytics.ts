// Process analytics (spec 5.17), read from the indexer's HTTP API (indexer/src/api.rs) through
// the web server's /indexer: instances by status, cycle time, time per task, waiting time per
// role and the bottlenecks, as charts (Chart.js) with the same numbers in tables (screen readers,
// keyboard users and printouts read the tables).
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip,
} from 'chart.js';
import type { App } from '../app';
import { h, table } from '../ui';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip);

interface Stats { count: number; mean: number; median: number; p90: number; min: number; max: number; total: number }
interface TaskStats { element: number; bpmnId: string; name: string; role: string; duration: Stats | null; waitingNow: number; oldestWaitingSince: number | null; share: number }
interface Analytics {
  definition: number; name: string; version: number;
  instances: { running: number; completed: number; terminated: number };
  cycleTime: Stats | null; tasks: TaskStats[];
  roles: { role: string; waiting: Stats | null; waitingNow: number }[];
  bottlenecks: number[];
}

/** GET `/indexer/api/<path>`: the indexer's JSON, or its `{error}` as an exception. */
async function indexer<T>(p: string): Promise<T> {
  let r: Response;
  try {
    r = await fetch(`/indexer/api/${p}`);
  } catch (e: any) {
    throw new Error(`The analytics indexer cannot be reached: ${e.message}`);
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error ?? `the indexer answered ${r.status}`);
  return body as T;
}

/** A duration in words: `2 h 5 min`, `3 min 20 s`, `45 s`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86400)} d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)} h` : ''}`;
}

function chart(label: string, config: any): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('figure', { className: 'chart' }, h('div', { className: 'chart-box' }, canvas), h('figcaption', {}, label));
  // drawn once the canvas is in the page (the view renders off-screen first)
  requestAnimationFrame(() => requestAnimationFrame(() => {
    if (canvas.isConnected) new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  }));
  return box;
}

export async function renderAnalyticsIndex(app: App, view: HTMLElement): Promise<void> {
  void app;
  const [status, defs] = await Promise.all([
    indexer<{ indexedBlock: number | null; events: number }>('status'),
    indexer<{ id: number; name: string; version: number; instances: number }[]>('definitions'),
  ]);
  view.replaceChildren(
    h('h2', {}, 'Analytics'),
    h('p', {}, `The indexer has read the chain up to block #${status.indexedBlock ?? '—'} (${status.events} engine events).`),
    table(['Id', 'Process', 'Version', 'Instances'], defs.map((d) => [d.id, h('a', { href: `#/analytics/${d.id}` }, d.name), `v${d.version}`, d.instances]),
      `${defs.length} definition(s) with instances`),
  );
}

export async function renderAnalytics(app: App, view: HTMLElement, id: number): Promise<void> {
  void app;
  const a = await indexer<Analytics>(`definitions/${id}/analytics`);
  const ct = a.cycleTime;
  const done = a.tasks.filter((t) => t.duration);
  const byElement = new Map(a.tasks.map((t) => [t.element, t]));
  const taskName = (t: TaskStats) => t.name || t.bpmnId;
  const now = Date.now() / 1000;
  view.replaceChildren(
    h('h2', {}, `Analytics: ${a.name} v${a.version}`),
    h('p', {}, h('a', { href: `#/definitions/${id}` }, 'Diagram and instances'), ' · ', h('a', { href: '#/analytics' }, 'All processes')),
    h('div', { className: 'grid' },
      h('article', {}, h('header', {}, 'Instances'),
        h('p', {}, h('strong', { 'data-status': 'running' }, String(a.instances.running)), ' running, ',
          h('strong', { 'data-status': 'completed' }, String(a.instances.completed)), ' completed, ',
          h('strong', { 'data-status': 'terminated' }, String(a.instances.terminated)), ' terminated'),
        chart('Instances by status', {
          type: 'doughnut',
          data: { labels: ['running', 'completed', 'terminated'], datasets: [{ data: [a.instances.running, a.instances.completed, a.instances.terminated], backgroundColor: ['#1095c1', '#2e7d32', '#b71c1c'] }] },
        })),
      h('article', {}, h('header', {}, 'Cycle time'),
        ct
          ? h('p', { 'data-cycle-time': String(ct.mean) }, `Mean `, h('strong', {}, duration(ct.mean)), ` over ${ct.count} completed instance(s); median ${duration(ct.median)}, 90% within ${duration(ct.p90)}, shortest ${duration(ct.min)}, longest ${duration(ct.max)}.`)
          : h('p', { 'data-cycle-time': '' }, 'No instance has completed yet.'))),
    h('h3', {}, 'Time per task'),
    h('p', {}, 'From the moment a token reaches the task to its completion (tasks are completed in one step, so this is the time the work waited with its role).'),
    done.length
      ? chart('Time per task (seconds): mean, median and 90th percentile', {
        type: 'bar',
        data: {
          labels: done.map(taskName),
          datasets: [
            { label: 'mean', data: done.map((t) => t.duration!.mean), backgroundColor: '#1095c1' },
            { label: 'median', data: done.map((t) => t.duration!.median), backgroundColor: '#7cb342' },
            { label: '90th percentile', data: done.map((t) => t.duration!.p90), backgroundColor: '#f9a825' },
          ],
        },
      })
      : h('p', {}, 'No task completed yet.'),
    table(['Task', 'Role', 'Completions', 'Mean', 'Median', '90%', 'Share of task time', 'Waiting now'], a.tasks.map((t) => [
      taskName(t), t.role || '—', t.duration?.count ?? 0,
      t.duration ? h('span', { 'data-task-mean': t.bpmnId }, duration(t.duration.mean)) : '—',
      t.duration ? duration(t.duration.median) : '—', t.duration ? duration(t.duration.p90) : '—',
      `${Math.round(t.share * 100)} %`,
      t.waitingNow ? `${t.waitingNow} (oldest ${duration(now - (t.oldestWaitingSince ?? now))} ago)` : '0',
    ]), 'Every task of the process'),
    h('h3', {}, 'Waiting time per role'),
    a.roles.some((r) => r.waiting)
      ? chart('Mean waiting time per role (seconds)', {
        type: 'bar',
        data: { labels: a.roles.map((r) => r.role || '—'), datasets: [{ label: 'mean', data: a.roles.map((r) => r.waiting?.mean ?? 0), backgroundColor: '#1095c1' }] },
        options: { indexAxis: 'y' },
      })
      : h('p', {}, 'No task completed yet.'),
    table(['Role', 'Completions', 'Mean wait', 'Total', 'Waiting now'], a.roles.map((r) => [
      r.role || '—', r.waiting?.count ?? 0, r.waiting ? duration(r.waiting.mean) : '—', r.waiting ? duration(r.waiting.total) : '—', r.waitingNow,
    ]), 'Roles of the process'),
    h('h3', {}, 'Bottlenecks'),
    a.bottlenecks.length
      ? h('ol', { 'aria-label': 'Bottlenecks' }, ...a.bottlenecks.map((e) => {
        const t = byElement.get(e)!;
        return h('li', { 'data-bottleneck': t.bpmnId }, h('strong', {}, taskName(t)), ` (${t.role || 'no role'}): ${Math.round(t.share * 100)} % of all task time, mean ${duration(t.duration!.mean)}`,
          t.waitingNow ? `; ${t.waitingNow} waiting now` : '');
      }))
      : h('p', {}, 'No task completed yet.'),
  );
}
