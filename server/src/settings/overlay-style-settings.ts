/**
 * The overlay style stored by the panel (overlay-style.json) and pushed to overlays:
 * style parameters as they would be written in the overlay URL, checked with the
 * whitelist the overlay itself uses (core/overlay-style.ts, pure and DOM-free).
 */
import { z } from 'zod';
import { isStyleParam, STYLE_PARAMS, styleValueProblem, type OverlayStyle } from '../core/overlay-style.ts';

export const OverlayStyleSettings = z
  .record(z.string(), z.string().max(200))
  .superRefine((style, ctx) => {
    for (const [name, raw] of Object.entries(style)) {
      if (!isStyleParam(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `unknown style parameter (known: ${STYLE_PARAMS.join(', ')})` });
        continue;
      }
      const problem = styleValueProblem(name, raw);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: `${JSON.stringify(raw)} refused, ${problem}` });
    }
  })
  .transform((style): OverlayStyle => style);

