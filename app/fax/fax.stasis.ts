// A call whose fax has been received comes back into Stasis (args after-fax,<fax id>): its
// result is in AstDB already, so the collector files it now and the call is ended. Everything
// else goes on to the next sink.
import { ignoreChannelGone } from '../pbx/gone.js';
import type { Logger } from '../logger.js';
import { AFTER_FAX_ARG, DETECTED_FAX_ARG, FAX_RECEIVE_CONTEXT, faxVariables } from '../pbx/fax-control.js';
import type { FaxIntake } from '../ivr/runtime/runtime.js';
import type { CallControl, CallEventSink, CallInfo, PbxCallEvent } from '../pbx/ports.js';

export function faxReturnSink(next: CallEventSink, deps: { control: Pick<CallControl, 'hangup' | 'setVariable' | 'handBack'>; fileNow: () => Promise<void>; intake: FaxIntake; detectInbox: string; log: Logger }): CallEventSink {
  // Fax tones heard before the IVR (dialplan from-callers): opened in the detection inbox and
  // sent to ReceiveFAX, as the IVR's fax node does (the channel id is the fax's call id).
  const detected = async (call: CallInfo, called: string) => {
    const { id, pbxFile } = await deps.intake.openInbound({ callId: call.channelId, caller: call.callerNumber, called, queue: deps.detectInbox });
    for (const [k, v] of Object.entries(faxVariables(id, pbxFile))) await deps.control.setVariable(call.channelId, k, v);
    await deps.control.handBack(call.channelId, { context: FAX_RECEIVE_CONTEXT, extension: 's' });
    deps.log.info({ faxId: id, caller: call.callerNumber, called }, 'fax tones detected: the call goes to the fax inbox');
  };
  const done = (call: CallInfo) => {
    void deps.fileNow();
    void deps.control.hangup(call.channelId).catch(ignoreChannelGone(deps.log, 'ending a call after its fax', { channelId: call.channelId }));
  };
  return {
    onCallEvent(e: PbxCallEvent) {
      if (e.kind === 'entered' && e.args[0] === DETECTED_FAX_ARG) {
        void detected(e.call, e.args[1] ?? '').catch(ignoreChannelGone(deps.log, 'taking a detected fax', { channelId: e.call.channelId }));
        return;
      }
      if (e.kind === 'entered' && (e.args[0] === AFTER_FAX_ARG || e.call.context === FAX_RECEIVE_CONTEXT)) {
        done(e.call);
        return;
      }
      return next.onCallEvent(e);
    },
    onCallsRecovered(list: CallInfo[], reconnect: boolean) {
      for (const c of list) if (c.context === FAX_RECEIVE_CONTEXT) done(c);
      return next.onCallsRecovered(list.filter((c) => c.context !== FAX_RECEIVE_CONTEXT), reconnect);
    },
  };
}
