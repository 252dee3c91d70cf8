// The human-readable statement of every metric definition, in zh-CN and en, with the queue's
// own thresholds filled in: printed on every report (screen and .xlsx) so a reader knows
// exactly what each figure counts. Pure.
import { SURVEY_DEFINITIONS } from './survey-definitions.js';
import type { QueueDefinitions } from './definitions.js';

export interface DefinitionStatement {
  /** Stable key: offered, answered, service_level, abandoned, short_abandon, callback, overflow, timeout, asa, aht, occupancy, fcr, fcr_tickets, outbound, outbound_connected, outbound_talk, csat. */
  key: string;
  /** The name of the figure. */
  name: string;
  /** What it counts, with the thresholds in force. */
  text: string;
}

type Locale = 'zh-CN' | 'en';

const TREATMENT: Record<Locale, Record<QueueDefinitions['shortAbandonTreatment'], string>> = {
  en: {
    counted: 'short abandons are counted as abandons like any other',
    excluded: 'short abandons are excluded: neither offered nor abandoned in the abandon rate and the service level (they are still listed)',
    sl2: "short abandons count as meeting the service level (as Asterisk's ServicelevelPerf2)",
  },
  'zh-CN': {
    counted: '短时放弃与其他放弃一样计入放弃',
    excluded: '短时放弃不计入：放弃率和服务水平的分子分母都不含（列表中仍然列出）',
    sl2: '短时放弃视为达到服务水平（与 Asterisk 的 ServicelevelPerf2 相同）',
  },
};

/** The statements for one queue's definitions (or the center's), in the reader's language. */
export function definitionStatements(d: QueueDefinitions, locale: Locale): DefinitionStatement[] {
  const sl = d.serviceLevelSeconds;
  const sa = d.shortAbandonSeconds;
  const t = TREATMENT[locale][d.shortAbandonTreatment];
  const w = d.repeatWindowHours;
  if (locale === 'zh-CN') {
    return [
      { key: 'offered', name: '进线量', text: '进入该队列的每一个来电（回拨占位不算来电）；溢出到其他队列的来电在原队列和目标队列各计一次，全中心只计一次。' },
      { key: 'answered', name: '接通量', text: '队列中的坐席接起的来电；等待时长为进入队列到接起的秒数。' },
      { key: 'service_level', name: '服务水平', text: `等待不超过 ${sl} 秒即接起的来电 ÷（接通 + 放弃 + 超时离开），${t}。` },
      { key: 'abandoned', name: '放弃量', text: '来电者在队列中等待时挂机；放弃率 = 放弃 ÷（进线 − 溢出 − 回拨 − 仍在等待）。' },
      { key: 'short_abandon', name: '短时放弃', text: `等待不足 ${sa} 秒就挂机的放弃；${t}。` },
      { key: 'callback', name: '预约回拨', text: '来电者在等待中选择回拨后离开：不算放弃，也不计入服务水平的分母；回拨结果另行统计。' },
      { key: 'overflow', name: '溢出', text: '来电从队列 A 转入队列 B（溢出或无坐席）：在 A 计为进线和溢出（不算接通、不算放弃、不计入 A 的服务水平），在 B 按普通来电统计。' },
      { key: 'timeout', name: '超时离开', text: '来电者未接通而因其他原因离开队列（最长等待、无坐席且无处溢出）：计入服务水平分母。' },
      { key: 'asa', name: '平均应答速度 (ASA)', text: '接通来电的等待时长之和 ÷ 接通量（全中心按接通队列中的等待计）。' },
      { key: 'aht', name: '平均处理时长 (AHT)', text: '（通话 + 保持 + 话后处理）÷ 接通量。通话 = 接通到挂机的时长减去保持时长；保持 = 坐席保持来电（来电听等待音乐）的时长；话后处理 = 该通话结束后坐席的话后处理时长。' },
      { key: 'occupancy', name: '占用率', text: '（通话 + 保持 + 话后处理）÷（登录时长 − 小休时长）。' },
      { key: 'fcr', name: '首次解决率 (FCR)', text: `接通的来电中，同一号码在之后 ${w} 小时内没有再次来电的比例（匿名号码不参与）。` },
      { key: 'fcr_tickets', name: '工单首次解决率', text: '统计范围内由来电创建（关联了来电）的工单中（被合并掉的重复工单不计），首次联系即解决的比例：工单已解决或关闭，从该来电到首次解决/关闭之间同一号码没有再次来电，且从未被重新打开。尚未解决的工单计入分母（视为未在首次联系中解决）；匿名号码只按是否重新打开判断。工单不属于队列：该指标为全中心。' },
      { key: 'outbound', name: '外呼量', text: '坐席拨打的外线电话：控制台点击拨号，以及坐席话机直接拨打的外线号码；从交换机开始拨打该号码时计一次（点击拨号：坐席先接起自己的话机之后），按开始拨打的时段统计。预约回拨不在其中（按回拨统计）。外呼不属于队列：无论选择哪些队列，外呼各列都是全中心（可按坐席区分）。' },
      { key: 'outbound_connected', name: '外呼接通', text: '被叫方接听的外呼（Asterisk 的 DIALSTATUS 为 ANSWER）；外呼接通率 = 外呼接通 ÷ 外呼量。' },
      { key: 'outbound_talk', name: '外呼通话时长', text: '被叫方接听到挂机的秒数（Asterisk 的 ANSWEREDTIME）；平均外呼通话 = 外呼通话时长 ÷ 外呼接通。' },
      { key: 'csat', name: '满意度', text: SURVEY_DEFINITIONS['zh-CN'].join('') + '按调查开始的时间计入统计范围。' },
    ];
  }
  return [
    { key: 'offered', name: 'Offered', text: 'Every caller that entered the queue (callback placeholders are not callers); a call that overflows to another queue is offered to both queues and counted once for the center.' },
    { key: 'answered', name: 'Answered', text: 'An agent of the queue answered; the wait is the seconds from entering the queue to the answer.' },
    { key: 'service_level', name: 'Service level', text: `Answered with a wait of at most ${sl} s ÷ (answered + abandoned + timed out); ${t}.` },
    { key: 'abandoned', name: 'Abandoned', text: 'The caller hung up while waiting in the queue; abandon rate = abandoned ÷ (offered − overflowed − callbacks − still waiting).' },
    { key: 'short_abandon', name: 'Short abandon', text: `An abandon after a wait under ${sa} s; ${t}.` },
    { key: 'callback', name: 'Callback', text: 'The caller left the queue asking to be called back: not an abandon and not in the service-level base; the callback itself is reported apart.' },
    { key: 'overflow', name: 'Overflow', text: "A call that moved from queue A to queue B (overflow or no agents) counts in A as offered and overflowed (not answered, not abandoned, not in A's service level) and in B as a normal call." },
    { key: 'timeout', name: 'Timed out', text: 'The caller left the queue unanswered for another reason (maximum wait, no agents and nowhere to overflow): in the service-level base.' },
    { key: 'asa', name: 'ASA (average speed of answer)', text: "Total wait of answered calls ÷ answered (the center counts the wait in the queue that answered)." },
    { key: 'aht', name: 'AHT (average handling time)', text: '(talk + hold + wrap-up) ÷ answered. Talk: answer to hang-up minus hold; hold: the time the agent held the caller (music on hold); wrap-up: the agent\'s wrap-up after the call.' },
    { key: 'occupancy', name: 'Occupancy', text: '(talk + hold + wrap-up) ÷ (logged in − break).' },
    { key: 'fcr', name: 'FCR (first-call resolution)', text: `Share of answered calls whose number did not call again within ${w} h after (anonymous numbers are not judged).` },
    { key: 'fcr_tickets', name: 'FCR by tickets', text: "Of the tickets opened from a call in the range (a call linked to the ticket; merged duplicates left out), the share resolved on first contact: resolved or closed with no further call from the same number between that call and the first resolution, and never reopened. Tickets still open count in the base as not resolved on first contact; anonymous numbers are judged by reopens only. Tickets belong to no queue: the figure is the whole center's." },
    { key: 'outbound', name: 'Outbound calls', text: "Calls agents placed to outside numbers: click-to-dial from the console, and outside numbers dialled from the agent's phone; counted once the PBX dialled the number (click-to-dial: after the agent answered their own phone), in the period the dial started. Callbacks are not included (they are reported as callbacks). Outbound calls belong to no queue: the outbound columns are the whole center's (by agent where shown), whatever queues are selected." },
    { key: 'outbound_connected', name: 'Outbound connected', text: "The called party answered (Asterisk's DIALSTATUS ANSWER); connect rate = connected ÷ outbound calls." },
    { key: 'outbound_talk', name: 'Outbound talk', text: "Seconds from the called party's answer to the hang-up (Asterisk's ANSWEREDTIME); average outbound talk = outbound talk ÷ connected." },
    { key: 'csat', name: 'Satisfaction (CSAT)', text: `${SURVEY_DEFINITIONS.en.join(' ')} A survey counts in the range it began in.` },
  ];
}
