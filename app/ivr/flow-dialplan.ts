// Flows the dialplan can run by itself, compiled into it (pure). A flow that only plays fixed
// sounds and hangs up needs nothing from Hotline while the call lasts: sending it through the
// Stasis app costs the box about twice what the same call costs in plain dialplan (the ARI round
// trips in Asterisk and in Node, docs/benchmarks.md). Such a flow's numbers get an extension in
// COMPILED_CONTEXT (extensions_hotline.conf, written over AMI); the inbound dialplan jumps there
// after admission. The call is still Hotline's: UserEvents tell it the call entered the flow
// (after the answer), reached each later node, and finished it; Hotline writes the call record
// from them and from the channel's Hangup
// (app/calls/dialplan-calls.ts). Anything else (digits, variables, lookups, queues, text to
// speech, barge-in) stays in the Stasis app.
import type { ConfigSection } from '../pbx/ports.js';
import { COMPILED_CONTEXT, FLOW_DONE_EVENT, FLOW_STARTED_EVENT, FLOW_STEP_EVENT } from '../pbx/dialplan-control.js';
import type { FlowDefinition, FlowNode, PromptRef } from './ivr.schemas.js';

/** The nodes a compiled call passes through, in order, with the Asterisk sounds each plays. */
export type CompiledPath = Array<{ node: string; sounds: string[] }>;

const MAX_NODES = 32;

/** Sound names only (no arguments, separators or variables can reach the dialplan). */
const SAFE_SOUND = /^[A-Za-z0-9_/-]{1,128}$/;

/**
 * The path a call takes through `def` when the dialplan can run all of it: play nodes (sounds
 * or library prompts, no `say`, no barge-in) ending in a hang-up. Null when any node on the way
 * needs Hotline. `soundOf` maps a library prompt to the sound Asterisk plays (null: not compiled).
 */
export function compilablePath(def: FlowDefinition, soundOf: (prompt: string) => string | null): CompiledPath | null {
  const path: CompiledPath = [];
  let id: string | undefined = def.entry;
  while (id !== undefined) {
    if (path.some((p) => p.node === id) || path.length >= MAX_NODES) return null;
    const node: FlowNode | undefined = def.nodes[id];
    if (!node) return null;
    if (node.type === 'play') {
      if (node.say || node.bargeIn) return null;
    } else if (node.type !== 'hangup') {
      return null;
    }
    const sound = node.prompt ? soundOfRef(node.prompt, soundOf) : undefined;
    if (sound === null) return null;
    path.push({ node: id, sounds: sound ? [sound] : [] });
    id = node.type === 'play' ? node.next : undefined;
  }
  return path.length ? path : null;
}

function soundOfRef(ref: PromptRef, soundOf: (prompt: string) => string | null): string | null {
  const sound = 'sound' in ref ? ref.sound : 'prompt' in ref ? soundOf(ref.prompt) : null;
  return sound && SAFE_SOUND.test(sound) ? sound : null;
}

export interface CompiledNumber {
  number: string;
  versionId: string;
  path: CompiledPath;
}

/** The dialplan of the compiled numbers: one context, one extension per number. */
export function compiledSections(numbers: CompiledNumber[]): ConfigSection[] {
  const lines: Array<[string, string]> = [];
  for (const n of [...numbers].sort((a, b) => a.number.localeCompare(b.number))) {
    if (!/^[0-9]{1,32}$/.test(n.number) || !/^[A-Za-z0-9-]{1,64}$/.test(n.versionId)) continue;
    // The first node's event says the call entered the flow; each later node's, that it got there.
    const steps = ['Answer()'];
    n.path.forEach((p, i) => {
      // HOTLINE_NOW: when admission let the call in (extensions.conf); the delay to here feeds the rate governor.
      steps.push(i === 0 ? `UserEvent(${FLOW_STARTED_EVENT},Version: ${n.versionId},Node: ${p.node},Admitted: \${HOTLINE_NOW})` : `UserEvent(${FLOW_STEP_EVENT},Node: ${p.node})`);
      if (p.sounds.length) steps.push(`Playback(${p.sounds.join('&')})`);
    });
    steps.push(`UserEvent(${FLOW_DONE_EVENT})`, 'Hangup()');
    steps.forEach((app, i) => lines.push(['exten', `${n.number},${i + 1},${app}`]));
  }
  // An empty context still exists, so the jump's DIALPLAN_EXISTS() simply answers 0.
  return [{ name: COMPILED_CONTEXT, lines }];
}
