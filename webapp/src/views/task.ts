// A task's form: the instance's variables as typed inputs, the decisions of the gateways right
// after the task, and the completion followed until finality.
import { keccak256, toUtf8Bytes } from 'ethers';
import type { App } from '../app';
import type { Definition, Variable } from '../chain';
import { h, notice } from '../ui';
import { sendAndFollow } from '../wallet';

/** A decision gateway the task leads to: an exclusive gateway with a flow that is neither
 *  conditional nor the default (docs/bpm-engine.md, "Decisions at exclusive gateways"). */
interface DecisionPoint { gateway: number; name: string; branches: { branch: number; label: string; isDefault: boolean }[] }

function decisionPoints(def: Definition, element: number): DecisionPoint[] {
  const out: DecisionPoint[] = [];
  const next = def.flows.filter((f) => !f.gateway && f.source === element).map((f) => f.target);
  for (const g of next) {
    if (def.elements[g].kind !== 'ExclusiveGateway') continue;
    const branches = def.flows.filter((f) => f.gateway && f.source === g);
    const decidable = branches.length > 1 && branches.some((b) => !b.isDefault && b.condition === '0x');
    if (!decidable) continue;
    out.push({
      gateway: g, name: def.elements[g].name || def.elements[g].bpmnId,
      branches: branches.map((b, i) => ({ branch: i, isDefault: b.isDefault,
        label: `${def.elements[b.target].name || def.elements[b.target].bpmnId}${b.isDefault ? ' (default)' : ''}` }))
        .filter((b) => b.isDefault || branches[b.branch].condition === '0x'),
    });
  }
  return out;
}

/** The int256 a typed input stands for (`VariableType`: Bool 0/1, Int, String as keccak256). */
export function encodeValue(v: Variable, raw: string | boolean): bigint {
  if (v.type === 'Bool') return raw ? 1n : 0n;
  if (v.type === 'Int') {
    if (!/^-?\d+$/.test(String(raw).trim())) throw new Error(`"${v.name}" must be a whole number, not "${raw}".`);
    return BigInt(String(raw).trim());
  }
  return BigInt.asIntN(256, BigInt(keccak256(toUtf8Bytes(String(raw)))));
}

export async function renderTask(app: App, view: HTMLElement, instance: number, element: number): Promise<void> {
  const { chain } = app;
  const info = await chain.engine.instance(instance);
  const def = await chain.definition(Number(info.definitionId));
  const el = def.elements[element];
  if (!el) throw new Error(`Definition ${def.id} has no element ${element}.`);
  const fields = def.variables.map((v) => {
    const id = `var-${v.index}`;
    const input = v.type === 'Bool'
      ? h('select', { id, name: v.name, 'data-var': v.index }, h('option', { value: '' }, '(leave unchanged)'), h('option', { value: 'true' }, 'yes'), h('option', { value: 'false' }, 'no'))
      : h('input', { id, name: v.name, 'data-var': v.index, type: v.type === 'Int' ? 'number' : 'text', step: v.type === 'Int' ? '1' : undefined, placeholder: '(leave unchanged)' });
    return h('label', { for: id }, `${v.name} (${v.type === 'Int' ? 'number' : v.type === 'Bool' ? 'yes/no' : 'text'})`, input);
  });
  const decisions = decisionPoints(def, element).map((d) => h('fieldset', {},
    h('legend', {}, `Decision at "${d.name}"`),
    ...d.branches.map((b) => h('label', {}, h('input', { type: 'radio', name: `decide-${d.gateway}`, value: b.branch, 'data-gateway': d.gateway }), b.label))));
  const steps = h('ol', { className: 'progress-steps', 'aria-label': 'Transaction progress' });
  const submit = h('button', { type: 'submit' }, 'Complete task');
  const form = h('form', { 'aria-label': `Complete ${el.name}` }, ...fields, ...decisions, submit, steps);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice('');
    steps.replaceChildren();
    try {
      const outputs: { index: number; value: bigint }[] = [];
      for (const v of def.variables) {
        const input = form.querySelector(`[data-var="${v.index}"]`) as HTMLInputElement | HTMLSelectElement;
        if (input.value === '') continue;
        outputs.push({ index: v.index, value: encodeValue(v, v.type === 'Bool' ? input.value === 'true' : input.value) });
      }
      const chosen = [...form.querySelectorAll('input[type=radio]:checked')].map((r) => ({
        gateway: Number((r as HTMLInputElement).dataset.gateway), branch: Number((r as HTMLInputElement).value) }));
      submit.setAttribute('aria-busy', 'true');
      submit.disabled = true;
      const [method, args] = chosen.length
        ? ['completeTaskWithDecisions', [instance, element, outputs, chosen]]
        : ['completeTask', [instance, element, outputs]];
      await sendAndFollow(chain, app.wallet, chain.engine, method as string, args as unknown[], (step, detail) => {
        steps.append(h('li', { className: 'done', 'data-step': step }, detail));
      });
      notice(`"${el.name}" completed in instance ${instance}.`, 'ok');
      form.replaceChildren(steps, h('p', {}, h('a', { href: '#/worklist' }, 'Back to my worklist'), ' · ', h('a', { href: `#/instances/${instance}` }, `See instance #${instance}`)));
    } catch (e: any) {
      notice(e.message ?? String(e), 'error');
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = false;
    }
  });
  view.replaceChildren(
    h('h2', {}, el.name || el.bpmnId),
    h('p', {}, `Instance `, h('a', { href: `#/instances/${instance}` }, `#${instance}`), ` of ${def.name} (v${def.version}) · role "${chain.roleName(el.role)}"`),
    form,
  );
}
