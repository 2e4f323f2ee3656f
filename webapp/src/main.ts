// AlstraNet web app: routes (#/worklist, #/task/I/E, #/definitions, #/definitions/D, #/instances,
// #/instances/I, #/analytics, #/analytics/D, #/modeler, #/participants, #/consortium), the wallet button, and live updates on every new
// block.
import { App } from './app';
import { loadConfig } from './chain';
import { h, notice, short } from './ui';
import { WalletError } from './wallet';
import { renderWorklist } from './views/worklist';
import { renderTask } from './views/task';
import { renderDefinition, renderDefinitions, renderInstance, renderInstances } from './views/explorer';
import { renderParticipants } from './views/participants';
import { renderConsortium } from './views/consortium';
import { renderModeler } from './views/modeler';
import { renderAnalytics, renderAnalyticsIndex } from './views/analytics';

const view = document.getElementById('view')!;
let app: App;
let rendering = false;

/** Views that follow the chain: redrawn on each new block (forms are not, so typing is not lost). */
const LIVE = /^#\/(worklist|instances(\/\d+)?|consortium)?$/;

/** Each route renders off-screen and is shown only if no newer route started meanwhile (a live
 *  update, an account switch and a click may overlap). */
let generation = 0;

async function route(): Promise<void> {
  const hash = location.hash || '#/worklist';
  document.querySelectorAll('[data-nav]').forEach((a) => a.toggleAttribute('aria-current', hash.startsWith(`#/${a.getAttribute('data-nav')}`)));
  const mine = ++generation;
  const target = document.createElement('section');
  rendering = true;
  view.setAttribute('aria-busy', 'true');
  try {
    let m;
    if ((m = hash.match(/^#\/task\/(\d+)\/(\d+)$/))) await renderTask(app, target, Number(m[1]), Number(m[2]));
    else if ((m = hash.match(/^#\/definitions\/(\d+)$/))) await renderDefinition(app, target, Number(m[1]));
    else if (hash === '#/definitions') await renderDefinitions(app, target);
    else if ((m = hash.match(/^#\/instances\/(\d+)$/))) await renderInstance(app, target, Number(m[1]));
    else if (hash === '#/instances') await renderInstances(app, target);
    else if ((m = hash.match(/^#\/analytics\/(\d+)$/))) await renderAnalytics(app, target, Number(m[1]));
    else if (hash === '#/analytics') await renderAnalyticsIndex(app, target);
    else if (hash === '#/participants') await renderParticipants(app, target);
    else if (hash === '#/consortium') await renderConsortium(app, target);
    else if (hash === '#/modeler') await renderModeler(app, target);
    else await renderWorklist(app, target);
    if (mine === generation) view.replaceChildren(...target.childNodes);
  } catch (e: any) {
    if (mine === generation) notice(e.message ?? String(e), 'error');
  } finally {
    if (mine === generation) {
      view.removeAttribute('aria-busy');
      rendering = false;
    }
  }
}

async function connect(): Promise<void> {
  notice('');
  try {
    const account = await app.wallet.connect();
    const me = await app.loadMe(account);
    const slot = document.getElementById('account')!;
    if (!me.name) {
      slot.replaceChildren(h('span', { 'data-account': account, className: 'mono' }, short(account)));
      notice(`Account ${account} is not a registered participant of this consortium: ask a registrar to register it before you work on processes.`, 'error');
    } else {
      slot.replaceChildren(h('span', { 'data-account': account }, h('strong', { 'data-participant': me.name }, me.name), ' ',
        h('small', { className: 'mono' }, short(account)), ' · ', h('small', { 'data-roles': '' }, me.roles.map((r) => app.chain.roleName(r)).join(', ') || 'no role')));
    }
    await route();
  } catch (e: any) {
    notice(e instanceof WalletError ? e.message : `Cannot connect: ${e.message ?? e}`, 'error');
  }
}

async function main(): Promise<void> {
  try {
    app = new App(await loadConfig());
  } catch (e: any) {
    notice(`The page cannot load its configuration: ${e.message}`, 'error');
    return;
  }
  // role names come from the models: load every definition once
  const n = await app.chain.definitionCount().catch(() => 0);
  await Promise.all(Array.from({ length: n }, (_, i) => app.chain.definition(i + 1).catch(() => undefined)));
  document.getElementById('connect')!.addEventListener('click', connect);
  window.ethereum?.on?.('accountsChanged', () => connect());
  window.ethereum?.on?.('chainChanged', () => connect());
  window.addEventListener('hashchange', () => {
    notice('');
    route();
  });
  app.chain.provider.on('block', () => {
    if (!rendering && LIVE.test(location.hash || '#/worklist')) route();
  });
  await route();
}

main();
