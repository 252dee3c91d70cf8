// The small nodes: hours, set, hangup, transfer, queue, subflow, return.
import type { NodeHandler } from '../runtime/runtime.js';
import type { FlowNode } from '../ivr.schemas.js';
import { isOpen } from '../hours.js';
import { render } from '../template.js';
import { FAX_RECEIVE_CONTEXT, faxVariables } from '../../pbx/fax-control.js';
import { OVERFLOW_SURVEY_VAR, SURVEY_VAR } from '../../pbx/dialplan.js';

type N<T extends FlowNode['type']> = Extract<FlowNode, { type: T }>;

export const hours: NodeHandler<N<'hours'>> = {
  async exec(node, rt) {
    const open = isOpen(node, rt.now());
    rt.vars['hours.open'] = open ? 'yes' : 'no';
    return { next: open ? node.open : node.closed };
  },
};

export const set: NodeHandler<N<'set'>> = {
  async exec(node, rt) {
    for (const [name, value] of Object.entries(node.variables)) rt.vars[name] = render(value, rt.vars);
    return { next: node.next };
  },
};

export const hangup: NodeHandler<N<'hangup'>> = {
  async exec(node, rt) {
    if (node.prompt) await rt.ctx.playAndWait(await rt.media(node.prompt));
    await rt.ctx.hangup();
    return { end: 'hangup' };
  },
};

/** Channel variables the dialplan (and the ACD) reads: everything the IVR collected. */
function exported(vars: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) out[`HOTLINE_VAR_${k.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase()}`] = v.slice(0, 256);
  return out;
}

export const transfer: NodeHandler<N<'transfer'>> = {
  async exec(node, rt) {
    if (node.prompt) await rt.ctx.playAndWait(await rt.media(node.prompt));
    await rt.ctx.handOff({ context: 'hotline-transfer', extension: node.target.replace(/^\+/, '') }, exported(rt.vars));
    return { end: 'handoff' };
  },
};

/**
 * Hands the call to an Asterisk queue with the ACD's decisions made (queue, priority, time
 * before overflow, the overflow queue); without an ACD, to the named queue as it is.
 */
export const queue: NodeHandler<N<'queue'>> = {
  async exec(node, rt) {
    const d = rt.acd
      ? await rt.acd.route({ queue: node.queue, priority: node.priority ?? 0, callerNumber: rt.vars.caller ?? '', vars: rt.vars })
      : { queue: node.queue, priority: node.priority ?? 0, timeoutSeconds: 600, noAgents: false, rules: [] as string[] };
    rt.vars['queue.name'] = d.queue;
    rt.vars['queue.priority'] = String(d.priority);
    if ('region' in d && d.region) rt.vars['queue.region'] = d.region;
    if (d.rules.length) rt.vars['queue.rules'] = d.rules.join(',');
    if (d.noAgents && node.noAgents) {
      rt.vars['queue.noAgents'] = 'yes';
      return { next: node.noAgents };
    }
    if (node.prompt) await rt.ctx.playAndWait(await rt.media(node.prompt));
    const offer = 'callback' in d ? d.callback : undefined;
    if (offer) {
      rt.vars['queue.callbackOffered'] = 'yes';
      await rt.ctx.playAndWait(node.callbackPrompt ? await rt.media(node.callbackPrompt) : ['sound:vm-tocallback', 'sound:vm-press', `digits:${offer.key}`]);
    }
    const vars: Record<string, string> = {
      ...exported(rt.vars),
      HOTLINE_QUEUE: d.queue,
      QUEUE_PRIO: String(d.priority),
      HOTLINE_QUEUE_TIMEOUT: String(d.timeoutSeconds),
    };
    if ('maxPenalty' in d && d.maxPenalty !== undefined) vars.QUEUE_MAX_PENALTY = String(d.maxPenalty);
    if ('survey' in d && d.survey) vars[SURVEY_VAR] = d.survey;
    if ('overflowSurvey' in d && d.overflowSurvey) vars[OVERFLOW_SURVEY_VAR] = d.overflowSurvey;
    if ('overflow' in d && d.overflow) {
      vars.HOTLINE_OVERFLOW_QUEUE = d.overflow.queue;
      vars.HOTLINE_OVERFLOW_PRIO = String(d.overflow.priority);
      vars.HOTLINE_OVERFLOW_TIMEOUT = String(d.overflow.timeoutSeconds);
    }
    if (rt.acd?.armRecording) {
      // A failure here costs the recording's first second (Hotline then starts it at the answer), never the call.
      const armed = await rt.acd.armRecording({ callId: rt.ctx.callId, uniqueid: rt.ctx.channelId, callerNumber: rt.vars.caller ?? '' }, [d.queue, vars.HOTLINE_OVERFLOW_QUEUE ?? ''])
        .catch((err: Error) => (rt.log.error({ err: err.message, queue: d.queue }, 'arming the recording failed; it starts when an agent answers'), {}));
      Object.assign(vars, armed);
    }
    await rt.ctx.handOff({ context: 'hotline-queue', extension: 's' }, vars);
    return { end: 'handoff' };
  },
};

/** Hands the call to ReceiveFAX (dialplan hotline-fax-receive) with its fax opened in the inbox first. */
export const fax: NodeHandler<N<'fax'>> = {
  async exec(node, rt) {
    if (node.prompt) await rt.ctx.playAndWait(await rt.media(node.prompt));
    const opened = rt.fax ? await rt.fax.openInbound({ callId: rt.ctx.callId, caller: rt.vars.caller ?? '', called: rt.vars.called ?? '', queue: node.queue ?? '' }) : null;
    if (!opened) throw new Error('this Hotline takes no faxes (no fax module)');
    rt.vars['fax.id'] = opened.id;
    await rt.ctx.handOff({ context: FAX_RECEIVE_CONTEXT, extension: 's' }, faxVariables(opened.id, opened.pbxFile));
    return { end: 'handoff' };
  },
};

export const subflow: NodeHandler<N<'subflow'>> = {
  async exec(node) {
    return { subflow: node.flow, next: node.next };
  },
};

/**
 * Records a message for `mailbox` (stored in Asterisk as recording hotline-vm-<call id>), then goes
 * on or hangs up. The inbox's row is opened first: a caller who hangs up during the prompt or to
 * end the message still leaves one (the inbox settles it from what Asterisk kept).
 */
export const voicemail: NodeHandler<N<'voicemail'>> = {
  async exec(node, rt) {
    const name = `hotline-vm-${rt.ctx.callId}`;
    // The inbox failing costs the message its row (logged), never the caller their voicemail.
    const opened = rt.voicemail
      ? await rt.voicemail.opened({ callId: rt.ctx.callId, mailbox: node.mailbox, caller: rt.vars.caller ?? '', called: rt.vars.called ?? '', recording: name, maxSeconds: node.maxSeconds })
        .catch((err: Error) => (rt.log.error({ err: err.message, mailbox: node.mailbox, recording: name }, 'the voicemail inbox could not open the message; recording it anyway'), null))
      : null;
    if (opened) rt.vars['voicemail.id'] = opened.id;
    // Resumed here by the node that took over while the caller was speaking: Asterisk is still
    // recording them. Starting again would overwrite what they said and replay the prompt.
    let result: { durationSeconds: number; failed: boolean };
    if (await rt.ctx.recordingUnderWay(name)) {
      rt.log.info({ mailbox: node.mailbox, recording: name }, 'voicemail: the recording the other node started is under way; waiting for its end');
      result = await rt.ctx.awaitRecording(name, node.maxSeconds);
    } else {
      if (node.prompt) await rt.ctx.playAndWait(await rt.media(node.prompt));
      result = await rt.ctx.record(name, node.maxSeconds);
    }
    rt.vars['voicemail.recording'] = name;
    rt.vars['voicemail.seconds'] = String(result.durationSeconds);
    rt.log.info({ mailbox: node.mailbox, recording: name, seconds: result.durationSeconds, failed: result.failed }, 'voicemail left');
    // Not told: the inbox settles the message when the call ends instead.
    if (rt.voicemail) await rt.voicemail.finished(rt.ctx.callId, result.durationSeconds).catch((err: Error) => rt.log.warn({ err: err.message, recording: name }, 'telling the voicemail inbox the recording finished failed'));
    if (node.next) return { next: node.next };
    await rt.ctx.hangup();
    return { end: 'hangup' };
  },
};

export const returnFromSubflow: NodeHandler<N<'return'>> = {
  async exec() {
    return { end: 'return' };
  },
};
