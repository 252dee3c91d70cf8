// Queues (app_queue) over AMI: members, pauses, penalties, QueueStatus, and the config
// files Hotline owns (written with UpdateConfig, so Asterisk may run on another host).
// Commands are refused unless this node may act (active, and not attached read-only);
// reads (QueueStatus, CoreStatus) are always allowed.
import { FencedError, type ConfigSection, type QueueControl, type QueueEvent, type QueueMemberSnapshot, type QueueStatusSnapshot } from '../ports.js';
import type { AmiClient } from './client.js';
import { fieldOf } from './parser.js';
import { AmiError, type AmiMessage } from './types.js';
import { writeConfigFile } from './config-file.js';

const num = (v: string | undefined): number => {
  const n = Number(v ?? '');
  return Number.isFinite(n) ? n : 0;
};
const truthy = (v: string | undefined): boolean => v === '1' || v?.toLowerCase() === 'true' || v?.toLowerCase() === 'yes';

/** A member snapshot from an Agent*, QueueMember* event or a QueueStatus QueueMember item. */
export function memberOf(e: AmiMessage): QueueMemberSnapshot {
  const f = (k: string) => fieldOf(e, k);
  return {
    queue: f('Queue') ?? '',
    interface: f('Interface') ?? f('Location') ?? '',
    stateInterface: f('StateInterface') ?? '',
    name: f('MemberName') ?? f('Name') ?? '',
    penalty: num(f('Penalty')),
    paused: truthy(f('Paused')),
    pausedReason: f('PausedReason') ?? '',
    inCall: truthy(f('InCall')),
    status: num(f('Status')),
    callsTaken: num(f('CallsTaken')),
    lastCall: num(f('LastCall')),
    dynamic: (f('Membership') ?? '') === 'dynamic',
  };
}

const MEMBER_EVENTS: Record<string, Extract<QueueEvent, { kind: 'member' }>['cause']> = {
  QueueMemberAdded: 'added',
  QueueMemberRemoved: 'removed',
  QueueMemberStatus: 'status',
  QueueMemberPause: 'pause',
  QueueMemberPenalty: 'penalty',
  AgentCalled: 'called',
  AgentRingNoAnswer: 'ringnoanswer',
  AgentConnect: 'connect',
  AgentComplete: 'complete',
};

/** Normalizes the AMI events the ACD needs; null for every other event. */
export function toQueueEvent(e: AmiMessage, at = new Date()): QueueEvent | null {
  const name = fieldOf(e, 'Event') ?? '';
  const cause = MEMBER_EVENTS[name];
  if (cause) {
    const ev: QueueEvent = { kind: 'member', cause, member: memberOf(e), at };
    if (cause === 'called' || cause === 'connect' || cause === 'complete' || cause === 'ringnoanswer') {
      ev.callerUniqueid = fieldOf(e, 'Uniqueid');
      ev.callerLinkedid = fieldOf(e, 'Linkedid');
      ev.callerNumber = fieldOf(e, 'CallerIDNum');
      ev.callerChannel = fieldOf(e, 'Channel');
    }
    if (cause === 'connect' || cause === 'complete') ev.holdSeconds = num(fieldOf(e, 'HoldTime'));
    if (cause === 'complete') ev.talkSeconds = num(fieldOf(e, 'TalkTime'));
    return ev;
  }
  const queue = fieldOf(e, 'Queue') ?? '';
  const uniqueid = fieldOf(e, 'Uniqueid') ?? '';
  const linkedid = fieldOf(e, 'Linkedid');
  if (name === 'QueueCallerJoin') return { kind: 'caller-join', queue, uniqueid, linkedid, callerNumber: fieldOf(e, 'CallerIDNum') ?? '', position: num(fieldOf(e, 'Position')), at };
  if (name === 'QueueCallerLeave') return { kind: 'caller-leave', queue, uniqueid, linkedid, at };
  if (name === 'UserEvent' && fieldOf(e, 'UserEvent') === 'HotlineQueueResult') return { kind: 'caller-exit', queue, uniqueid, status: fieldOf(e, 'Status') ?? '', at };
  if (name === 'UserEvent' && fieldOf(e, 'UserEvent') === 'HotlineCallback') {
    const stage = fieldOf(e, 'Stage');
    if (stage !== 'queue' && stage !== 'agent' && stage !== 'dial') return null;
    const talk = fieldOf(e, 'Talk');
    return { kind: 'callback', key: fieldOf(e, 'Key') ?? '', stage, status: fieldOf(e, 'Status') ?? '', ...(talk ? { talkSeconds: num(talk) } : {}), at };
  }
  if (name === 'UserEvent' && (fieldOf(e, 'UserEvent') === 'HotlineOutbound' || fieldOf(e, 'UserEvent') === 'HotlineOutboundEnd')) {
    const f = (k: string) => fieldOf(e, k) ?? '';
    return { kind: 'outbound', stage: fieldOf(e, 'UserEvent') === 'HotlineOutbound' ? 'start' : 'end', uniqueid, number: f('Number'), via: f('Kind'), endpoint: f('Endpoint'), status: f('Status'), answeredSeconds: num(fieldOf(e, 'Answered')), dialedSeconds: num(fieldOf(e, 'Dialed')), at };
  }
  if (name === 'Hangup') return { kind: 'channel-gone', uniqueid, at };
  if (name === 'MusicOnHoldStart' || name === 'MusicOnHoldStop') return { kind: 'caller-hold', uniqueid, held: name === 'MusicOnHoldStart', at };
  if (name === 'QueueCallerAbandon') return { kind: 'caller-abandon', queue, uniqueid, linkedid, holdSeconds: num(fieldOf(e, 'HoldTime')), position: num(fieldOf(e, 'Position')), originalPosition: num(fieldOf(e, 'OriginalPosition')), at };
  return null;
}

/** The items of a QueueStatus list: queues (with their parameters), members and waiting callers. */
export function parseQueueStatus(items: AmiMessage[]): QueueStatusSnapshot {
  const snap: QueueStatusSnapshot = { queues: [], members: [], entries: [], params: [] };
  for (const e of items) {
    const ev = fieldOf(e, 'Event');
    const f = (k: string) => fieldOf(e, k);
    if (ev === 'QueueParams') {
      snap.queues.push(f('Queue') ?? '');
      snap.params!.push({
        queue: f('Queue') ?? '', strategy: f('Strategy') ?? '', calls: num(f('Calls')), holdtime: num(f('Holdtime')), talktime: num(f('TalkTime')),
        completed: num(f('Completed')), abandoned: num(f('Abandoned')), serviceLevelSeconds: num(f('ServiceLevel')), serviceLevelPerf: num(f('ServicelevelPerf')),
      });
    } else if (ev === 'QueueMember') snap.members.push(memberOf(e));
    else if (ev === 'QueueEntry')
      snap.entries.push({ queue: f('Queue') ?? '', uniqueid: f('Uniqueid') ?? '', callerNumber: f('CallerIDNum') ?? '', position: num(f('Position')), waitSeconds: num(f('Wait')) });
  }
  return snap;
}

export class AmiQueueControl implements QueueControl {
  constructor(
    private readonly ami: AmiClient,
    /** May this node change Asterisk? (active, and not attached read-only) */
    private readonly mayAct: () => boolean,
  ) {}

  /** A reconnect in progress (down under 5 s) is waited for, as actions queue until the next login. */
  reachable(): boolean {
    return this.ami.downForMs() < 5_000;
  }

  private async act(name: string, fields: Record<string, string | number | undefined>): Promise<AmiMessage> {
    if (!this.mayAct()) throw new FencedError();
    return this.ami.action(name, fields);
  }

  async addMember(queue: string, m: { interface: string; name: string; penalty: number; paused: boolean; reason?: string }): Promise<void> {
    try {
      await this.act('QueueAdd', { Queue: queue, Interface: m.interface, MemberName: m.name, StateInterface: m.interface, Penalty: m.penalty, Paused: m.paused ? 'true' : 'false', Reason: m.reason });
    } catch (err) {
      // Already a member: make penalty and pause what was asked.
      if (!(err instanceof AmiError) || !/already/i.test(String(fieldOf(err.response ?? {}, 'Message') ?? err.message))) throw err;
      await this.setPenalty(queue, m.interface, m.penalty);
    }
  }

  async removeMember(queue: string, iface: string): Promise<void> {
    try {
      await this.act('QueueRemove', { Queue: queue, Interface: iface });
    } catch (err) {
      if (!(err instanceof AmiError) || !/not there|no such|unable/i.test(String(fieldOf(err.response ?? {}, 'Message') ?? err.message))) throw err;
    }
  }

  async pause(iface: string, paused: boolean, reason?: string): Promise<void> {
    await this.act('QueuePause', { Interface: iface, Paused: paused ? 'true' : 'false', Reason: reason });
  }

  async setPenalty(queue: string, iface: string, penalty: number): Promise<void> {
    await this.act('QueuePenalty', { Queue: queue, Interface: iface, Penalty: penalty });
  }

  async status(): Promise<QueueStatusSnapshot> {
    const r = await this.ami.actionList('QueueStatus', {}, { timeoutMs: 15_000 });
    return parseQueueStatus(r.events);
  }

  async startedAt(): Promise<string> {
    const r = await this.ami.action('CoreStatus');
    return `${fieldOf(r, 'CoreStartupDate') ?? ''} ${fieldOf(r, 'CoreStartupTime') ?? ''}`.trim();
  }

  async setGlobals(vars: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(vars)) await this.act('Setvar', { Variable: name, Value: value });
  }

  async writeConfig(file: string, sections: ConfigSection[], reload: 'queues' | 'pjsip'): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    await writeConfigFile(this.ami, file, sections);
    if (reload === 'queues') await this.act('QueueReload', { Members: 'no', Rules: 'yes', Parameters: 'yes' });
    else await this.act('Reload', { Module: 'res_pjsip.so' });
  }
}
