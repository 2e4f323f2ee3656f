// Reads of the BPM contracts (through the web server's /rpc, no wallet needed) and the model of a
// definition as the registry stores it. Writes go through the wallet (wallet.ts).
import { Contract, JsonRpcProvider, Log, Network, keccak256, toUtf8Bytes, concat, getBytes, hexlify } from 'ethers';
import { abi as executionAbi } from '../../contracts/bpm/artifacts/ProcessExecution.json';
import { abi as registryAbi } from '../../contracts/bpm/artifacts/ProcessDefinitionRegistry.json';
import { abi as participantsAbi } from '../../contracts/bpm/artifacts/ParticipantRegistry.json';
import { ELEMENT_KINDS, VARIABLE_TYPES } from 'bpm-core';

export { executionAbi, registryAbi, participantsAbi };

/** What GET /config.json answers (webapp/server.mjs). */
export interface Config {
  chainId: number;
  chainName: string;
  /** The Ethereum JSON-RPC endpoint a wallet adds (`wallet_addEthereumChain`). */
  ethRpcUrl: string;
  deployment: { chainId: number; participantRegistry: string; definitionRegistry: string; processExecution: string };
}

export async function loadConfig(): Promise<Config> {
  const r = await fetch('/config.json');
  if (!r.ok) throw new Error(`the web server answered ${r.status} for /config.json`);
  return r.json();
}

/** `BpmRuntime.InstanceStatus` names, by ordinal. */
export const INSTANCE_STATUS = ['None', 'Active', 'Completed', 'Terminated'];
/** `BpmRuntime.DefinitionStatus` names, by ordinal. */
export const DEFINITION_STATUS = ['None', 'Draft', 'Published'];

/** Element kinds completed by a person with `completeTask` (`BpmRuntime.isPersonTask`). */
export function isPersonTask(kind: string): boolean {
  return ELEMENT_KINDS.indexOf(kind) <= ELEMENT_KINDS.indexOf('BusinessRuleTask') && kind !== 'ReceiveTask';
}

/** A task's verification (docs/bpm-engine.md, "Task verification"): who approves its
 *  submissions, and whether they carry an evidence hash. */
/** A verified task (`BpmnModel.TaskVerification`): its verifier role, whether a submission
 *  carries evidence, and its reward rule (recognition units per approval, 0: none). */
export interface Verification { role: string; evidenceRequired: boolean; reward: number }
export interface Element { index: number; bpmnId: string; name: string; kind: string; scope: number; role: string; verification?: Verification }
/** A submission waiting for its verifier (`ProcessExecution.submission`). */
export interface Submission { performer: string; evidence: string; outputs: { index: number; value: bigint }[]; decisions: { gateway: number; branch: number }[] }
export interface Flow { bpmnId: string; source: number; target: number; place: number; scope: number; condition: string; isDefault: boolean; gateway: boolean }
export interface Variable { index: number; name: string; type: string }
export interface Definition {
  id: number;
  processKey: string;
  name: string;
  version: number;
  status: string;
  deprecated: boolean;
  owner: string;
  startRole: string;
  sourceHash: string;
  sourceParts: number;
  elements: Element[];
  flows: Flow[];
  variables: Variable[];
  /** role id -> pool or lane name */
  roles: Map<string, string>;
}

/** keccak256 of a role name (docs/bpm-engine.md, "Roles"). */
export const roleId = (name: string) => keccak256(toUtf8Bytes(name));

export class Chain {
  readonly provider: JsonRpcProvider;
  readonly engine: Contract;
  readonly registry: Contract;
  readonly participants: Contract;
  private definitions = new Map<number, Promise<Definition>>();
  /** role id -> name, from every definition loaded so far */
  readonly roleNames = new Map<string, string>();

  constructor(readonly config: Config) {
    const network = Network.from(config.chainId);
    this.provider = new JsonRpcProvider(`${location.origin}/rpc`, network, { staticNetwork: network, pollingInterval: 2000 });
    const d = config.deployment;
    this.engine = new Contract(d.processExecution, executionAbi, this.provider);
    this.registry = new Contract(d.definitionRegistry, registryAbi, this.provider);
    this.participants = new Contract(d.participantRegistry, participantsAbi, this.provider);
  }

  roleName(role: string): string {
    return this.roleNames.get(role.toLowerCase()) ?? `${role.slice(0, 10)}…`;
  }

  async definitionCount(): Promise<number> {
    return Number(await this.registry.definitionCount());
  }

  /** A definition with its elements, flows, variables and role names (cached: published ones never change). */
  definition(id: number): Promise<Definition> {
    let p = this.definitions.get(id);
    if (!p) {
      p = this.loadDefinition(id);
      this.definitions.set(id, p);
      p.catch(() => this.definitions.delete(id));
    }
    return p;
  }

  private async loadDefinition(id: number): Promise<Definition> {
    const r = this.registry;
    const info = await r.definition(id);
    const n = (x: bigint) => Number(x);
    const range = (k: number) => Array.from({ length: k }, (_, i) => i);
    const status = DEFINITION_STATUS[n(info.status)];
    const [pools, lanes, scopes, rawElements, aflows, gflows, vars, verifications] = await Promise.all([
      Promise.all(range(n(info.poolCount)).map((i) => r.pool(id, i))),
      Promise.all(range(n(info.swimlaneCount)).map((i) => r.swimlane(id, i))),
      Promise.all(range(n(info.subprocessCount)).map((i) => r.subprocess(id, i))),
      Promise.all(range(n(info.elementCount)).map((i) => r.element(id, i))),
      Promise.all(range(n(info.activitySequenceFlowCount)).map((i) => r.activitySequenceFlow(id, i))),
      Promise.all(range(n(info.gatewaySequenceFlowCount)).map((i) => r.gatewaySequenceFlow(id, i))),
      Promise.all(range(n(info.variableCount)).map((i) => r.variable(id, i))),
      r.taskVerifications(id),
    ]);
    void scopes;
    const roles = new Map<string, string>();
    for (const p of [...pools, ...lanes, ...verifications.map((v: any) => ({ role: v.verifierRole, name: v.verifierName }))]) {
      roles.set(String(p.role).toLowerCase(), p.name);
      this.roleNames.set(String(p.role).toLowerCase(), p.name);
    }
    const kinds = rawElements.map((e: any) => ELEMENT_KINDS[n(e.kind)]);
    const taskRoles = status === 'Published'
      ? await Promise.all(rawElements.map((_: any, i: number) => (isPersonTask(kinds[i]) ? r.roleOf(id, i) : Promise.resolve(''))))
      : rawElements.map(() => '');
    const elements: Element[] = rawElements.map((e: any, i: number) => ({
      index: i, bpmnId: e.bpmnId, name: e.name, kind: kinds[i], scope: n(e.scope), role: String(taskRoles[i]).toLowerCase(),
    }));
    for (const v of verifications) {
      elements[n(v.element)].verification = {
        role: String(v.verifierRole).toLowerCase(), evidenceRequired: v.evidenceRequired, reward: n(v.reward),
      };
    }
    const flows: Flow[] = [
      ...aflows.map((f: any) => ({ bpmnId: f.bpmnId, source: n(f.source), target: n(f.target), place: n(f.place),
        scope: elements[n(f.source)].scope, condition: '0x', isDefault: false, gateway: false })),
      ...gflows.map((f: any) => ({ bpmnId: f.bpmnId, source: n(f.gateway), target: n(f.target), place: n(f.place),
        scope: elements[n(f.gateway)].scope, condition: f.condition, isDefault: f.isDefault, gateway: true })),
    ];
    return {
      id, processKey: info.processKey, name: info.name, version: n(info.version), status, deprecated: info.deprecated,
      owner: info.owner, startRole: String(info.startRole).toLowerCase(), sourceHash: info.sourceHash, sourceParts: n(info.sourceParts),
      elements, flows, roles,
      variables: vars.map((v: any, i: number) => ({ index: i, name: v.name, type: VARIABLE_TYPES[n(v.varType)] })),
    };
  }

  /** The BPMN XML a definition was compiled from, rebuilt from its `DefinitionSourceAttached`
   *  logs and checked against the registry's hash chain (`ProcessDefinitionRegistry.attachSource`). */
  async source(def: Definition): Promise<{ xml: string; verified: boolean; reason?: string }> {
    if (def.sourceParts === 0) throw new Error(`definition ${def.id} was deployed without its BPMN source`);
    const ev = this.registry.interface.getEvent('DefinitionSourceAttached')!;
    const logs = await this.provider.getLogs({
      address: this.config.deployment.definitionRegistry, fromBlock: 0, toBlock: 'latest',
      topics: [ev.topicHash, hexlify(toUint256(def.id))],
    });
    const parts = new Map<number, string>();
    for (const l of logs) {
      const p = this.registry.interface.parseLog(l)!;
      parts.set(Number(p.args.part), p.args.data);
    }
    let h: Uint8Array = new Uint8Array(32);
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < def.sourceParts; i++) {
      const part = parts.get(i);
      if (part === undefined) return { xml: '', verified: false, reason: `part ${i} of ${def.sourceParts} is missing from the logs` };
      h = getBytes(keccak256(concat([h, part])));
      bytes.push(getBytes(part));
    }
    const all = getBytes(concat(bytes));
    const xml = decodeXml(all);
    const verified = hexlify(h) === String(def.sourceHash).toLowerCase();
    return { xml, verified, reason: verified ? undefined : 'the logged source does not match the hash on chain' };
  }

  /** The submission of verified task `element` of instance `id` waiting for its verifier, if any. */
  async submission(id: number, element: number): Promise<Submission | undefined> {
    const s = await this.engine.submission(id, element);
    if (/^0x0{40}$/i.test(s.performer)) return undefined;
    return {
      performer: String(s.performer).toLowerCase(), evidence: s.evidence,
      outputs: s.outputs.map((o: any) => ({ index: Number(o.index), value: BigInt(o.value) })),
      decisions: s.decisions.map((d: any) => ({ gateway: Number(d.gateway), branch: Number(d.branch) })),
    };
  }

  /** Every log of the engine about instance `id`, in chain order. */
  async instanceLogs(id: number): Promise<Log[]> {
    const logs = await this.provider.getLogs({
      address: this.config.deployment.processExecution, fromBlock: 0, toBlock: 'latest', topics: [null, hexlify(toUint256(id))],
    });
    return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.transactionIndex - b.transactionIndex || a.index - b.index);
  }
}

function toUint256(n: number): Uint8Array {
  const out = new Uint8Array(32);
  let v = BigInt(n);
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Decodes the file as its XML declaration says (UTF-8, or the Latin-1 some tools export). */
export function decodeXml(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.slice(0, 200));
  const m = head.match(/encoding=["']([A-Za-z0-9_-]+)["']/);
  const enc = m ? m[1].toLowerCase() : 'utf-8';
  try {
    return new TextDecoder(enc).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
