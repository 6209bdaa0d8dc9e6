// What the step view needs to know about a state machine, read from its ASL: which Task states are the body
// of a Wait + Choice polling loop (and which states end the loop), which Parallel branch a state is in, and
// where each Task puts its result. The committed files in statemachines/ are the definitions the CLI knows.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next?: string }[];
  readonly Branches?: readonly AslMachine[];
  readonly ResultPath?: string | null;
}

export interface AslMachine {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export interface PollingLoop {
  /** The Wait state between two polls. */
  readonly wait: string;
  /** States the Choice goes to when the polling is over. */
  readonly exits: ReadonlySet<string>;
}

export interface MachineShape {
  readonly loops: ReadonlyMap<string, PollingLoop>;
  /** Label of the Parallel branch each state is in (`aurora`, `iam`, `redpanda`, else `branch N`). */
  readonly branchOf: ReadonlyMap<string, string>;
  /** `ResultPath` of each Task, as a list of keys (`$.aurora` → ['aurora']); [] for the whole output. */
  readonly resultPath: ReadonlyMap<string, readonly string[]>;
}

/** Short labels for the branches of Provision's ProvisionResources, by the state each branch starts at. */
const BRANCH_LABELS: Readonly<Record<string, string>> = { EnsureAurora: 'aurora', StartIdentityWait: 'iam', EnsureTopic: 'redpanda' };

export const EMPTY_SHAPE: MachineShape = { loops: new Map(), branchOf: new Map(), resultPath: new Map() };

function eachState(machine: AslMachine, visit: (name: string, state: AslState, states: AslMachine['States']) => void): void {
  for (const [name, state] of Object.entries(machine.States)) {
    visit(name, state, machine.States);
    for (const branch of state.Branches ?? []) eachState(branch, visit);
  }
}

export function analyzeMachine(machine: AslMachine): MachineShape {
  const loops = new Map<string, PollingLoop>();
  const branchOf = new Map<string, string>();
  const resultPath = new Map<string, readonly string[]>();
  eachState(machine, (name, state, states) => {
    state.Branches?.forEach((branch, i) => {
      const label = BRANCH_LABELS[branch.StartAt] ?? `branch ${i + 1}`;
      eachState(branch, (inner) => branchOf.set(inner, label));
    });
    if (state.Type !== 'Task') return;
    if (typeof state.ResultPath === 'string') resultPath.set(name, state.ResultPath.replace(/^\$\.?/, '').split('.').filter(Boolean));
    // Task → Choice → (Wait → … → the same Task) | exits: the body of a polling loop.
    const choice = state.Next ? states[state.Next] : undefined;
    if (choice?.Type !== 'Choice') return;
    const targets = [...(choice.Choices ?? []).map((c) => c.Next), choice.Default].filter((t): t is string => t !== undefined);
    const wait = targets.find((t) => states[t]?.Type === 'Wait' && leadsBackTo(states, t, name));
    if (wait) loops.set(name, { wait, exits: new Set(targets.filter((t) => t !== wait)) });
  });
  return { loops, branchOf, resultPath };
}

/** From `from`, through Wait and Pass states only, is `task` the next Task? */
function leadsBackTo(states: AslMachine['States'], from: string, task: string): boolean {
  let current: string | undefined = from;
  for (let hops = 0; current !== undefined && hops < 5; hops++) {
    if (current === task) return true;
    const s: AslState | undefined = states[current];
    if (!s || (s.Type !== 'Wait' && s.Type !== 'Pass')) return false;
    current = s.Next;
  }
  return false;
}

/** The committed definition of a workflow (`provision`, `validate`, ...), or undefined when this CLI has none. */
export function committedMachine(workflow: string): AslMachine | undefined {
  const path = fileURLToPath(new URL(`../../statemachines/${workflow}.asl.json`, import.meta.url));
  if (!/^[a-z-]+$/.test(workflow) || !existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as AslMachine;
}

/** The shape of a committed workflow, or no loops and branches when it is not known. */
export function shapeOf(workflow: string): MachineShape {
  const machine = committedMachine(workflow);
  return machine ? analyzeMachine(machine) : EMPTY_SHAPE;
}
