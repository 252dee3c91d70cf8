// A call's timeline event (GET /api/calls/:id `events`) in the page's language. The end of the
// call is worded as the desk's customer timeline words it (timeline-text.ts: timeline.callEnded,
// outcomes named); every other type has its words under calls.events.*; a type the console does
// not know keeps its name and detail, never a blank line.
import type { CallDetail, CallEventRow } from '../../api/calls';
import { timelineText } from '../timeline-text';

type Translate = (key: string, args?: Record<string, unknown>) => string;
type Has = (key: string) => boolean;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function eventText(t: Translate, te: Has, e: CallEventRow, call: Pick<CallDetail, 'callerNumber' | 'calledNumber' | 'durationMs'>): string {
  const d = e.detail ?? {};
  const key = `calls.events.${e.type.replace('.', '_')}`;
  switch (e.type) {
    case 'ended': {
      const seconds = call.durationMs === null ? '—' : Math.round(call.durationMs / 1000);
      const text = timelineText(t, te, { summary: `${e.type} ${str(d.outcome)}`, text: { key: 'callEnded', args: { from: call.callerNumber, to: call.calledNumber, outcome: str(d.outcome), seconds } } });
      return d.cause ? `${text} · ${t('calls.events.cause', { cause: str(d.cause) })}` : text;
    }
    case 'entered':
      return t(d.by ? 'calls.events.enteredDialplan' : 'calls.events.entered', { flow: str(d.flow) });
    case 'step':
      return t(key, { step: str(d.step) });
    case 'dtmf':
      return t(key, { digit: str(d.digit) });
    case 'prompt.started':
    case 'prompt.finished':
    case 'prompt.interrupted':
      return t(key, { media: str(d.media) });
    case 'resumed':
      return t(key, { node: str(d.node) });
    case 'agent.answered':
      return t(d.queue ? key : 'calls.events.agent_answeredNoQueue', { agent: str(d.agent) || '—', queue: str(d.queue) });
    case 'agent.completed':
      return t(key, { seconds: d.talkSeconds === null || d.talkSeconds === undefined ? '—' : str(d.talkSeconds) });
    case 'disposition':
      return t(d.note ? 'calls.events.dispositionNote' : key, { code: str(d.code), note: str(d.note) });
    case 'recording.paused':
    case 'recording.resumed':
      return t(key, { at: str(d.offsetSeconds ?? '—') });
    case 'recording.stored':
      return t(key, { seconds: typeof d.durationMs === 'number' ? Math.round(d.durationMs / 1000) : '—' });
    case 'recording.finished':
      return t(d.failed ? 'calls.events.recording_failed' : key, { seconds: str(d.durationSeconds ?? '—') });
    case 'recording.flagged':
      return t(key, { flags: Array.isArray(d.flags) ? (d.flags as unknown[]).map((f) => (te(`qa.flags.${str(f)}`) ? t(`qa.flags.${str(f)}`) : str(f))).join(', ') : '' });
    case 'survey.answered':
      return t(key, { label: str(d.label), score: str(d.score) });
    case 'survey.no_answer':
    case 'survey.caller_hangup':
      return t(key, { survey: str(d.survey) });
    default:
      if (te(key)) return t(key);
      return e.detail ? `${e.type} ${JSON.stringify(e.detail)}` : e.type;
  }
}
