// The consortium's participants (ParticipantRegistry): everyone sees who may play which role;
// an account holding REGISTRAR_ROLE registers, changes roles and removes participants here.
import { id as roleHash } from 'ethers';
import type { App } from '../app';
import { h, notice, short, table } from '../ui';
import { sendAndFollow } from '../wallet';

/** Role ids of comma-separated role names (keccak256 of each trimmed name; a 32-byte hex id, for
 *  a role no loaded model names, is kept as is). */
export function roleIds(names: string): string[] {
  return names.split(',').map((n) => n.trim()).filter(Boolean).map((n) => (/^0x[0-9a-fA-F]{64}$/.test(n) ? n : roleHash(n)));
}

export async function renderParticipants(app: App, view: HTMLElement): Promise<void> {
  const { chain } = app;
  const list = await app.participants();
  const registrarRole: string = await chain.participants.REGISTRAR_ROLE();
  const registrar = app.me ? Boolean(await chain.participants.hasRole(registrarRole, app.me.account)) : false;
  const rows = list.map((p) => [p.name, h('span', { className: 'mono', title: p.account }, short(p.account)),
    p.roles.map((r) => chain.roleName(r)).join(', ')]);
  view.replaceChildren(h('h2', {}, 'Participants'), table(['Participant', 'Account', 'Roles'], rows, `${list.length} registered participant(s)`));
  if (!registrar) {
    view.append(h('p', {}, app.me ? 'Only a registrar of the consortium changes participants.' : 'Connect a registrar account to change participants.'));
    return;
  }
  const known = [...new Set(chain.roleNames.values())].sort();
  const steps = h('ol', { className: 'progress-steps', 'aria-label': 'Transaction progress' });
  const run = async (label: string, method: string, args: unknown[]) => {
    notice('');
    steps.replaceChildren();
    try {
      await sendAndFollow(chain, app.wallet, chain.participants, method, args, (step, detail) => steps.append(h('li', { className: 'done', 'data-step': step }, detail)));
      // redraw the page (its hashchange handler clears notices, so the notice comes after)
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      notice(label, 'ok');
    } catch (e: any) {
      notice(e.message ?? String(e), 'error');
    }
  };
  const form = (label: string, fields: HTMLElement[], submit: string, act: (f: HTMLFormElement) => Promise<void>) => {
    const f = h('form', { 'aria-label': label }, h('h3', {}, label), ...fields, h('button', { type: 'submit' }, submit));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(f);
    });
    return f;
  };
  const input = (name: string, label: string, attrs: Record<string, any> = {}) =>
    h('label', { for: `p-${name}` }, label, h('input', { id: `p-${name}`, name, required: true, ...attrs }));
  const value = (f: HTMLFormElement, name: string) => (f.elements.namedItem(name) as HTMLInputElement).value.trim();
  const pick = h('select', { id: 'p-who', name: 'who' }, ...list.map((p) => h('option', { value: p.account }, `${p.name} (${short(p.account)})`)));
  view.append(
    h('datalist', { id: 'known-roles' }, ...known.map((r) => h('option', { value: r }))),
    form('Register a participant', [
      input('account', 'Account (0x…)', { pattern: '0x[0-9a-fA-F]{40}', placeholder: '0x…' }),
      input('name', 'Name (organisation, person)'),
      input('roles', 'Roles (comma-separated: lane or pool names of the models)', { list: 'known-roles' }),
    ], 'Register', (f) => run(`${value(f, 'name')} registered.`, 'registerParticipant', [value(f, 'account'), value(f, 'name'), roleIds(value(f, 'roles'))])),
    form('Change a participant', [
      h('label', { for: 'p-who' }, 'Participant', pick),
      input('newname', 'Name'),
      input('newroles', 'All its roles (comma-separated; replaces the current ones)', { list: 'known-roles' }),
    ], 'Save', (f) => run('Participant updated.', 'updateParticipant', [value(f, 'who'), value(f, 'newname'), roleIds(value(f, 'newroles'))])),
    form('Remove a participant', [
      h('label', { for: 'p-remove' }, 'Participant', h('select', { id: 'p-remove', name: 'remove' }, ...list.map((p) => h('option', { value: p.account }, `${p.name} (${short(p.account)})`)))),
    ], 'Remove', (f) => run('Participant removed: it no longer starts instances or completes tasks.', 'removeParticipant', [value(f, 'remove')])),
    steps,
  );
  const fill = () => {
    const p = list.find((x) => x.account === (pick as HTMLSelectElement).value);
    if (!p) return;
    (view.querySelector('#p-newname') as HTMLInputElement).value = p.name;
    (view.querySelector('#p-newroles') as HTMLInputElement).value = p.roles.map((r) => chain.roleNames.get(r) ?? r).join(', ');
  };
  pick.addEventListener('change', fill);
  fill();
}
