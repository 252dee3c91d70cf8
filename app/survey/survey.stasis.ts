// A caller whose agent hung up first comes back into Stasis from the dialplan context
// hotline-survey (args survey,<name>) to be asked the queue's survey. This sink takes those
// channels (their events reach the call's session as any call's do) and passes the rest on.
import { ignoreChannelGone } from '../pbx/gone.js';
import type { Logger } from '../logger.js';
import type { CallControl, CallEventSink, CallInfo, PbxCallEvent } from '../pbx/ports.js';
import type { FollowedCall } from '../calls/calls.stasis.js';
import { SURVEY_ARG, SURVEY_CONTEXT } from '../pbx/dialplan.js';
import { askSurvey, type AskDeps } from './survey.run.js';
import type { SurveyService } from './survey.service.js';

/** The call record of a channel, as much as a survey response keeps of it. */
export interface SurveyedCall {
  id: string;
  startedAt: Date;
  queue: string | null;
  agentId: string | null;
  agentName: string | null;
  callerNumber: string;
}

export interface SurveySinkDeps {
  follow: (call: CallInfo, prepare: () => Promise<FollowedCall | null>) => void;
  service: SurveyService;
  callOf: (channelId: string) => Promise<SurveyedCall | null>;
  media: AskDeps['media'];
  control: Pick<CallControl, 'hangup'>;
  answered?: AskDeps['answered'];
  log: Logger;
}

export function surveySink(next: CallEventSink, deps: SurveySinkDeps): CallEventSink {
  const log = deps.log;
  const end = (channelId: string) => deps.control.hangup(channelId).catch(ignoreChannelGone(log, 'ending a call the survey cannot ask', { channelId }));

  const prepare = async (call: CallInfo, name: string | undefined): Promise<FollowedCall | null> => {
    try {
      let response = await deps.service.asking(call.channelId);
      if (!response) {
        const record = await deps.callOf(call.channelId);
        if (!record || !name) {
          log.warn({ channelId: call.channelId, survey: name }, record ? 'a caller came to be surveyed without a survey name; ending the call' : 'a caller came to be surveyed without a call record; ending the call');
          await end(call.channelId);
          return null;
        }
        const begun = await deps.service.begin({
          callId: record.id,
          channelId: call.channelId,
          survey: name,
          queue: record.queue ?? '',
          agentId: record.agentId,
          agentName: record.agentName,
          callerNumber: record.callerNumber,
        });
        if (!begun.fresh && begun.response.status !== 'asking') {
          log.info({ callId: record.id }, 'this call was surveyed already; ending it');
          await end(call.channelId);
          return null;
        }
        response = begun.response;
      }
      const survey = await deps.service.find(response.survey);
      if (!survey) {
        log.warn({ callId: response.callId, survey: response.survey }, 'the survey the queue names does not exist; ending the call');
        await deps.service.settle(response.id, 'failed');
        await end(call.channelId);
        return null;
      }
      const r = response;
      const record = { id: r.callId, startedAt: r.startedAt };
      return {
        callId: record.id,
        startedAt: record.startedAt,
        maxMs: ((survey.retries + 1) * (survey.timeoutSeconds + 60) + 60) * 1000,
        run: (ctx, timeline) => askSurvey(ctx, survey, r, { service: deps.service, media: deps.media, timeline, answered: deps.answered }),
      };
    } catch (err) {
      // The database is not there: the caller is not kept waiting in silence.
      log.error({ channelId: call.channelId, err: (err as Error).message }, 'cannot start the survey; ending the call');
      await end(call.channelId);
      return null;
    }
  };

  return {
    onCallEvent(e: PbxCallEvent) {
      if (e.kind === 'entered' && (e.args[0] === SURVEY_ARG || e.call.context === SURVEY_CONTEXT)) {
        deps.follow(e.call, () => prepare(e.call, e.args[0] === SURVEY_ARG ? e.args[1] : undefined));
        return;
      }
      return next.onCallEvent(e);
    },
    onCallsRecovered(list: CallInfo[], reconnect: boolean) {
      // After a takeover: callers the other node was asking (their response row says which survey).
      for (const c of list) if (c.context === SURVEY_CONTEXT) deps.follow(c, () => prepare(c, undefined));
      return next.onCallsRecovered(list.filter((c) => c.context !== SURVEY_CONTEXT), reconnect);
    },
  };
}
