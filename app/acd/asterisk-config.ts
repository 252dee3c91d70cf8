// What Hotline writes into Asterisk, pure: queue sections (queues_hotline.conf), the
// penalty-raising rules (queuerules_hotline.conf), agent devices as PJSIP wizard sections
// (pjsip_wizard_hotline.conf), and each agent's memberships with their penalties.
import type { ConfigSection } from '../pbx/ports.js';
import type { PhoneKind, QueueSettings } from './acd.schemas.js';

export const QUEUES_FILE = 'queues_hotline.conf';
export const RULES_FILE = 'queuerules_hotline.conf';
export const DEVICES_FILE = 'pjsip_wizard_hotline.conf';

export interface AgentDevice {
  endpoint: string;
  phone: PhoneKind;
  contact: string;
  sipPassword: string;
  skills: Record<string, number>;
}

export const ruleName = (queue: string) => `hotline-${queue}`;

export function queueSections(queues: Array<{ name: string; settings: QueueSettings }>): ConfigSection[] {
  return queues.map(({ name, settings: s }) => {
    const lines: Array<[string, string]> = [
      ['strategy', s.strategy],
      ['timeout', String(s.ringSeconds)],
      ['retry', '1'],
      ['wrapuptime', String(s.wrapupSeconds)],
      ['ringinuse', s.ringInUse ? 'yes' : 'no'],
      ['autofill', 'yes'],
      ['servicelevel', String(s.serviceLevelSeconds)],
      // Nobody logged in (or everyone unreachable): the caller does not wait for nothing.
      ['joinempty', 'invalid,unavailable'],
      ['leavewhenempty', 'invalid,unavailable'],
      ['announce-position', s.announcePosition ? 'yes' : 'no'],
      ['announce-holdtime', s.announceHoldTime ? 'yes' : 'no'],
      ['announce-frequency', String(s.announceFrequency)],
      ['reportholdtime', 'no'],
      ['setinterfacevar', 'yes'],
      ['setqueueentryvar', 'yes'],
      ['timeoutpriority', 'conf'],
    ];
    if (s.penaltySteps.length) lines.push(['defaultrule', ruleName(name)]);
    // The callback key takes a waiting caller out of Queue() (with QUEUEPOSITION) into Hotline.
    if (s.callback) lines.push(['context', `hotline-callback-key-${s.callback.key}`]);
    return { name, lines };
  });
}

/** Queue rules: the highest penalty a waiting caller may reach, raised over time. */
export function ruleSections(queues: Array<{ name: string; settings: QueueSettings }>): ConfigSection[] {
  return queues
    .filter((q) => q.settings.penaltySteps.length)
    .map(({ name, settings }) => ({
      name: ruleName(name),
      lines: [...settings.penaltySteps].sort((a, b) => a.afterSeconds - b.afterSeconds).map((s) => ['penaltychange', `${s.afterSeconds},${s.maxPenalty}`] as [string, string]),
    }));
}

export interface DeviceOptions {
  context: string;
  mediaAddress?: string;
  /** The PJSIP transport WebRTC phones use: transport-ws, or transport-wss when Asterisk serves TLS. */
  webrtcTransport: 'transport-ws' | 'transport-wss';
  /** Browser phones: hang up a leg that sends no RTP this long (a tab closed mid-call); 0 or absent: never. Not while the agent holds. */
  rtpTimeoutSeconds?: number;
}

/** The PJSIP transport for browsers that reach Asterisk at `wsUrl` (ws:// or wss://). */
export const webrtcTransportOf = (wsUrl: string): DeviceOptions['webrtcTransport'] => (wsUrl.startsWith('wss:') ? 'transport-wss' : 'transport-ws');

export function deviceSections(agents: AgentDevice[], opts: DeviceOptions): ConfigSection[] {
  return agents.map((a) => (a.phone === 'webrtc' ? webrtcSection(a, opts) : deskSection(a, opts)));
}

/** A desk SIP phone: a static contact, or a device that registers with its password. */
function deskSection(a: AgentDevice, opts: DeviceOptions): ConfigSection {
  const lines: Array<[string, string]> = [
    ['type', 'wizard'],
    ['accepts_registrations', a.contact ? 'no' : 'yes'],
    ['sends_registrations', 'no'],
    ['accepts_auth', a.sipPassword ? 'yes' : 'no'],
    ['endpoint/context', opts.context],
    ['endpoint/disallow', 'all'],
    ['endpoint/allow', 'ulaw,alaw'],
    ['endpoint/direct_media', 'no'],
    ['endpoint/dtmf_mode', 'rfc4733'],
    // A device without a password is known by its address only: a request that merely says
    // From: <its name> must not reach the agents' context (and its outside lines).
    ['endpoint/identify_by', a.sipPassword ? 'username' : 'ip'],
    ['aor/max_contacts', '1'],
  ];
  if (opts.mediaAddress) lines.push(['endpoint/media_address', opts.mediaAddress]);
  // A static device: the wizard makes the AOR's contact from remote_hosts.
  if (a.contact) lines.push(['remote_hosts', a.contact.replace(/^sips?:[^@]*@/, '')]);
  if (a.sipPassword) lines.push(['inbound_auth/username', a.endpoint], ['inbound_auth/password', a.sipPassword]);
  return { name: a.endpoint, lines };
}

/** The agent desktop's browser phone: SIP over WebSocket, DTLS-SRTP, ICE (webrtc = yes), one registration at a time. */
function webrtcSection(a: AgentDevice, opts: DeviceOptions): ConfigSection {
  const lines: Array<[string, string]> = [
    ['type', 'wizard'],
    ['accepts_registrations', 'yes'],
    ['sends_registrations', 'no'],
    ['accepts_auth', 'yes'],
    ['endpoint/context', opts.context],
    ['endpoint/transport', opts.webrtcTransport],
    ['endpoint/webrtc', 'yes'],
    ['endpoint/disallow', 'all'],
    ['endpoint/allow', 'opus,ulaw'],
    ['endpoint/direct_media', 'no'],
    ['endpoint/dtmf_mode', 'rfc4733'],
    ['endpoint/identify_by', 'username'],
    ['aor/max_contacts', '1'],
    // A reloaded page (or a second tab) takes the registration over instead of being refused.
    ['aor/remove_existing', 'yes'],
    ['inbound_auth/username', a.endpoint],
    ['inbound_auth/password', a.sipPassword],
  ];
  if (opts.mediaAddress) lines.push(['endpoint/media_address', opts.mediaAddress]);
  if (opts.rtpTimeoutSeconds) lines.push(['endpoint/rtp_timeout', String(opts.rtpTimeoutSeconds)]);
  return { name: a.endpoint, lines };
}

export const deviceInterface = (endpoint: string) => `PJSIP/${endpoint}`;

/**
 * The queues an agent belongs to and the penalty in each: every queue whose required skills
 * the agent has at the minimum level; penalty = 10 - the agent's lowest level among them
 * (a queue with no required skills: penalty 0 for everyone).
 */
export function membershipsOf(skills: Record<string, number>, queues: Array<{ name: string; settings: QueueSettings }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const q of queues) {
    const required = Object.entries(q.settings.skills);
    if (!required.every(([skill, min]) => (skills[skill] ?? 0) >= min)) continue;
    const lowest = required.length ? Math.min(...required.map(([skill]) => skills[skill] ?? 0)) : 10;
    out.set(q.name, Math.max(0, 10 - lowest));
  }
  return out;
}
