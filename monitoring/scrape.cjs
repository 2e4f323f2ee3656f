'use strict';
// Reading a node's Prometheus metrics in the tests (tests/e2e, zombienet): the text exposition
// format of https://prometheus.io/docs/instrumenting/exposition_formats/ (one sample per line,
// `name{label="value",...} number`; `#` lines are help and type).

/** GET `url` (a node's `/metrics`) and return the text. Throws on an HTTP error. */
async function scrape(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/**
 * The value of metric `name` on the first sample whose labels include every `labels` pair (a
 * node adds its own, e.g. `chain`); `undefined` if there is none.
 */
function metricValue(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === String(v))) return Number(m[3]);
  }
  return undefined;
}

/** Every distinct metric name of a text exposition. */
function metricNames(text) {
  return new Set(text.split('\n').map((l) => l.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)/)?.[1]).filter(Boolean));
}

module.exports = { scrape, metricValue, metricNames };
