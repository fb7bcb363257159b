/** What every moderation rule works on and is given. */
import type { CaptionKind, ChatRole, PaidAmount } from '../core/source.ts';
import type { CaptionSourceName } from '../core/types.ts';
import type { ModerationSettings } from './settings.ts';

/** The fields moderation reads; SourceCaption (and anything shaped like it) qualifies. */
export interface ModerationInput {
  text: string;
  user: string;
  userId?: string;
  /**
   * The name is the platform's mask ("提***"), shared by many viewers. Per-user rules
   * (cooldown, per-user duplicates, per-user queue cap) key on `userId` alone for such a
   * message, and skip it when it has none: see `userKey` in rule-kit.ts.
   */
  maskedName?: boolean;
  source: CaptionSourceName;
  roles: readonly ChatRole[];
  paidAmount?: PaidAmount;
  /** Why the caption exists; a paid kind (sub, gift) is paid even without an amount. */
  kind?: CaptionKind;
  lang?: string;
  /** How to say the user's name; set by the spoken-names rule. */
  spokenName?: string;
}

export type DropReason =
  | 'denied-user'
  | 'role'
  | 'banned-word'
  | 'empty'
  | 'user-queue-full'
  | 'cooldown'
  | 'duplicate';

export type OnDrop = (reason: DropReason, event: ModerationInput) => void;

export interface RuleContext {
  /** The settings in force now (read per event, so changes apply at once). */
  settings(): ModerationSettings;
  onDrop: OnDrop;
  nowMs(): number;
  /** Readouts of this user waiting in the queue now. */
  queuedCount(user: string): number;
  /** Cap on users/texts remembered by the cooldown and duplicate rules (each). */
  maxTrackedKeys: number;
}
