// My worklist: the tasks enabled now, across every running instance, whose role the connected
// account is bound to; each opens its form. Read from the chain alone (the engine's views).
import type { App } from '../app';
import { INSTANCE_STATUS, isPersonTask } from '../chain';
import { h, table } from '../ui';

export interface WorkItem { instance: number; definition: number; definitionName: string; version: number; element: number; task: string; role: string; action: 'complete' | 'submit' | 'verify' }

/** Enabled person tasks of running instances that `account` may act on: complete (bound to the
 *  task's role), submit for verification (a verified task without submission), or verify (a
 *  submission waiting for a verifier role `account` is bound to, and did not submit itself). */
export async function worklist(app: App, account: string): Promise<WorkItem[]> {
  const { chain } = app;
  const count = Number(await chain.engine.instanceCount());
  const items: WorkItem[] = [];
  for (let id = count; id >= 1; id--) {
    const info = await chain.engine.instance(id);
    if (INSTANCE_STATUS[Number(info.status)] !== 'Active') continue;
    const enabled: bigint[] = await chain.engine.enabledTasks(id);
    if (!enabled.length) continue;
    const def = await chain.definition(Number(info.definitionId));
    for (const e of enabled.map(Number)) {
      const el = def.elements[e];
      if (!isPersonTask(el.kind)) continue;
      const item = { instance: id, definition: def.id, definitionName: def.name, version: def.version, element: e, task: el.name || el.bpmnId };
      const pending = el.verification ? await chain.submission(id, e) : undefined;
      if (pending) {
        if (pending.performer === account.toLowerCase() || !(await chain.engine.hasRole(id, el.verification!.role, account))) continue;
        items.push({ ...item, role: chain.roleName(el.verification!.role), action: 'verify' });
        continue;
      }
      if (!(await chain.engine.hasRole(id, el.role, account))) continue;
      items.push({ ...item, role: chain.roleName(el.role), action: el.verification ? 'submit' : 'complete' });
    }
  }
  return items;
}

export async function renderWorklist(app: App, view: HTMLElement): Promise<void> {
  if (!app.me) {
    view.replaceChildren(h('h2', {}, 'My worklist'), h('p', {}, 'Connect your wallet to see the tasks waiting for you.'));
    return;
  }
  const items = await worklist(app, app.me.account);
  view.replaceChildren(
    h('h2', {}, 'My worklist'),
    items.length
      ? table(['Instance', 'Process', 'Task', 'Role', ''], items.map((w) => [
        h('a', { href: `#/instances/${w.instance}` }, `#${w.instance}`),
        `${w.definitionName} (v${w.version})`,
        w.task,
        w.role,
        h('a', { href: `#/task/${w.instance}/${w.element}`, role: 'button', 'data-task': `${w.instance}/${w.element}`, 'data-action': w.action },
          w.action === 'verify' ? 'Verify' : 'Open'),
      ]), `${items.length} task(s) waiting for you; updated with every block`)
      : h('p', { 'data-empty': 'worklist' }, 'No task is waiting for you.'),
  );
}
