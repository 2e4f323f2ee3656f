// The modeler: draw or open a BPMN model (bpmn-js), check it with the compiler the CLI uses (the
// web server runs `alstra bpmn check`; a refusal is pointed at on the diagram), and deploy it as a
// new version with the wallet (`alstra bpmn encode` gives the registry calls; the BPMN source
// deployed is the modeler's export).
import Modeler from 'bpmn-js/lib/Modeler';
import type { App } from '../app';
import { decodeXml } from '../chain';
import { explainRevert } from '../errors';
import { h, notice } from '../ui';

const EMPTY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_1" name="New process" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="Start"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="180" y="160" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

interface Refusal { elementId?: string; elementType?: string; line?: number; reason: string }

/** The compiler's answer for `xml`: the compiled model, or a refusal / error to show. */
async function compile(path: string, xml: string): Promise<{ ok: true; body: any } | { ok: false; refused?: Refusal; error?: string }> {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: xml });
  const body = await r.json();
  if (r.ok) return { ok: true, body };
  return { ok: false, refused: body.refused, error: body.error };
}

export function describeRefusal(x: Refusal): string {
  const where = [x.line ? `line ${x.line}` : '', x.elementType ? `${x.elementType}` : '', x.elementId ? `"${x.elementId}"` : ''].filter(Boolean).join(' ');
  return where ? `${where}: ${x.reason}` : x.reason;
}

export async function renderModeler(app: App, view: HTMLElement): Promise<void> {
  const canvasBox = h('div', { className: 'diagram modeler', role: 'application', 'aria-label': 'BPMN modeler' });
  const result = h('div', { 'data-check': '', role: 'status' });
  const steps = h('ol', { className: 'progress-steps', 'aria-label': 'Deployment progress' });
  const file = h('input', { type: 'file', accept: '.bpmn,.xml', id: 'model-file' });
  const checkBtn = h('button', { type: 'button', id: 'check-model' }, 'Check');
  const deployBtn = h('button', { type: 'button', id: 'deploy-model' }, 'Deploy as a new version');
  const newBtn = h('button', { type: 'button', className: 'secondary', id: 'new-model' }, 'New');
  view.replaceChildren(
    h('h2', {}, 'Modeler'),
    h('p', {}, 'Draw a process or open a file exported by your modeling tool; check it with AlstraNet\'s compiler, then deploy it.'),
    h('div', { role: 'group' }, newBtn, h('label', { for: 'model-file', className: 'secondary', role: 'button' }, 'Open .bpmn file'), checkBtn, deployBtn),
    file, canvasBox, result, steps,
  );
  file.style.display = 'none';
  // the page shows this view after it is built: the modeler starts once its box is in the document
  void setup(app, { canvasBox, result, steps, file, checkBtn, deployBtn, newBtn }).catch((e) => notice(e.message ?? String(e), 'error'));
}

async function setup(app: App, ui: { canvasBox: HTMLElement; result: HTMLElement; steps: HTMLElement; file: HTMLInputElement;
  checkBtn: HTMLButtonElement; deployBtn: HTMLButtonElement; newBtn: HTMLButtonElement }): Promise<void> {
  const { canvasBox, result, steps, file, checkBtn, deployBtn, newBtn } = ui;
  for (let i = 0; !canvasBox.isConnected; i++) {
    if (i > 600) return; // another page replaced this one
    await new Promise((r) => requestAnimationFrame(r));
  }
  const modeler = new Modeler({ container: canvasBox });
  canvasBox.dataset.ready = 'true';
  const canvas: any = modeler.get('canvas');
  let marked: string | undefined;
  const clearMark = () => {
    // the marked element may have been deleted since (the user fixed the model)
    if (marked && (modeler.get('elementRegistry') as any).get(marked)) canvas.removeMarker(marked, 'error');
    marked = undefined;
  };
  const load = async (xml: string) => {
    clearMark();
    result.replaceChildren();
    await modeler.importXML(xml);
    canvas.zoom('fit-viewport');
  };
  await load(EMPTY);
  newBtn.addEventListener('click', () => load(EMPTY));
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      await load(decodeXml(new Uint8Array(await f.arrayBuffer())));
      notice(`Opened ${f.name}.`);
    } catch (e: any) {
      notice(`${f.name} is not a BPMN 2.0 file bpmn-js can open: ${e.message}`, 'error');
    }
  });

  /** Checks the diagram; shows the result; returns the XML when it compiles. */
  const check = async (): Promise<string | undefined> => {
    notice('');
    clearMark();
    const { xml } = await modeler.saveXML({ format: true });
    const r = await compile('/api/check', xml!);
    if (r.ok) {
      const m = r.body;
      result.className = 'notice-ok';
      result.textContent = `✓ Compiles: "${m.name}", ${m.elements.length} flow nodes, ${m.activityFlows.length + m.gatewayFlows.length} sequence flows, ${m.scopes.length} scope(s), ${m.swimlanes.length} lane(s), ${m.variables.length} variable(s).`;
      return xml;
    }
    result.className = 'notice-error';
    if (r.refused) {
      result.textContent = `✗ Refused: ${describeRefusal(r.refused)}`;
      const id = r.refused.elementId;
      const registry: any = modeler.get('elementRegistry');
      if (id && registry.get(id)) {
        canvas.addMarker(id, 'error');
        marked = id;
        (modeler.get('selection') as any).select(registry.get(id));
        canvas.scrollToElement?.(registry.get(id));
      }
    } else {
      result.textContent = `✗ ${r.error}`;
    }
    return undefined;
  };
  checkBtn.addEventListener('click', () => check().catch((e) => notice(e.message, 'error')));

  deployBtn.addEventListener('click', async () => {
    steps.replaceChildren();
    const step = (text: string, name = 'step') => steps.append(h('li', { className: 'done', 'data-step': name }, text));
    try {
      if (!app.wallet.signer) throw new Error('Connect your wallet first: the deployer signs the definition.');
      const xml = await check();
      if (!xml) return;
      deployBtn.disabled = true;
      await app.wallet.ensureChain();
      const registry = app.chain.registry;
      const to = app.chain.config.deployment.definitionRegistry;
      const send = async (data: string, label: string) => {
        try {
          await app.chain.provider.call({ to, data, from: app.wallet.account });
        } catch (e) {
          throw new Error(`${label}: ${explainRevert(app.chain, registry.interface, e)}`);
        }
        const tx = await app.wallet.signer!.sendTransaction({ to, data });
        const receipt = await tx.wait();
        if (!receipt || receipt.status !== 1) throw new Error(`${label}: transaction ${tx.hash} failed on chain`);
        return receipt;
      };
      const first = await compile('/api/encode?definitionId=0', xml);
      if (!first.ok) throw new Error(first.refused ? describeRefusal(first.refused) : first.error);
      const created = await send(first.body.createDefinition, 'createDefinition');
      const ev = created.logs.map((l) => { try { return registry.interface.parseLog(l); } catch { return null; } }).find((p) => p?.name === 'DefinitionCreated');
      const id = Number(ev!.args.definitionId);
      step(`Draft definition ${id} created (block #${created.blockNumber}).`);
      const plan = await compile(`/api/encode?definitionId=${id}`, xml);
      if (!plan.ok) throw new Error(plan.refused ? describeRefusal(plan.refused) : plan.error);
      const calls: { label: string; records: number; data: string }[] = plan.body.calls;
      let last;
      for (const [i, c] of calls.entries()) {
        last = await send(c.data, c.label);
        step(`${i + 1}/${calls.length}: ${c.label}${c.records ? ` (${c.records} records)` : ''} in block #${last.blockNumber}.`);
      }
      for (;;) {
        const fin = await app.chain.provider.getBlock('finalized');
        if (fin && fin.number >= last!.blockNumber) break;
        await new Promise((r) => setTimeout(r, 1500));
      }
      const def = await app.chain.definition(id);
      step(`Finalized: "${def.name}" is version ${def.version} (definition ${id}).`, 'finalized');
      notice(`Deployed "${def.name}" version ${def.version}.`, 'ok');
      steps.append(h('li', {}, h('a', { href: `#/definitions/${id}` }, `Open definition ${id}`)));
    } catch (e: any) {
      if (e?.code === 'ACTION_REJECTED' || e?.info?.error?.code === 4001) notice('You rejected a transaction in your wallet: the deployment stopped (a Draft that is not published starts nothing).', 'error');
      else notice(e.message ?? String(e), 'error');
    } finally {
      deployBtn.disabled = false;
    }
  });
}
