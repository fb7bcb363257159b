/** What the panel's style editor posts to the overlay preview frame (same origin). */
export interface StylePreviewMessage {
  type: 'overlay:style-preview';
  /** Style parameters as edited, checked by the overlay like its URL parameters. */
  style: Record<string, string>;
}

export const STYLE_PREVIEW_MESSAGE = 'overlay:style-preview';
