// Prometheus metrics (GET /metrics). One registry per process; gauges that mirror live
// state are collected on scrape instead of being kept in step by hand.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  callsInProgress(): number;
  links(): { ari: { up: boolean }; ami: { up: boolean }; db: { up: boolean }; sipFront?: { up: boolean } };
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hotline_process_' });
  let sources: MetricsSources | undefined;

  new Gauge({
    name: 'hotline_calls_in_progress',
    help: 'Calls currently handled in the Stasis app by this node',
    registers: [registry],
    collect() {
      this.set(sources?.callsInProgress() ?? 0);
    },
  });
  new Gauge({
    name: 'hotline_link_up',
    help: 'Connection state of each link (1 up, 0 down)',
    labelNames: ['link'],
    registers: [registry],
    collect() {
      const links = sources?.links();
      for (const link of ['ari', 'ami', 'db'] as const) this.set({ link }, links?.[link].up ? 1 : 0);
      if (links?.sipFront) this.set({ link: 'sip_front' }, links.sipFront.up ? 1 : 0);
    },
  });
  const callsTotal = new Counter({
    name: 'hotline_calls_total',
    help: 'Calls that ended, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const ariEventSeconds = new Histogram({
    name: 'hotline_ari_event_handle_seconds',
    help: 'Time to handle one ARI event, from receipt to the end of its handler',
    labelNames: ['type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });

  const dtmfToPromptSeconds = new Histogram({
    name: 'hotline_ivr_dtmf_to_prompt_seconds',
    help: "Time from a caller's digit reaching Hotline to the next prompt being started in Asterisk",
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const callsRefused = new Counter({
    name: 'hotline_calls_refused_total',
    help: 'Calls refused past the admission rate (503), by where: dialplan (counted by the active node from HotlineRefused) or sip_front (read from the SIP front every 10 s; also those it refused while Asterisk was behind: answering slowly, or not by its deadline)',
    labelNames: ['where'],
    registers: [registry],
  });
  const callsBlocked = new Counter({
    name: 'hotline_calls_blocked_total',
    help: 'Calls refused by a blocked number (SIP 403 in the inbound dialplan; counted by the active node from HotlineBlocked, docs/api/blocked-numbers.md)',
    registers: [registry],
  });
  const blocklistSyncFailures = new Counter({
    name: 'hotline_blocklist_sync_failures_total',
    help: "Passes that could not write the blocked numbers into Asterisk's database (AstDB); the next pass tries again",
    registers: [registry],
  });
  const admissionCallsPerSecond = new Gauge({
    name: 'hotline_admission_calls_per_second',
    help: 'Calls a second the dialplan lets into the Stasis app now (HOTLINE_MAX_RATE as the active node set it; below HOTLINE_MAX_CALLS_PER_SECOND while the box is behind)',
    registers: [registry],
  });
  const ariRoundTripMedianSeconds = new Gauge({
    name: 'hotline_ari_round_trip_median_seconds',
    help: "Median ARI command round trip over the admission governor's last half second (commands under way count with their age)",
    registers: [registry],
  });

  return {
    registry,
    admissionCallsPerSecond,
    ariRoundTripMedianSeconds,
    callsRefused,
    callsBlocked,
    blocklistSyncFailures,
    callsTotal,
    ariEventSeconds,
    dtmfToPromptSeconds,
    setSources(s: MetricsSources) {
      sources = s;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
