// The walking skeleton's call flows, until the IVR engine (issue 3) makes flows data:
// a welcome menu (prompt, one digit, a reply chosen by the digit) and a plain
// announcement (answer, prompt, hang up) used by the benchmark.
import type { CallContext } from './call-context.js';

export interface FlowOptions {
  menuTimeoutMs: number;
}

export interface Flow {
  name: string;
  /** Runs the call from `fromStep` (null: the start). Returns when the flow is done. */
  run(ctx: CallContext, fromStep: string | null, answered: boolean): Promise<void>;
}

/** Digit -> the prompt the caller hears next. */
export const WELCOME_REPLIES: Record<string, string> = { '1': 'auth-thankyou', '2': 'vm-goodbye' };
export const WELCOME_PROMPT = 'hello-world';
export const INVALID_PROMPT = 'please-try-again';
export const TIMEOUT_PROMPT = 'goodbye';

export function welcomeMenu(opts: FlowOptions): Flow {
  return {
    name: 'welcome-menu',
    async run(ctx, fromStep, answered) {
      if (!answered) await ctx.answer();
      let digit: string | null;
      const resumeReply = fromStep?.startsWith('reply:') ? fromStep.slice('reply:'.length) : undefined;
      if (resumeReply !== undefined) {
        digit = resumeReply === 'timeout' ? null : resumeReply;
      } else {
        await ctx.step('welcome');
        digit = await ctx.promptForDigit(WELCOME_PROMPT, opts.menuTimeoutMs);
        if (digit !== null) await ctx.consumed(digit);
        await ctx.step(`reply:${digit ?? 'timeout'}`, digit ?? undefined);
      }
      const reply = digit === null ? TIMEOUT_PROMPT : (WELCOME_REPLIES[digit] ?? INVALID_PROMPT);
      await ctx.playAndWait(reply);
      await ctx.hangup();
    },
  };
}

export const ANNOUNCEMENT_PROMPT = 'beep';

export function announcement(): Flow {
  return {
    name: 'announcement',
    async run(ctx, _fromStep, answered) {
      if (!answered) await ctx.answer();
      await ctx.step('announce');
      await ctx.playAndWait(ANNOUNCEMENT_PROMPT);
      await ctx.hangup();
    },
  };
}

/** Called number -> flow. The benchmark number 9001 gets the bare announcement. */
export function flowFor(calledNumber: string, opts: FlowOptions): Flow {
  return calledNumber === '9001' ? announcement() : welcomeMenu(opts);
}
