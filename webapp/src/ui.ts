// Small DOM helpers: elements built with text content (never HTML from the chain), notices.

type Child = Node | string | number | null | undefined | false;

/** `h('a', { href: '#/x' }, 'text')`: attributes set as attributes, `on*` functions as listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, any> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'className') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Shows a message above the view: `error` in red, `ok` in green. Empty text clears it. */
export function notice(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = document.getElementById('notice')!;
  el.textContent = text;
  el.className = kind === 'error' ? 'notice-error' : kind === 'ok' ? 'notice-ok' : '';
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

export const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

export function table(headers: string[], rows: Child[][], caption?: string): HTMLElement {
  return h('div', { className: 'overflow-auto' }, h('table', { className: 'striped' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c)))))));
}
