// The process explorer: definitions and their versions with the diagram as deployed (checked
// against the hash on chain), instances with their tokens, bindings, variables and trail, and
// starting an instance with role bindings.
import { Interface } from 'ethers';
import type { App } from '../app';
import { INSTANCE_STATUS, type Definition } from '../chain';
import { showDiagram } from '../diagram';
import { h, notice, short, table } from '../ui';
import { sendAndFollow } from '../wallet';

export async function renderDefinitions(app: App, view: HTMLElement): Promise<void> {
  const n = await app.chain.definitionCount();
  const defs = await Promise.all(Array.from({ length: n }, (_, i) => app.chain.definition(i + 1)));
  const published = defs.filter((d) => d.status === 'Published');
  view.replaceChildren(h('h2', {}, 'Processes'), table(['Id', 'Process', 'Version', 'Status', 'Source', 'Owner'],
    published.map((d) => [
      d.id, h('a', { href: `#/definitions/${d.id}` }, d.name), `v${d.version}`,
      d.deprecated ? 'deprecated' : 'active', d.sourceParts ? 'on chain' : 'none', h('span', { className: 'mono', title: d.owner }, short(d.owner)),
    ]), `${published.length} published definition(s)`));
}

/** The diagram block: the verified source drawn, or why it cannot be. */
async function diagramOf(app: App, def: Definition, overlay = {}): Promise<HTMLElement> {
  const box = h('div', { className: 'diagram', role: 'img', 'aria-label': `BPMN diagram of ${def.name}` });
  const status = h('p', { 'data-source': 'status' });
  const wrap = h('div', {}, status, box);
  try {
    const src = await app.chain.source(def);
    if (!src.verified) {
      status.className = 'unverified';
      status.textContent = `✗ Not shown: ${src.reason}.`;
      box.remove();
      return wrap;
    }
    status.className = 'verified';
    status.textContent = `✓ Diagram as deployed: its BPMN source (${def.sourceParts} part(s)) matches hash ${short(def.sourceHash)} on chain.`;
    showDiagram(box, src.xml, overlay).catch((e) => { status.textContent += ` (cannot draw it: ${e.message})`; });
  } catch (e: any) {
    status.textContent = e.message;
    box.remove();
  }
  return wrap;
}

export async function renderDefinition(app: App, view: HTMLElement, id: number): Promise<void> {
  const { chain } = app;
  const def = await chain.definition(id);
  const count = Number(await chain.engine.instanceCount());
  const infos = await Promise.all(Array.from({ length: count }, (_, i) => chain.engine.instance(i + 1)));
  const mine = infos.map((x, i) => ({ id: i + 1, x })).filter(({ x }) => Number(x.definitionId) === id);
  const participants = await app.participants();
  const roles = [...def.roles.entries()].filter(([r]) => r !== def.startRole);
  const binds = roles.map(([role, name]) => {
    const holders = participants.filter((p) => p.roles.includes(role));
    const sid = `bind-${role.slice(2, 10)}`;
    return h('label', { for: sid }, `Role "${name}"`, h('select', { id: sid, 'data-role': role },
      h('option', { value: '' }, '(bind later)'), ...holders.map((p) => h('option', { value: p.account }, `${p.name} (${short(p.account)})`))));
  });
  const steps = h('ol', { className: 'progress-steps', 'aria-label': 'Transaction progress' });
  const submit = h('button', { type: 'submit' }, 'Start instance');
  const form = h('form', { 'aria-label': 'Start an instance' },
    h('p', {}, `You start it as "${chain.roleName(def.startRole)}" (the start role). Bind the other roles to participants:`),
    ...binds, submit, steps);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice('');
    steps.replaceChildren();
    try {
      const bindings = [...form.querySelectorAll('select[data-role]')]
        .filter((s) => (s as HTMLSelectElement).value)
        .map((s) => ({ role: (s as HTMLSelectElement).dataset.role!, account: (s as HTMLSelectElement).value }));
      submit.disabled = true;
      const done = await sendAndFollow(chain, app.wallet, chain.engine, 'startInstance', [id, bindings, []], (step, detail) => {
        steps.append(h('li', { className: 'done', 'data-step': step }, detail));
      });
      const receipt = await chain.provider.getTransactionReceipt(done.hash);
      const started = receipt!.logs.map((l) => { try { return chain.engine.interface.parseLog(l); } catch { return null; } })
        .find((p) => p?.name === 'InstanceStarted');
      const newId = started ? Number(started.args.instanceId) : undefined;
      if (newId) {
        // the page's hashchange handler clears notices: say it once the instance page is routed
        await new Promise((r) => {
          window.addEventListener('hashchange', r, { once: true });
          location.hash = `#/instances/${newId}`;
        });
      }
      notice(`Instance #${newId} of ${def.name} started.`, 'ok');
    } catch (e: any) {
      notice(e.message ?? String(e), 'error');
    } finally {
      submit.disabled = false;
    }
  });
  view.replaceChildren(
    h('h2', {}, `${def.name} `, h('small', {}, `v${def.version}${def.deprecated ? ' · deprecated' : ''}`)),
    await diagramOf(app, def),
    h('h3', {}, 'Instances'),
    mine.length ? table(['Instance', 'Status', 'Starter'], mine.map(({ id: i, x }) => [
      h('a', { href: `#/instances/${i}` }, `#${i}`), INSTANCE_STATUS[Number(x.status)], h('span', { className: 'mono' }, short(x.starter))]))
      : h('p', {}, 'No instance yet.'),
    def.deprecated ? h('p', {}, 'This version is deprecated: it starts no new instance.') : h('section', {}, h('h3', {}, 'Start an instance'), form),
  );
}

export async function renderInstances(app: App, view: HTMLElement): Promise<void> {
  const { chain } = app;
  const count = Number(await chain.engine.instanceCount());
  const rows = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const x = await chain.engine.instance(i + 1);
    const def = await chain.definition(Number(x.definitionId));
    return [h('a', { href: `#/instances/${i + 1}` }, `#${i + 1}`), `${def.name} (v${def.version})`, INSTANCE_STATUS[Number(x.status)],
      Number(x.parentInstance) ? `#${x.parentInstance}` : ''];
  }));
  view.replaceChildren(h('h2', {}, 'Instances'), table(['Instance', 'Process', 'Status', 'Called by'], rows.reverse(), `${count} instance(s)`));
}

/** Marking bits of scope `s` of instance `id` that are set, as places. */
function places(m: bigint): number[] {
  const out: number[] = [];
  for (let p = 0; m > 0n; p++, m >>= 1n) if (m & 1n) out.push(p);
  return out;
}

export async function renderInstance(app: App, view: HTMLElement, id: number): Promise<void> {
  const { chain } = app;
  const x = await chain.engine.instance(id);
  const status = INSTANCE_STATUS[Number(x.status)];
  if (status === 'None') throw new Error(`There is no instance ${id}.`);
  const def = await chain.definition(Number(x.definitionId));
  const scopes = [...new Set(def.elements.map((e) => e.scope))];
  const marked = new Map<number, number[]>();
  for (const s of scopes) marked.set(s, places(BigInt(await chain.engine.marking(id, s))));
  const tokens = def.flows.filter((f) => marked.get(f.scope)?.includes(f.place)).map((f) => f.bpmnId);
  const enabled = status === 'Active' ? (await chain.engine.enabledTasks(id)).map((e: bigint) => def.elements[Number(e)].bpmnId) : [];
  const logs = await chain.instanceLogs(id);
  const iface: Interface = chain.engine.interface;
  const events = logs.map((l) => ({ l, p: (() => { try { return iface.parseLog(l); } catch { return null; } })() })).filter((e) => e.p);
  const fired = events.filter((e) => e.p!.name === 'ElementFired').map((e) => def.elements[Number(e.p!.args.element)]?.bpmnId).filter(Boolean);
  const times = new Map<number, number>();
  for (const b of new Set(events.map((e) => e.l.blockNumber))) times.set(b, (await chain.provider.getBlock(b))!.timestamp);
  const who = new Map((await app.participants()).map((p) => [p.account, p.name]));
  const name = (a: string) => who.get(String(a).toLowerCase()) ?? short(String(a));
  const bindings = events.filter((e) => e.p!.name === 'RoleBound').map((e) => [chain.roleName(e.p!.args.role), name(e.p!.args.account)]);
  const values = new Map<number, bigint>();
  for (const e of events.filter((e) => e.p!.name === 'VariableSet')) values.set(Number(e.p!.args.index), e.p!.args.value);
  const shown = (i: number, v: bigint) => {
    const t = def.variables[i]?.type;
    return t === 'Bool' ? (v ? 'yes' : 'no') : t === 'String' ? `text, hash ${short('0x' + BigInt.asUintN(256, v).toString(16).padStart(64, '0'))}` : v.toString();
  };
  const trail = events.map(({ l, p }) => {
    const a = p!.args;
    const el = (i: bigint) => def.elements[Number(i)]?.name || def.elements[Number(i)]?.bpmnId || `element ${i}`;
    const what = ({
      InstanceStarted: () => 'instance started',
      RoleBound: () => `role "${chain.roleName(a.role)}" bound to ${name(a.account)}`,
      ElementFired: () => `${el(a.element)} (${def.elements[Number(a.element)]?.kind ?? ''})`,
      VariableSet: () => `${def.variables[Number(a.index)]?.name ?? a.index} := ${shown(Number(a.index), a.value)}`,
      MessageSent: () => `message flow ${a.messageFlow} sent`,
      MessageCorrelated: () => `message flow ${a.messageFlow} received`,
      SubProcessCompleted: () => `sub-process ${el(a.element)} completed`,
      CallActivityCompleted: () => `call activity ${el(a.element)} completed (child #${a.childInstanceId})`,
      InstanceCompleted: () => 'instance completed',
      InstanceTerminated: () => `terminated by instance #${a.byInstance}`,
      TaskSubmitted: () => `${el(a.element)} submitted for verification${/^0x0{64}$/.test(a.evidence) ? '' : ` with evidence sha256 ${short(a.evidence)}`}`,
      TaskApproved: () => `${el(a.element)} of ${name(a.performer)} approved${a.reward ? ` (${a.reward} reward units)` : ''}`,
      TaskRejected: () => `${el(a.element)} of ${name(a.performer)} rejected: ${a.reason}`,
    } as Record<string, () => string>)[p!.name]?.() ?? p!.name;
    const actor = a.actor ?? a.starter ?? a.account ?? a.verifier ?? a.performer;
    return [new Date(times.get(l.blockNumber)! * 1000).toISOString().replace('T', ' ').slice(0, 19), actor ? name(actor) : '', what,
      `#${l.blockNumber}`, h('span', { className: 'mono', title: l.transactionHash }, short(l.transactionHash))];
  });
  view.replaceChildren(
    h('h2', {}, `Instance #${id} `, h('small', { 'data-status': status }, status)),
    h('p', {}, h('a', { href: `#/definitions/${def.id}` }, `${def.name} (v${def.version})`),
      Number(x.parentInstance) ? h('span', {}, ' · called by ', h('a', { href: `#/instances/${x.parentInstance}` }, `#${x.parentInstance}`)) : null),
    h('p', { className: 'legend' }, h('span', { className: 'l-token' }, 'token on a flow'), h('span', { className: 'l-enabled' }, 'task waiting'), h('span', { className: 'l-fired' }, 'fired')),
    await diagramOf(app, def, { tokens, enabled, fired }),
    h('div', { className: 'grid' },
      h('section', {}, h('h3', {}, 'Role bindings'), bindings.length ? table(['Role', 'Participant'], bindings) : h('p', {}, 'None.')),
      h('section', {}, h('h3', {}, 'Variables'), values.size ? table(['Variable', 'Value'], [...values].map(([i, v]) => [def.variables[i]?.name ?? i, shown(i, v)])) : h('p', {}, 'None set.'))),
    h('h3', {}, 'Audit trail'),
    table(['When (UTC)', 'Who', 'What', 'Block', 'Transaction'], trail),
  );
  void notice;
}
