import { PATTERN_NAMES } from '../traffic/pattern-spec.js';
import { POLICY_NAMES } from '../policies.js';

export const MAIN_HELP = `Usage: sluice <command> [flags]

Commands:
  simulate   run Sluice policies on a virtual clock against traffic; table, JSON, SVG, HTML

Run 'sluice simulate --help' for its flags.
`;

export const SIMULATE_HELP = `Usage: sluice simulate --policy SPEC [--policy SPEC ...] TRAFFIC [OUTPUT]

Runs each policy separately (its own fresh memory store, one row each) against the same
traffic, with the real @sluice/core algorithms on a virtual clock (no sleeping).

Policies (repeatable):
  --policy SPEC          ${POLICY_NAMES.join(', ')}
                         e.g. 'fixedWindow(limit=10,window=1s)', 'slidingLog(limit=5,window=15m)',
                         'tokenBucket(capacity=20,refillPerSecond=5)', 'leakyBucket(capacity=10,leakPerSecond=2)'

Traffic (one source; several --pattern are merged):
  --pattern SPEC         ${PATTERN_NAMES.join(', ')}
                         steady(rate=10,duration=10s,start=0,clients=1)
                         burst(count=20,at=0,spread=0,repeat=1,every=1s,clients=1)
                         boundary-burst(burst=20,boundary=1s,spread=100ms,duration=2s)
                         ramp(from=0,to=100,duration=10s,start=0,clients=1)
                         zipf(rate=1000,duration=10s,clients=1000,s=1.1,seed=1,start=0)
  --pattern-file FILE    JSON: [{"pattern":"steady","rate":20,"duration":"10s"}, ...]
  --log FILE             one request per line ('-': stdin): '<timestamp> <key>' (epoch s or ms, or ISO 8601),
                         or a common/combined access log (key = client address)

Measuring:
  --bucket DURATION      time bucket of the chart and series (default: about 60 buckets; at most 10000)
  --window DURATION      length of the worst-window measure (default: the policy's window; 1s for buckets)

Output (the table goes to stdout unless --json):
  --json                 machine-readable results on stdout
  --chart FILE.svg       chart: one row per policy on one time axis
  --html FILE.html       self-contained page with the chart and the table
  --title TEXT           chart and page title

Exit status: 0 done, 1 failed, 2 bad arguments.
`;
