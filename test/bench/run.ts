/**
 * `npm run bench` — runs every benchmark and prints its figures; `-- --json` prints one
 * JSON object only. Figures are absolute (for information) plus ratios against a baseline
 * measured in the same run (these machines are shared and noisy).
 */
import { benchAsr } from './asr.ts';
import { benchCosyvoice } from './cosyvoice.ts';
import { benchChunkSweep, benchFanout } from './fanout.ts';
import { benchGlass } from './glass.ts';
import { benchKickParser } from './kick-parser.ts';
import { benchModeration } from './moderation.ts';
import { benchPipeline } from './pipeline.ts';
import { benchQueueAdmission } from './queue.ts';
import { benchSelfhost } from './selfhost.ts';
import { benchYouTubeParser } from './youtube.ts';
import { benchTwitchEventSub } from './twitch-eventsub.ts';

type Bench = () => Promise<Record<string, number>>;

/** `--no-soak` skips the fan-out bench's 60 s soak; `--node-flags="--a --b"` runs the relay with other Node flags. */
const nodeFlagsArg = process.argv.find((a) => a.startsWith('--node-flags='))?.slice('--node-flags='.length);
const fanoutOptions = {
  soak: !process.argv.includes('--no-soak'),
  ...(nodeFlagsArg === undefined ? {} : { nodeFlags: nodeFlagsArg.split(/\s+/).filter(Boolean) }),
};

const BENCHES: Record<string, Bench> = {
  glass: benchGlass,
  cosyvoice: benchCosyvoice,
  selfhost: benchSelfhost,
  moderation: benchModeration,
  pipeline: benchPipeline,
  queue: benchQueueAdmission,
  fanout: () => benchFanout(fanoutOptions),
  'chunk-sweep': () => benchChunkSweep(fanoutOptions),
  asr: benchAsr,
  youtube: benchYouTubeParser,
  'twitch-eventsub': benchTwitchEventSub,
  kick: benchKickParser,
};

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const figures: Record<string, number | string> = { node: process.version, cpus: (await import('node:os')).cpus().length };
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only && !only.includes(name)) continue;
    if (!json) process.stderr.write(`bench ${name}…\n`);
    const started = performance.now();
    Object.assign(figures, await bench());
    if (!json) process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(json ? `${JSON.stringify(figures)}\n` : `${JSON.stringify(figures, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
