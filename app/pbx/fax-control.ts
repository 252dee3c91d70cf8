// Fax in Asterisk (dialplan/extensions.conf: hotline-fax-receive, hotline-fax-send). The result
// of every fax is kept in Asterisk by the dialplan itself (globals HOTLINE_FAX_<id> and
// HOTLINE_FAXSTART_<id>: a call that was in Stasis may not write AstDB), so any node can read it
// over AMI — the node that took over after a failover files a fax the dead node started.
import type { AmiClient } from './ami/client.js';
import { fieldOf } from './ami/parser.js';
import { FencedError, type FaxControl, type FaxResult } from './ports.js';

export const FAX_RECEIVE_CONTEXT = 'hotline-fax-receive';
export const FAX_SEND_CONTEXT = 'hotline-fax-send';
/** The Stasis args of a call back from ReceiveFAX: after-fax,<fax id>. */
export const AFTER_FAX_ARG = 'after-fax';
/** The Stasis args of a call whose fax tones were detected before the IVR: inbound-fax,<number>. */
export const DETECTED_FAX_ARG = 'inbound-fax';
/** The global that turns fax-tone detection on for a number (dialplan from-callers). */
export const faxDetectGlobal = (number: string) => `HOTLINE_FAXDETECT_${number}`;
/** The globals of fax `id` (its hex digits only, as the dialplan's FILTER(0-9a-f) makes them). */
export const faxGlobals = (id: string) => {
  const hex = id.replace(/[^0-9a-f]/g, '');
  return { result: `HOTLINE_FAX_${hex}`, start: `HOTLINE_FAXSTART_${hex}` };
};

/** The channel variables the fax contexts read. */
export function faxVariables(id: string, file: string): Record<string, string> {
  return { HOTLINE_FAX_ID: id, HOTLINE_FAX_FILE: file };
}

/** `status|pages|rate|error|end epoch|station|text` as the dialplan writes it. */
export function parseFaxResult(main: string, start: string | null): FaxResult {
  const [status = 'FAILED', pages = '0', rate = '0', error = '', end = '', station = '', text = ''] = main.split('|');
  const at = (s: string | null | undefined) => (s && /^\d+$/.test(s) ? new Date(Number(s) * 1000) : null);
  return {
    status: status || 'FAILED',
    pages: Number(pages) || 0,
    rate: Number(rate) || 0,
    error,
    remoteStationId: station.trim(),
    statusText: text,
    startedAt: at(start),
    endedAt: at(end),
  };
}

export class AmiFaxControl implements FaxControl {
  constructor(
    private readonly ami: AmiClient,
    private readonly mayAct: () => boolean,
  ) {}

  async result(id: string): Promise<FaxResult | null> {
    const g = faxGlobals(id);
    const main = await this.global(g.result);
    if (!main) return null;
    return parseFaxResult(main, await this.global(g.start));
  }

  async started(id: string): Promise<boolean> {
    return Boolean(await this.global(faxGlobals(id).start));
  }

  async forget(id: string): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    for (const name of Object.values(faxGlobals(id))) await this.ami.action('Setvar', { Variable: name, Value: '' });
  }

  async send(p: { id: string; dial: string; file: string; callerNumber: string; callerName: string; ringSeconds: number }): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    const vars = Object.entries(faxVariables(p.id, p.file)).map(([k, v]) => `${k}=${v}`).join(',');
    await this.ami.action('Originate', {
      Channel: p.dial,
      Context: FAX_SEND_CONTEXT,
      Exten: 's',
      Priority: '1',
      CallerID: `"${p.callerName.replace(/["\\]/g, '')}" <${p.callerNumber}>`,
      Timeout: String(p.ringSeconds * 1000),
      Variable: vars,
      Async: 'true',
    });
  }

  async detectOn(numbers: string[]): Promise<void> {
    if (!this.mayAct()) throw new FencedError();
    for (const n of numbers) await this.ami.action('Setvar', { Variable: faxDetectGlobal(n), Value: 'yes' });
  }

  private async global(name: string): Promise<string | null> {
    const r = await this.ami.action('Getvar', { Variable: name });
    const v = fieldOf(r, 'Value');
    return v ? String(v) : null;
  }
}
