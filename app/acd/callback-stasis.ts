// The Stasis app carries two kinds of channels: new calls (the IVR) and callers who pressed a
// queue's callback key (dialplan context hotline-callback-exit, args "callback,queue,pos,prio").
// This sink sends each to its owner; the callback requests are short (store, place, hand back).
import type { CallEventSink, CallInfo, PbxCallEvent } from '../pbx/ports.js';
import { CALLBACK_EXIT_CONTEXT, type CallbackService } from './callback.service.js';

export function stasisSink(calls: CallEventSink, callbacks: Pick<CallbackService, 'onStasisRequest'>): CallEventSink {
  // onStasisRequest never rejects: it logs a failed request and hands the caller back itself.
  const request = (call: CallInfo, args: string[]) => void callbacks.onStasisRequest(call, args);
  return {
    onCallEvent(e: PbxCallEvent) {
      if (e.kind === 'entered' && (e.args[0] === 'callback' || e.call.context === CALLBACK_EXIT_CONTEXT)) {
        request(e.call, e.args[0] === 'callback' ? e.args.slice(1) : []);
        return;
      }
      return calls.onCallEvent(e);
    },
    onCallsRecovered(list: CallInfo[], reconnect: boolean) {
      // After a takeover: requests the previous node did not finish (their args are on the channel).
      for (const c of list) if (c.context === CALLBACK_EXIT_CONTEXT) request(c, []);
      return calls.onCallsRecovered(list.filter((c) => c.context !== CALLBACK_EXIT_CONTEXT), reconnect);
    },
  };
}
