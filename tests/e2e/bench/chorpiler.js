// Chorpiler's two cases (../shared/bpmn/chorpiler: supply chain, incident management; BPMN
// choreographies with conformant XES traces) as processes our engine runs, for bench/bpm-gas.js:
// the comparison in the gas issue (Chorpiler's generated per-model contracts against our
// interpreted engine on the same traces) needs the same model and the same decisions.
//
// The translation (one rule each, as the issue measured them):
// - every participant becomes a lane (its name is the role), every choreography task a user
//   task of its initiating participant's lane; events, gateways and sequence flows are kept;
// - the decision of an exclusive gateway becomes Bool variables: each non-default outgoing flow
//   `f` gets the condition `${f}`, and the task completed before the gateway sets them so that
//   the flow the trace takes next holds (Chorpiler takes the decision from its caller unchecked;
//   here the engine checks it).
import fs from 'node:fs';
import BpmnModdle from 'bpmn-moddle';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/**
 * Translates a choreography (BPMN XML text) into { xml, roles, start, tasks, decide(trace, i) }:
 * `xml` a BPMN process the `alstra` compiler accepts; `roles` the participants' names (lane
 * roles), `start` the start role; `decide(trace, i)` the `--var name=value` arguments for the
 * completion of `trace[i]` (task ids) that steer every exclusive gateway after it towards the
 * trace's next tasks.
 */
export async function choreographyToProcess(text) {
  const { rootElement } = await new BpmnModdle().fromXML(text);
  const ch = rootElement.rootElements.find((e) => e.$type === 'bpmn:Choreography');
  if (!ch) throw new Error('no bpmn:choreography in the model');
  const nodes = new Map(); // id -> flow node
  const flows = [];
  for (const e of ch.flowElements) {
    if (e.$type === 'bpmn:SequenceFlow') flows.push(e);
    else nodes.set(e.id, e);
  }
  const out = (id) => flows.filter((f) => f.sourceRef.id === id);
  const isTask = (n) => n.$type === 'bpmn:ChoreographyTask';
  const xorSplit = (n) => n.$type === 'bpmn:ExclusiveGateway' && out(n.id).length > 1;
  const lanes = new Map(ch.participants.map((p) => [p.id, { name: p.name, refs: [] }]));
  for (const n of nodes.values()) {
    if (isTask(n)) lanes.get(n.initiatingParticipantRef.id).refs.push(n.id);
  }
  const startEvent = [...nodes.values()].find((n) => n.$type === 'bpmn:StartEvent');
  const firstTask = firstTasks(out(startEvent.id)[0]).values().next().value;
  const startLane = lanes.get(nodes.get(firstTask).initiatingParticipantRef.id);
  startLane.refs.unshift(startEvent.id);

  /** The tasks reached from flow `f` through gateways and events only ('END' for an end event). */
  function firstTasks(f, seen = new Set()) {
    const found = new Set();
    const walk = (flow) => {
      if (seen.has(flow.id)) return;
      seen.add(flow.id);
      const t = flow.targetRef;
      if (isTask(t)) found.add(t.id);
      else if (t.$type === 'bpmn:EndEvent') found.add('END');
      else for (const next of out(t.id)) walk(next);
    };
    walk(f);
    return found;
  }
  /** The exclusive splits reached from `id`'s outgoing flows through gateways and events only. */
  function splitsAfter(id) {
    const found = [];
    const seen = new Set();
    const walk = (flow) => {
      if (seen.has(flow.id)) return;
      seen.add(flow.id);
      const t = flow.targetRef;
      if (isTask(t) || t.$type === 'bpmn:EndEvent') return;
      if (xorSplit(t)) found.push(t);
      for (const next of out(t.id)) walk(next);
    };
    for (const f of out(id)) walk(f);
    return found;
  }

  const body = [];
  body.push(`    <bpmn:laneSet id="LaneSet_1">`);
  for (const [id, l] of lanes) {
    body.push(`      <bpmn:lane id="Lane_${esc(id)}" name="${esc(l.name)}">`);
    for (const r of l.refs) body.push(`        <bpmn:flowNodeRef>${esc(r)}</bpmn:flowNodeRef>`);
    body.push('      </bpmn:lane>');
  }
  body.push('    </bpmn:laneSet>');
  for (const n of nodes.values()) {
    const name = n.name ? ` name="${esc(n.name)}"` : '';
    if (isTask(n)) body.push(`    <bpmn:userTask id="${esc(n.id)}"${name} />`);
    else if (n.$type === 'bpmn:StartEvent') body.push(`    <bpmn:startEvent id="${esc(n.id)}"${name} />`);
    else if (n.$type === 'bpmn:EndEvent') body.push(`    <bpmn:endEvent id="${esc(n.id)}"${name} />`);
    else if (n.$type === 'bpmn:ParallelGateway') body.push(`    <bpmn:parallelGateway id="${esc(n.id)}"${name} />`);
    else if (n.$type === 'bpmn:ExclusiveGateway') {
      const dflt = n.default ? ` default="${esc(n.default.id)}"` : '';
      body.push(`    <bpmn:exclusiveGateway id="${esc(n.id)}"${name}${dflt} />`);
    } else throw new Error(`${n.id}: ${n.$type} is not translated`);
  }
  for (const f of flows) {
    const src = f.sourceRef;
    const conditional = xorSplit(src) && src.default?.id !== f.id;
    const head = `    <bpmn:sequenceFlow id="${esc(f.id)}" sourceRef="${esc(src.id)}" targetRef="${esc(f.targetRef.id)}"`;
    if (!conditional) body.push(`${head} />`);
    else {
      body.push(`${head}>`);
      body.push(`      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${${f.id}}</bpmn:conditionExpression>`);
      body.push('    </bpmn:sequenceFlow>');
    }
  }
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_${esc(ch.id)}" targetNamespace="https://alstranet.example/bench">
  <bpmn:process id="${esc(ch.id)}" name="${esc(ch.name ?? ch.id)}" isExecutable="true">
${body.join('\n')}
  </bpmn:process>
</bpmn:definitions>
`;

  function decide(trace, i) {
    const args = [];
    for (const g of splitsAfter(trace[i])) {
      const branches = out(g.id);
      let chosen = null;
      for (let j = i + 1; j < trace.length && !chosen; j++) {
        chosen = branches.find((b) => firstTasks(b).has(trace[j])) ?? null;
      }
      chosen ??= branches.find((b) => firstTasks(b).has('END')) ?? g.default ?? branches[0];
      for (const b of branches) {
        if (b.id !== g.default?.id) args.push('--var', `${b.id}=${b.id === chosen.id}`);
      }
    }
    return args;
  }

  return { xml, roles: [...lanes.values()].map((l) => l.name), start: startLane.name, tasks: [...nodes.values()].filter(isTask).map((n) => n.id), decide };
}

/** The traces of an XES log: arrays of `concept:name` values (here: choreography task ids). */
export function readXes(text) {
  return [...text.matchAll(/<trace>([\s\S]*?)<\/trace>/g)].map(([, t]) =>
    [...t.matchAll(/<event>[\s\S]*?key="concept:name" value="([^"]+)"[\s\S]*?<\/event>/g)].map(([, id]) => id));
}

/** Reads and translates one of Chorpiler's cases: { name, process, traces }. */
export async function chorpilerCase(dir, name) {
  const process = await choreographyToProcess(fs.readFileSync(`${dir}/${name}.bpmn`, 'utf8'));
  return { name, process, traces: readXes(fs.readFileSync(`${dir}/${name}.xes`, 'utf8')) };
}
