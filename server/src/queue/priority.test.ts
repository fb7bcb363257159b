import { describe, expect, it } from 'vitest';
import type { SourceCaption } from '../core/source.ts';
import { DEFAULT_QUEUE_POLICY } from './policy.ts';
import { priorityFor } from './priority.ts';

type Input = Pick<SourceCaption, 'roles' | 'paidAmount' | 'kind'>;
const chat = (roles: SourceCaption['roles'], extra: Partial<Input> = {}): Input => ({ kind: 'chat', roles, ...extra });
const policy = DEFAULT_QUEUE_POLICY;

describe('priorityFor', () => {
  it('ranks paid > moderator > subscriber > viewer by the highest role', () => {
    expect(priorityFor(chat(['viewer']), policy)).toEqual({ priority: 0, paid: false });
    expect(priorityFor(chat(['subscriber', 'viewer']), policy)).toEqual({ priority: 100, paid: false });
    expect(priorityFor(chat(['vip', 'viewer']), policy)).toEqual({ priority: 100, paid: false });
    expect(priorityFor(chat(['subscriber', 'moderator', 'viewer']), policy)).toEqual({ priority: 200, paid: false });
    expect(priorityFor(chat(['broadcaster']), policy)).toEqual({ priority: 200, paid: false });
    expect(priorityFor(chat([]), policy)).toEqual({ priority: 0, paid: false });
  });

  it('makes money paid, whatever the role: an amount, or a kind that is paid by nature', () => {
    expect(priorityFor(chat(['viewer'], { kind: 'bits', paidAmount: { value: 100, currency: 'bits' } }), policy)).toEqual({ priority: 300, paid: true });
    expect(priorityFor(chat(['moderator'], { kind: 'superchat', paidAmount: { value: 30, currency: 'CNY' } }), policy)).toEqual({ priority: 300, paid: true });
    expect(priorityFor(chat(['viewer'], { kind: 'sub' }), policy)).toEqual({ priority: 300, paid: true });
    expect(priorityFor(chat(['viewer'], { kind: 'gift' }), policy).paid).toBe(true);
    expect(priorityFor(chat(['viewer'], { kind: 'reward' }), policy)).toEqual({ priority: 0, paid: false });
    expect(priorityFor(chat(['viewer'], { paidAmount: { value: 0, currency: 'CNY' } }), policy).paid).toBe(false);
  });

  it('uses the configured numbers', () => {
    const classes = { paid: 50, moderator: 40, subscriber: 30, viewer: 10 };
    expect(priorityFor(chat(['viewer']), { classes })).toEqual({ priority: 10, paid: false });
    expect(priorityFor(chat(['subscriber']), { classes })).toEqual({ priority: 30, paid: false });
    expect(priorityFor(chat(['viewer'], { kind: 'gift' }), { classes })).toEqual({ priority: 50, paid: true });
  });
});
