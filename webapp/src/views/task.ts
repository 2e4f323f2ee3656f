// A task's form: the instance's variables as typed inputs, the decisions of the gateways right
// after the task, and the completion followed until finality. A verified task (docs/bpm-engine.md,
// "Task verification") is submitted with an evidence file's SHA-256 instead, and its submission
// is approved or rejected by an account of its verifier role.
import { hexlify, keccak256, toUtf8Bytes } from 'ethers';
import type { App } from '../app';
import type { Definition, Submission, Variable } from '../chain';
import { h, notice, table } from '../ui';
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

/** SHA-256 of a file, as `alstra task submit --evidence` computes it (the file stays in the browser). */
async function sha256(file: File): Promise<string> {
  return hexlify(new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())));
}

/** The approve / reject form of a submission waiting for its verifier. */
function verifyForm(app: App, def: Definition, instance: number, element: number, s: Submission): HTMLElement {
  const { chain } = app;
  const el = def.elements[element];
  const steps = h('ol', { className: 'progress-steps', 'aria-label': 'Transaction progress' });
  const evidence = h('input', { id: 'evidence-check', type: 'file', 'data-evidence': 'check' }) as HTMLInputElement;
  const reason = h('input', { id: 'reject-reason', name: 'reason', type: 'text', placeholder: 'why (logged on chain)' }) as HTMLInputElement;
  const approve = h('button', { type: 'button', 'data-verify': 'approve' }, 'Approve');
  const reject = h('button', { type: 'button', className: 'secondary', 'data-verify': 'reject' }, 'Reject');
  const act = async (method: 'approveTask' | 'rejectTask') => {
    notice('');
    steps.replaceChildren();
    try {
      if (method === 'approveTask' && evidence.files?.length) {
        const got = await sha256(evidence.files[0]);
        if (got !== String(s.evidence).toLowerCase()) throw new Error(`${evidence.files[0].name} is not the submitted evidence (its SHA-256 is ${got}): not approved.`);
      }
      if (method === 'rejectTask' && !reason.value.trim()) throw new Error('Say why the submission is rejected.');
      const args = method === 'approveTask' ? [instance, element] : [instance, element, reason.value.trim()];
      await sendAndFollow(chain, app.wallet, chain.engine, method, args, (step, detail) => steps.append(h('li', { className: 'done', 'data-step': step }, detail)));
      notice(method === 'approveTask' ? `"${el.name}" approved: the task is completed in instance ${instance}.` : `The submission of "${el.name}" was rejected: the task waits for a new one.`, 'ok');
      form.replaceChildren(steps, backLinks(instance));
    } catch (e: any) {
      notice(e.message ?? String(e), 'error');
    }
  };
  approve.addEventListener('click', () => act('approveTask'));
  reject.addEventListener('click', () => act('rejectTask'));
  const value = (o: { index: number; value: bigint }) => {
    const v = def.variables[o.index];
    return v?.type === 'Bool' ? (o.value ? 'yes' : 'no') : v?.type === 'String' ? `text, hash ${o.value}` : o.value.toString();
  };
  const form = h('form', { 'aria-label': `Verify ${el.name}`, 'data-submission': s.performer },
    h('p', {}, `Submitted by ${s.performer}`, /^0x0{64}$/.test(s.evidence) ? ' without evidence.' : h('span', {}, ' with evidence ', h('code', { 'data-evidence-hash': s.evidence }, s.evidence))),
    s.outputs.length ? table(['Variable', 'Value'], s.outputs.map((o) => [def.variables[o.index]?.name ?? String(o.index), value(o)])) : h('p', {}, 'No variable written.'),
    s.decisions.length ? h('p', {}, 'Decisions: ', s.decisions.map((d) => `${def.elements[d.gateway]?.name || d.gateway} → branch ${d.branch}`).join('; ')) : null,
    h('label', { for: 'evidence-check' }, 'Check the evidence file before approving (optional)', evidence),
    h('label', { for: 'reject-reason' }, 'Reason, to reject', reason),
    h('div', { className: 'grid' }, approve, reject), steps);
  return form;
}

/** Links shown once a task's transaction is final. */
function backLinks(instance: number): HTMLElement {
  return h('p', {}, h('a', { href: '#/worklist' }, 'Back to my worklist'), ' · ', h('a', { href: `#/instances/${instance}` }, `See instance #${instance}`));
}

export async function renderTask(app: App, view: HTMLElement, instance: number, element: number): Promise<void> {
  const { chain } = app;
  const info = await chain.engine.instance(instance);
  const def = await chain.definition(Number(info.definitionId));
  const el = def.elements[element];
  if (!el) throw new Error(`Definition ${def.id} has no element ${element}.`);
  const header = [
    h('h2', {}, el.name || el.bpmnId),
    h('p', {}, `Instance `, h('a', { href: `#/instances/${instance}` }, `#${instance}`), ` of ${def.name} (v${def.version}) · role "${chain.roleName(el.role)}"`,
      el.verification ? ` · verified by "${chain.roleName(el.verification.role)}"${el.verification.evidenceRequired ? ', with evidence' : ''}`
        + (el.verification.reward ? ` · rewards ${el.verification.reward} units` : '') : ''),
  ];
  const pending = el.verification ? await chain.submission(instance, element) : undefined;
  if (pending) {
    view.replaceChildren(...header, h('h3', {}, 'Verification'), verifyForm(app, def, instance, element, pending));
    return;
  }
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
  const verified = el.verification;
  const evidence = verified ? h('input', { id: 'evidence', type: 'file', 'data-evidence': 'submit', required: verified.evidenceRequired || undefined }) as HTMLInputElement : null;
  const submit = h('button', { type: 'submit' }, verified ? 'Submit for verification' : 'Complete task');
  const form = h('form', { 'aria-label': `${verified ? 'Submit' : 'Complete'} ${el.name}` }, ...fields, ...decisions,
    evidence ? h('label', { for: 'evidence' }, `Evidence document${verified!.evidenceRequired ? '' : ' (optional)'}: only its SHA-256 goes on chain`, evidence) : null,
    submit, steps);
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
      const file = evidence?.files?.[0];
      if (verified?.evidenceRequired && !file) throw new Error(`"${el.name}" needs an evidence document: choose the file.`);
      submit.setAttribute('aria-busy', 'true');
      submit.disabled = true;
      const [method, args] = verified
        ? ['submitTask', [instance, element, outputs, chosen, file ? await sha256(file) : '0x' + '0'.repeat(64)]]
        : chosen.length
          ? ['completeTaskWithDecisions', [instance, element, outputs, chosen]]
          : ['completeTask', [instance, element, outputs]];
      await sendAndFollow(chain, app.wallet, chain.engine, method as string, args as unknown[], (step, detail) => {
        steps.append(h('li', { className: 'done', 'data-step': step }, detail));
      });
      notice(verified ? `"${el.name}" submitted: it completes when a "${chain.roleName(verified.role)}" approves it.` : `"${el.name}" completed in instance ${instance}.`, 'ok');
      form.replaceChildren(steps, backLinks(instance));
    } catch (e: any) {
      notice(e.message ?? String(e), 'error');
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = false;
    }
  });
  view.replaceChildren(...header, form);
}
