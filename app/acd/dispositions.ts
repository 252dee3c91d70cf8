// Wrap-up codes (dispositions): after a queue call the agent picks one of the queue's codes;
// it lands on the queue call and on the call record (the calls module's). A queue whose
// dispositions are "required" keeps its agents from going Ready until the last call has one.
import { AppError } from '../errors.js';
import type { AcdConfig } from './acd.config.js';
import type { QueueCallLog } from './acd.calls.js';
import type { AcdQueueCall } from './acd.entities.js';

export class DispositionError extends AppError {}

export interface DispositionResult {
  queue: string;
  /** The call record's id (null: the call has no record, e.g. it reached the queue without Hotline's IVR). */
  callId: string | null;
  uniqueid: string;
  code: string;
  note: string;
}

export class Dispositions {
  constructor(
    private readonly config: AcdConfig,
    private readonly calls: QueueCallLog,
  ) {}

  private async callOf(agentId: string, callId: string | undefined): Promise<{ row: AcdQueueCall; recordId: string | null }> {
    if (callId) {
      const rec = await this.calls.records?.brief(callId);
      if (!rec) throw new DispositionError(404, 'not_found', `call ${callId} not found`);
      const row = await this.calls.answeredByAgent(agentId, rec.channelId);
      if (!row || rec.agentId !== agentId) throw new DispositionError(409, 'not_your_call', `call ${callId} was not answered by this agent`);
      return { row, recordId: rec.id };
    }
    const row = await this.calls.lastAnsweredBy(agentId);
    if (!row) throw new DispositionError(409, 'no_call', 'this agent has answered no queue call to give a disposition to');
    const rec = await this.calls.records?.byChannel(row.uniqueid);
    return { row, recordId: rec?.id ?? null };
  }

  async record(agentId: string, input: { callId?: string; code: string; note: string }): Promise<DispositionResult> {
    await this.config.agent(agentId);
    const { row, recordId } = await this.callOf(agentId, input.callId);
    const settings = (await this.config.snapshot()).queueMap.get(row.queue);
    const codes = settings?.dispositions.codes ?? [];
    if (!codes.some((c) => c.code === input.code)) {
      throw new DispositionError(422, 'unknown_disposition', `queue ${row.queue} has no disposition ${input.code}`, { field: 'code', allowed: codes.map((c) => c.code) });
    }
    await this.calls.setDisposition(row.id, input.code);
    if (recordId) await this.calls.records!.setDisposition(recordId, { agentId, code: input.code, note: input.note });
    return { queue: row.queue, callId: recordId, uniqueid: row.uniqueid, code: input.code, note: input.note };
  }

  /** The agent's last queue call when its queue requires a disposition and it has none. */
  async missing(agentId: string): Promise<AcdQueueCall | null> {
    const row = await this.calls.lastAnsweredBy(agentId);
    if (!row || row.disposition) return null;
    const settings = (await this.config.snapshot()).queueMap.get(row.queue);
    return settings?.dispositions.required ? row : null;
  }
}
