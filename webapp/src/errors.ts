// The BPM contracts' custom errors (contracts/bpm/src/InstanceStore.sol and the registries) in
// words: what was refused and why, with names instead of ids where the page knows them.
import { ErrorDescription, Interface } from 'ethers';
import type { Chain } from './chain';
import { INSTANCE_STATUS } from './chain';

type Explain = (a: any, chain: Chain) => string;

const ENGINE: Record<string, Explain> = {
  ZeroAddress: () => 'An account address is zero.',
  DefinitionNotPublished: (a) => `Definition ${a.definitionId} is not published.`,
  DefinitionIsDeprecated: (a) => `Definition ${a.definitionId} is deprecated: it starts no new instance; use a newer version.`,
  ParticipantLacksRole: (a, c) => `${a.account} is not a registered participant with the role "${c.roleName(a.role)}".`,
  InstanceNotActive: (a) => `Instance ${a.instanceId} is not running (it is ${INSTANCE_STATUS[Number(a.status)] ?? a.status}).`,
  NotATask: (a) => `Element ${a.element} of instance ${a.instanceId} is not a task a person completes.`,
  TaskNotEnabled: (a) => `That task of instance ${a.instanceId} is not waiting any more (someone completed it, or the process moved on).`,
  MissingRole: (a, c) => `Your account ${a.account} is not bound to the role "${c.roleName(a.role)}" in instance ${a.instanceId}.`,
  UnknownVariable: (a) => `Instance ${a.instanceId} has no variable number ${a.index}.`,
  InvalidBoolValue: (a) => `Variable ${a.index} of instance ${a.instanceId} is a yes/no value; ${a.value} is neither.`,
  UnknownMessageFlow: (a) => `Instance ${a.instanceId} has no message flow ${a.messageFlow}.`,
  NotExternalMessage: (a) => `Message flow ${a.messageFlow} is sent by the process itself, not by an outside partner.`,
  MessageAlreadyPending: (a) => `Message flow ${a.messageFlow} of instance ${a.instanceId} is already waiting to be received.`,
  NotInstanceStarter: (a) => `Only the starter of instance ${a.instanceId} may bind roles; ${a.account} is not.`,
  RoleAlreadyBound: (a, c) => `The role "${c.roleName(a.role)}" is already bound in instance ${a.instanceId}.`,
  CalledProcessNotDeployed: (a) => `The process ${a.processKey} that a call activity calls is not deployed.`,
  CallDepthExceeded: (a) => `Call activities nest too deep in instance ${a.instanceId} (depth ${a.depth}).`,
  NoOutgoingFlowEnabled: (a) => `No condition of gateway ${a.gateway} holds and it has no default flow: set the variables it reads.`,
  DecisionRequired: (a) => `Gateway ${a.gateway} needs your decision: choose where the process goes.`,
  InvalidDecision: (a) => `Branch ${a.branch} is not a choice at gateway ${a.gateway}.`,
  DecisionNotUsed: (a) => `The decision for gateway ${a.gateway} was not used: the process does not reach it from this task.`,
  AutomaticStepLimitExceeded: (a) => `The process ran more than ${a.limit} automatic steps in one transaction (a loop without a task?).`,
  ParticipantNotRegistered: (a) => `${a.account} is not a registered participant.`,
  NotDefinitionOwner: (a) => `Only the owner of definition ${a.definitionId} may do this; ${a.account} is not.`,
  UnknownDefinition: (a) => `There is no definition ${a.definitionId}.`,
};

/** The sentence for a failed call: a decoded custom error of `iface` (or of the engine's known
 *  errors), a revert reason string, or the transport's message. */
export function explainRevert(chain: Chain, iface: Interface, e: any): string {
  const data: string | undefined = e?.data ?? e?.info?.error?.data ?? e?.error?.data;
  if (typeof data === 'string' && data.length >= 10) {
    let parsed: ErrorDescription | null = null;
    for (const i of [iface, chain.engine.interface, chain.registry.interface, chain.participants.interface]) {
      try {
        parsed = i.parseError(data);
      } catch {
        parsed = null;
      }
      if (parsed) break;
    }
    if (parsed) {
      const f = ENGINE[parsed.name];
      return f ? f(parsed.args, chain) : `Refused by the contract: ${parsed.name}(${parsed.args.join(', ')}).`;
    }
  }
  if (e?.reason) return `Refused: ${e.reason}`;
  return `The call failed: ${e?.shortMessage ?? e?.message ?? e}`;
}
