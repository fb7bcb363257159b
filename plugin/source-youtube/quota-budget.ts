/**
 * The YouTube Data API's daily quota, as this source spends it: units counted per call (the
 * documented costs), reset at midnight Pacific time (when Google resets it), a poll interval
 * floor that makes the budget last the stream, and how long what is left lasts at the
 * current polling rate. Costs: https://developers.google.com/youtube/v3/determine_quota_cost
 * (videos.list 1, search.list 100, liveChatMessages.list 5).
 */
export const QUOTA_COST_UNITS = {
  'videos.list': 1,
  'search.list': 100,
  'liveChatMessages.list': 5,
} as const;

export type YouTubeMethod = keyof typeof QUOTA_COST_UNITS;

/** A new project's default daily quota. */
export const DEFAULT_DAILY_QUOTA_UNITS = 10_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let pacific: Intl.DateTimeFormat | undefined;
/**
 * Made on first use, not at import: loading ICU's time-zone data costs ~5 MB of resident
 * memory (measured), which only a relay reading YouTube should pay.
 */
const pacificFormat = (): Intl.DateTimeFormat =>
  (pacific ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }));

/** The Pacific calendar day of `atMs` and the ms since its midnight (a DST day is off by at most an hour). */
function pacificDay(atMs: number): { day: string; sinceMidnightMs: number } {
  const parts = Object.fromEntries(pacificFormat().formatToParts(atMs).map((p) => [p.type, p.value]));
  const sinceMidnightMs = ((Number(parts['hour']) * 60 + Number(parts['minute'])) * 60 + Number(parts['second'])) * 1000 + (atMs % 1000);
  return { day: `${parts['year']}-${parts['month']}-${parts['day']}`, sinceMidnightMs };
}

export class QuotaBudget {
  private day: string;
  private used = 0;

  /**
   * @param dailyUnits the project's daily quota (YOUTUBE_DAILY_QUOTA_UNITS)
   * @param streamHours how long the budget must last (YOUTUBE_STREAM_HOURS)
   */
  constructor(
    readonly dailyUnits: number,
    readonly streamHours: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.day = pacificDay(nowMs()).day;
  }

  private roll(): void {
    const { day } = pacificDay(this.nowMs());
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
  }

  spend(method: YouTubeMethod): void {
    this.roll();
    this.used += QUOTA_COST_UNITS[method];
  }

  usedUnits(): number {
    this.roll();
    return this.used;
  }

  remainingUnits(): number {
    return Math.max(0, this.dailyUnits - this.usedUnits());
  }

  /** The shortest wait between chat polls that spends the daily quota over `streamHours`, never less. */
  pollFloorMs(): number {
    return Math.ceil((QUOTA_COST_UNITS['liveChatMessages.list'] * this.streamHours * HOUR_MS) / this.dailyUnits);
  }

  /** How long the units left last when polling every `intervalMs`. */
  lastsMs(intervalMs: number): number {
    return Math.floor(this.remainingUnits() / QUOTA_COST_UNITS['liveChatMessages.list']) * intervalMs;
  }

  /** Until Google resets the quota (next midnight, Pacific time). */
  msUntilReset(): number {
    return Math.max(1_000, DAY_MS - pacificDay(this.nowMs()).sinceMidnightMs);
  }
}
