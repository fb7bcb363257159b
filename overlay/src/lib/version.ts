/** Reported by the overlay in `overlay:hello`. Bump when the overlay protocol handling changes. */
export const OVERLAY_VERSION = '0.1.0';
