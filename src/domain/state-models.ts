/**
 * The three machines as data (crosslink keeps its state models as data for the same reason): which
 * events a state accepts and which states each can lead to, read from the rows the machines run.
 * Services, tests and the diagrams in README.md ask here instead of running code.
 *
 * Staff actions are listed as the state can offer them; `requesterActions` / `supplierActions`
 * narrow them to what one request offers (the item's place, the service type).
 */
import { BROKER_MODEL } from './broker';
import type { MachineModel } from './machine';
import { REQUESTER_MODEL } from './requester';
import { SUPPLIER_MODEL } from './supplier';

export const MACHINES = { requester: REQUESTER_MODEL, supplier: SUPPLIER_MODEL, broker: BROKER_MODEL } as const;
export type MachineName = keyof typeof MACHINES;
export const MACHINE_NAMES = Object.keys(MACHINES) as MachineName[];

export type StateOf<M extends MachineName> = (typeof MACHINES)[M] extends MachineModel<infer S, infer _K> ? S : never;
export type EventOf<M extends MachineName> = (typeof MACHINES)[M] extends MachineModel<infer _S, infer K> ? K : never;

type Model = MachineModel<string, string>;
const modelOf = (machine: MachineName): Model => MACHINES[machine] as unknown as Model;

/** The events `state` accepts, in the machine's event order. Any other event is refused, or noted without a change. */
export function acceptedEvents<M extends MachineName>(machine: M, state: StateOf<M>): EventOf<M>[] {
  const model = modelOf(machine);
  const row = model.rows[state] ?? {};
  return model.events.filter((e) => row[e] !== undefined) as EventOf<M>[];
}

/** The states `event` can lead to from `state` (the state itself when it stays); empty when the state does not accept it. */
export function targetsOf<M extends MachineName>(machine: M, state: StateOf<M>, event: EventOf<M>): StateOf<M>[] {
  return [...(modelOf(machine).rows[state]?.[event]?.to ?? [])] as StateOf<M>[];
}

/** The states a request of this machine has ended in (terminal), in the machine's state order. */
export function endedStates<M extends MachineName>(machine: M): StateOf<M>[] {
  return Object.entries(modelOf(machine).states).flatMap(([name, { terminal }]) => (terminal ? [name as StateOf<M>] : []));
}

/** Whether a request of this machine in `state` has ended (false for a state the machine does not have). */
export function hasEnded(machine: MachineName, state: string): boolean {
  return modelOf(machine).states[state]?.terminal ?? false;
}

export interface StateModel {
  readonly machine: MachineName;
  readonly initial: readonly string[];
  readonly states: readonly {
    readonly name: string;
    readonly terminal: boolean;
    readonly accepts: readonly { readonly event: string; readonly to: readonly string[] }[];
  }[];
}

/** The whole model as plain data (JSON), in the machine's state and event order. */
export function stateModel(machine: MachineName): StateModel {
  const model = modelOf(machine);
  return {
    machine,
    initial: model.initial,
    states: Object.entries(model.states).map(([name, { terminal }]) => ({
      name,
      terminal,
      accepts: acceptedEvents(machine, name as never).map((event) => ({ event, to: targetsOf(machine, name as never, event as never) })),
    })),
  };
}
