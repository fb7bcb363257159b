/** A readout as mirrored in Redis (JSON), checked before another process queues it. */
import { z } from 'zod';
import type { PendingReadout } from '../../server/src/core/types.ts';

const PendingReadoutJson = z.object({
  id: z.string().min(1),
  text: z.string(),
  user: z.string(),
  source: z.string(),
  priority: z.number().int(),
  receivedAtMs: z.number(),
  expiresAtMs: z.number().nullable(),
  voice: z.string().optional(),
  lang: z.string().optional(),
  userId: z.string().optional(),
  messageId: z.string().optional(),
  paid: z.boolean().optional(),
});

/** The readout mirrored under `id`, or undefined when the JSON is not one (or names another id). */
export function parsePendingReadout(id: string, json: string): PendingReadout | undefined {
  try {
    const parsed = PendingReadoutJson.safeParse(JSON.parse(json));
    return parsed.success && parsed.data.id === id ? (parsed.data as PendingReadout) : undefined;
  } catch {
    return undefined;
  }
}
